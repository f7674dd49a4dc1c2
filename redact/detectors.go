package redact

import "unicode/utf8"

// Detector finds one kind of sensitive data in free text. The built-in
// detectors are named by the constants below; users add their own through
// Config.Custom.
//
// Find is given a string and returns the byte offsets [start, end) of the
// first sensitive part of it, or -1, -1 when there is none. The policy
// calls it again on the rest of the string after each match. Offsets out
// of range or an empty match count as "none"; a match that cuts a UTF-8
// sequence is widened to whole characters, so a mask never breaks one.
// Find must be safe for concurrent use, and it runs on every string the
// policy scans: a detector that allocates or backtracks costs every log
// line.
type Detector interface {
	Name() string
	Find(s string) (start, end int)
}

// PartialMasker is implemented by a custom Detector that has a partial
// style of its own; without it, Partial masks a custom detector's matches
// fully.
type PartialMasker interface {
	// Partial returns what to write in place of match.
	Partial(match string) string
}

// DetectorFunc makes a Detector from a name and a find function.
func DetectorFunc(name string, find func(s string) (start, end int)) Detector {
	return funcDetector{name, find}
}

type funcDetector struct {
	name string
	find func(string) (int, int)
}

func (d funcDetector) Name() string                   { return d.name }
func (d funcDetector) Find(s string) (start, end int) { return d.find(s) }

// Names of the built-in detectors, as used in Config.Detectors,
// Config.Styles, `log:"mask=NAME"` tags and Counts.
const (
	Email        = "email"          // user@example.com
	Phone        = "phone"          // E.164 (+8613812345678, +1 415 555 2671) and mainland China mobile (13812345678)
	CNID         = "cn_id"          // mainland China resident identity number, 18 characters, MOD 11-2 check
	Card         = "card"           // payment card number, 13–19 digits, Luhn check
	IBAN         = "iban"           // international bank account number, MOD 97 check
	JWT          = "jwt"            // JSON web token whose header has "alg"
	Bearer       = "bearer"         // the credential of "Bearer ..." and "Basic ..."
	URLPassword  = "url_password"   // the password of scheme://user:password@host
	Param        = "param"          // the value of key=value and "key":"value" when the key is sensitive
	PrivateKey   = "private_key"    // the body of a PEM private key block
	AWSKey       = "aws_key"        // AWS access key id, AKIA/ASIA and 16 characters
	GitHubToken  = "github_token"   // ghp_, gho_, ghu_, ghs_, ghr_, github_pat_
	SlackToken   = "slack_token"    // xoxa-, xoxb-, xoxp-, xoxo-, xoxs-, xoxr-
	StripeKey    = "stripe_key"     // sk_live_, rk_live_, sk_test_, rk_test_
	GoogleAPIKey = "google_api_key" // AIza and 35 characters
	IP           = "ip"             // IPv4 and IPv6 addresses; off by default

	// Counters that are not detectors: values masked because of their key
	// (by MaskValue, the param detector's keys excepted, and struct
	// fields), and struct fields masked by a log:"redact" or log:"hash"
	// tag.
	KeyCounter = "key"
	TagCounter = "tag"
)

// builtinCount is the number of built-in detectors.
const builtinCount = int(dIP) + 1

// detID indexes the built-in detectors.
type detID uint8

const (
	dEmail detID = iota
	dPhone
	dCNID
	dCard
	dIBAN
	dJWT
	dBearer
	dURLPassword
	dParam
	dPrivateKey
	dAWSKey
	dGitHubToken
	dSlackToken
	dStripeKey
	dGoogleAPIKey
	dIP
)

// builtinDetector describes a built-in detector: its name, whether Default
// turns it on, its partial style, and the bytes that trigger the scanner's
// handler that finds it (buildTriggers). Each detector's description is in
// its file, detect_NAME.go, beside its finder and validators.
type builtinDetector struct {
	name     string
	on       bool
	partial  partialFunc
	triggers []trigger
}

// builtins holds the built-in detectors by id.
//
// Adding a built-in detector:
//
//  1. write detect_NAME.go: its description (a builtinDetector, with the
//     triggers its finder needs: the bytes at which a match can be told
//     apart, after which classes of byte), the finder and its
//     validators, which read the candidate in place and never allocate;
//  2. here: its exported name above, its detID, and its row below;
//  3. in scan.go, give it a handler constant (hNone, ...) and a case in
//     findFrom's switch that calls its finder; or, where its trigger is
//     one that another detector has already (the same bytes after the
//     same classes: buildTriggers refuses two handlers for one), call it
//     from that trigger's handler (onDigit, onAt, onColon, or the
//     hUnderscore case). The dispatch is a switch, not a table of
//     functions, and each finder is called straight from it, because it
//     runs on every trigger;
//  4. list it in the package documentation (doc.go), and give it cases in
//     the tests (TestStyles, the corpus, the fuzz seeds).
var builtins = [builtinCount]builtinDetector{
	dEmail:        emailDetector,
	dPhone:        phoneDetector,
	dCNID:         cnIDDetector,
	dCard:         cardDetector,
	dIBAN:         ibanDetector,
	dJWT:          jwtDetector,
	dBearer:       bearerDetector,
	dURLPassword:  urlPasswordDetector,
	dParam:        paramDetector,
	dPrivateKey:   privateKeyDetector,
	dAWSKey:       awsKeyDetector,
	dGitHubToken:  gitHubTokenDetector,
	dSlackToken:   slackTokenDetector,
	dStripeKey:    stripeKeyDetector,
	dGoogleAPIKey: googleAPIKeyDetector,
	dIP:           ipDetector,
}

// Detectors returns the names of the built-in detectors, in a fixed order.
func Detectors() []string {
	names := make([]string, builtinCount)
	for i, b := range builtins {
		names[i] = b.name
	}
	return names
}

// builtinByName returns the id of the built-in detector called name.
func builtinByName(name string) (detID, bool) {
	for i := range builtins {
		if builtins[i].name == name { // not a copy of each description
			return detID(i), true
		}
	}
	return 0, false
}

// customFind calls d.Find on s and makes its answer safe to use: a match
// inside s, not empty, widened to whole UTF-8 characters.
func customFind(d Detector, s string) (start, end int, ok bool) {
	start, end = d.Find(s)
	if start < 0 || end > len(s) || end <= start {
		return -1, -1, false
	}
	for start > 0 && !utf8.RuneStart(s[start]) {
		start--
	}
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	return start, end, true
}

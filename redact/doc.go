// Package redact keeps secrets and personal data out of logs: a Policy
// masks the values of sensitive keys, finds sensitive data inside free
// text, and makes redacted copies of structs logged with slog.Any.
//
//	p := redact.Default()
//	p.Key("db_password")                  // redact.Mask: write p.MaskValue(v)
//	p.String("sms to 13812345678 failed") // "sms to [REDACTED] failed", true
//	p.Any(user)                           // a copy with tagged and sensitive fields masked
//
// logweave's handler applies its policy to every record (the message,
// every attribute at any depth, values logged with slog.Any); the
// package also stands alone.
//
// # Keys
//
// Key decides by an attribute's key alone. Keys are compared
// case-insensitively (ASCII letters), ignoring '-', '_' and '.', and a
// key is sensitive when its normalised form ends with a sensitive key:
// with "password" and "token" in the list, db_password, user.password,
// X-Auth-Token and githubToken are masked, while tokens_used, max_tokens,
// token_count and session_count are not (they end with something else).
// A key that merely ends with a sensitive word (next_page_token) is
// masked too; allowlist it. A few names too short or too common to match
// as a suffix match only the whole key: "code", the OAuth authorization
// code, is masked while status_code, zipcode, error_code and country_code
// are not (auth_code, oauth_code and authorization_code are suffix
// names). Allowlisted keys (trace_id, span_id, request_id, service.name,
// ... see DefaultAllow) match exactly, are never touched, and win over
// sensitive ones. Config.Keys and Config.Allow extend DefaultKeys and
// DefaultAllow.
//
// A key in the bracket form of query strings and form bodies,
// name[part][part]..., brackets plain or percent-encoded (user[password],
// a[b][token], user[][password], user%5Bpassword%5D), is judged by its
// name and then each part, in order: the first that is sensitive or
// allowlisted decides, as for the nested objects such a key stands for
// (password[new] and credentials[user] are masked, user[name] is not).
//
// # Detectors
//
// String finds and masks only what a detector finds and its validator
// confirms:
//
//	email           local@domain.tld, two labels or more, a letter TLD
//	phone           E.164: '+', 10–15 digits, together or in groups of
//	                single spaces or dashes; mainland China mobile numbers:
//	                11 digits 1[3-9]..., standing alone
//	cn_id           18 characters, a known province, a real birth date
//	                (1900–2099), the ISO 7064 MOD 11-2 check character
//	card            13–19 digits, together or in groups of single spaces or
//	                dashes, a card network's prefix and length, Luhn
//	iban            a country with IBANs, its length, groups of four
//	                allowed, MOD 97
//	jwt             three (or five) base64url parts whose header decodes to
//	                a JSON object with "alg"
//	bearer          the credential after "Bearer " (at least 8 bytes, not
//	                a plain word) or "Basic " (base64 of user:password)
//	url_password    the password of scheme://user:password@host
//	param           the value of key=value, "key":"value" and
//	                \"key\":\"value\" when the key rule finds key sensitive
//	                (and sig=), as in URL query strings, form bodies, logfmt
//	                and JSON text; key%3Dvalue in a percent-encoded URL
//	                inside a value (next=%2Freset%3Ftoken%3D...), encoded
//	                up to three times, read in place; the value of a
//	                multipart/form-data part whose name is sensitive
//	                (Content-Disposition: form-data; name="password")
//	private_key     the body of a -----BEGIN ... PRIVATE KEY----- block
//	aws_key         AKIA/ASIA and 16 capitals or digits
//	github_token    ghp_, gho_, ghu_, ghs_, ghr_ and 30+ characters,
//	                github_pat_ and 40+
//	slack_token     xox[abposr]- and 10+ characters
//	stripe_key      sk_live_, rk_live_, sk_test_, rk_test_ and 16+
//	google_api_key  AIza and 35 characters
//	ip              IPv4 and IPv6 addresses: off by default
//
// Numbers and tokens must stand on their own: a digit run glued to a
// letter, a digit or a preceding '.' (a hex id, a decimal fraction, a
// version) is not a phone or card number, so trace ids, UUIDs, hashes,
// timestamps and prices are left alone. What cannot be told apart is
// documented rather than guessed: an 11-digit number starting 13–19 is a
// China mobile number, an SSH remote git@github.com is an email address,
// code=4821 is a one-time or OAuth code (code= with one to three digits,
// code=404 or code=137, is taken for a status or exit code and kept;
// allowlist "code" if yours are longer error codes), and with IP on, a
// four-part version 1.2.3.4 is an address.
//
// Each detector is switched by name in Config.Detectors; Config.Custom
// adds detectors of your own (see Detector and DetectorFunc).
//
// # Styles
//
// Each detector masks in its Style (Config.Styles): Full replaces the
// match with the mask text (Config.Mask, "[REDACTED]"); Partial keeps what
// identifies without exposing ("138****5678", "a***@example.com",
// "**** **** **** 4242", "ghp_[REDACTED]"); HMAC writes a keyed pseudonym,
// "hmac:" and 16 hex digits, the same for the same value, so one user can
// be followed through the logs without anyone reading the value.
//
// Masks begin and end where the match does, at ASCII bytes or whole
// characters, so the output is valid UTF-8 whenever the input is; invalid
// bytes outside a match are left as they are. With the Full style, and a
// mask text that begins and ends with a byte other than a letter or digit
// (the default does), the output is a fixed point: String finds nothing
// more in it.
//
// # Struct tags
//
// Any copies structs, maps and slices for slog.Any with the fields tagged
// log:"-" left out, log:"redact" masked, log:"mask=NAME" masked as
// detector NAME would, log:"hash" pseudonymised, log:"keep" kept, sensitive
// keys masked and strings scanned, encoding like encoding/json would encode
// the original. What a MarshalJSON or MarshalText method writes is scanned
// as JSON (Policy.JSON): sensitive members masked, strings scanned. See
// Policy.Any.
//
// # Cost
//
// Key and String run for every attribute of every record. Key walks a
// small trie from the end of the key and leaves it after a byte or two for
// ordinary keys. String looks at eight bytes per round in a table keyed by
// each byte and the class of the byte before it; only bytes that can start
// a match reach a handler (a digit starting a number, not one inside a hex
// id; a B starting a word; the K of AKIA, ...), and only candidates reach
// a validator. Neither allocates unless something is masked. Update swaps the compiled rules
// with one atomic store; readers take no lock.
//
// # Counts
//
// Counts reports how many values each detector masked ("key" and "tag"
// for key and tag masks); AppendCounters reports the same as
// stats.RedactionsTotal counters labelled by detector.
package redact

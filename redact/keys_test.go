package redact_test

import (
	"testing"

	"github.com/logweave/logweave/redact"
)

func TestKeyDefault(t *testing.T) {
	p := redact.Default()
	for _, tc := range []struct {
		want redact.Action
		keys []string
	}{
		{redact.Mask, []string{
			"password", "Password", "PASSWORD", "db_password", "user.password", "new-password",
			"passwd", "pwd", "passphrase", "secret", "client_secret", "clientSecret",
			"token", "access_token", "refresh-token", "id_token", "githubToken", "X-Auth-Token", "csrf_token",
			"api_key", "apikey", "X-Api-Key", "x.api.key", "aws_secret_access_key", "secret_key", "private_key", "privateKey",
			"signature", "authorization", "Proxy-Authorization", "cookie", "Set-Cookie",
			"session", "user_session", "session_id", "JSESSIONID",
			"credential", "credentials", "credit_card", "card_number", "cardNumber", "cvv", "cvc", "ssn", "id_card",
			// A key is compared from its end: what comes before does not matter.
			"next_page_token", "x_session",
		}},
		{redact.Scan, []string{
			"", "___", "method", "status", "http.request.method", "user_agent", "url.path", "error",
			// Ending with something else: not sensitive.
			"tokens_used", "max_tokens", "token_count", "token_type", "tokenizer",
			"session_count", "sessions", "password_changed_at", "password_hash", "secretary", "cookies_enabled",
			"author", "keyword", "key", "auth", "pin", "passed",
			// Only ASCII letters fold case: these are other keys.
			"pässword", "ｐａｓｓｗｏｒｄ",
		}},
		{redact.Keep, []string{
			"trace_id", "TraceID", "trace-id", "span_id", "trace_flags", "request_id", "requestId",
			"service.name", "service.version", "time", "level", "msg", "source",
		}},
	} {
		for _, k := range tc.keys {
			if got := p.Key(k); got != tc.want {
				t.Errorf("Key(%q) = %v, want %v", k, got, tc.want)
			}
		}
	}
}

func TestKeyConfig(t *testing.T) {
	p, err := redact.New(redact.Config{
		Keys:  []string{"Phone-Number", "otp"},
		Allow: []string{"next_page_token", "token"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]redact.Action{
		"phone_number":      redact.Mask, // added, normalised
		"mobilePhoneNumber": redact.Mask, // added, matched as a suffix
		"otp":               redact.Mask,
		"totp":              redact.Mask,
		"next_page_token":   redact.Keep, // allowlisted exactly
		"NextPageToken":     redact.Keep,
		"prev_page_token":   redact.Mask, // the suffix rule still holds for others
		"token":             redact.Keep, // allowlist wins over a sensitive key, exactly
		"access_token":      redact.Mask,
		"password":          redact.Mask, // defaults stay
		"trace_id":          redact.Keep,
	} {
		if got := p.Key(k); got != want {
			t.Errorf("Key(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestActionString(t *testing.T) {
	for a, want := range map[redact.Action]string{redact.Scan: "scan", redact.Mask: "mask", redact.Keep: "keep", 9: "Action(9)"} {
		if got := a.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", a, got, want)
		}
	}
}

func TestDefaultListsAreCopies(t *testing.T) {
	keys, allow := redact.DefaultKeys(), redact.DefaultAllow()
	keys[0], allow[0] = "changed", "changed"
	if redact.DefaultKeys()[0] == "changed" || redact.DefaultAllow()[0] == "changed" {
		t.Fatal("DefaultKeys/DefaultAllow return the package's own slices")
	}
	if p := redact.Default(); p.Key("changed") != redact.Scan {
		t.Fatal("changing a returned list changed the default policy")
	}
}

// TestKeyBrackets: a key in the bracket form of query strings and form
// bodies is judged by its name and parts, in order; the first that is
// sensitive or allowlisted decides, as for the nested objects the key
// stands for. Brackets may be percent-encoded, in either case, once or
// twice.
func TestKeyBrackets(t *testing.T) {
	p := redact.Default()
	for k, want := range map[string]redact.Action{
		"user[password]":          redact.Mask,
		"a[b][token]":             redact.Mask,
		"user[][password]":        redact.Mask,
		"user[password][]":        redact.Mask,
		"[password]":              redact.Mask,
		"password[new]":           redact.Mask, // everything under a sensitive key
		"credentials[user]":       redact.Mask,
		"oauth[code]":             redact.Mask, // an exact name as a part
		"user%5Bpassword%5D":      redact.Mask,
		"user%5bpassword%5d":      redact.Mask,
		"user%255Bpassword%255D":  redact.Mask,
		"a%5Bb%5D%5Bapi_key%5D":   redact.Mask,
		"user[name]":              redact.Scan,
		"arr[0]":                  redact.Scan,
		"filter[status_code]":     redact.Scan,
		"tokens[count]":           redact.Scan,
		"trace_id[0]":             redact.Keep, // nothing under an allowlisted key is touched
		"request_id[token]":       redact.Keep, // the first part that decides wins
		"user[":                   redact.Scan, // not well formed: the key as it is
		"user]":                   redact.Scan,
		"a]b[password]":           redact.Scan,
		"x[password]y":            redact.Scan,
		"user[pass[word]]":        redact.Scan,
		"[REDACTED]":              redact.Scan,
		"%5D":                     redact.Scan,
		"user%5Bname%5D":          redact.Scan,
		"password_confirmation[]": redact.Scan, // ends with something else, as without brackets
	} {
		if got := p.Key(k); got != want {
			t.Errorf("Key(%q) = %v, want %v", k, got, want)
		}
	}
	// Names that use the bytes of "%5D" themselves change where keys
	// leave the trie, not how bracket keys are judged.
	q, err := redact.New(redact.Config{Keys: []string{"md5", "x5d"}})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]redact.Action{
		"user%5Bpassword%5D": redact.Mask, "user%5Bname%5D": redact.Scan, "a[md5]": redact.Mask, "file_md5": redact.Mask, "ax5d": redact.Mask,
	} {
		if got := q.Key(k); got != want {
			t.Errorf("with md5, x5d: Key(%q) = %v, want %v", k, got, want)
		}
	}
}

// TestKeyExact: short, ambiguous names match only the whole key, so that
// the keys that merely end with them are left alone.
func TestKeyExact(t *testing.T) {
	p := redact.Default()
	for k, want := range map[string]redact.Action{
		"code": redact.Mask, "Code": redact.Mask, "CODE": redact.Mask, "_code": redact.Mask,
		"auth_code": redact.Mask, "authCode": redact.Mask, "authcode": redact.Mask, "oauth_code": redact.Mask,
		"authorization_code": redact.Mask, "AuthorizationCode": redact.Mask, "code_verifier": redact.Mask,
		"statuscode": redact.Scan, "status_code": redact.Scan, "http.response.status_code": redact.Scan,
		"zipcode": redact.Scan, "zip_code": redact.Scan, "error_code": redact.Scan, "country_code": redact.Scan,
		"codes": redact.Scan, "code_verifier_len": redact.Scan, "xcode": redact.Scan,
	} {
		if got := p.Key(k); got != want {
			t.Errorf("Key(%q) = %v, want %v", k, got, want)
		}
	}
	allowed, err := redact.New(redact.Config{Allow: []string{"code"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := allowed.Key("code"); got != redact.Keep {
		t.Errorf("allowlisted code: Key = %v, want keep", got)
	}
}

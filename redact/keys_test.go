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

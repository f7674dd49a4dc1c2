package logweave_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/logweave/logweave"
)

// These are the leaks of issue 13, through the handler with the default
// configuration (Options{}: redact.Default()). Each case logs a secret
// the way an application or the HTTP middleware does, and checks that
// the line is valid JSON without the secret, and that the look-alikes
// that are not secrets stay.

// logLine logs one record through a handler with the default options and
// returns the line, failing unless it is one valid JSON object.
func logLine(t *testing.T, msg string, args ...any) string {
	t.Helper()
	var buf bytes.Buffer
	logweave.New(&buf, &logweave.Options{}).Info(msg, args...)
	line := buf.String()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("not one JSON object (%v): %s", err, line)
	}
	return line
}

// checkLine fails when a secret is in line or a kept text is not.
func checkLine(t *testing.T, line string, secrets, kept []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(line, s) {
			t.Errorf("%q is in the line: %s", s, line)
		}
	}
	for _, s := range kept {
		if !strings.Contains(line, s) {
			t.Errorf("%q is missing from the line: %s", s, line)
		}
	}
}

// TestLeakBracketKeys: keys in bracket form, plain and percent-encoded,
// as attribute keys and inside query strings and form bodies; and
// percent-encoded URLs inside a parameter's value, encoded once or twice.
func TestLeakBracketKeys(t *testing.T) {
	line := logLine(t, "m",
		slog.String("user[password]", "s3cret-attr-1"),
		slog.String("user%5Bpassword%5D", "s3cret-attr-2"),
		slog.String("q1", "/login?user[password]=s3cret-q1&user[name]=ann"),
		slog.String("q2", "/login?user%5Bpassword%5D=s3cret-q2&x=1"),
		slog.String("q3", "/login?user%5bpassword%5d=s3cret-q3"),
		slog.String("q4", "a[b][token]=s3cret-q4&user[][password]=s3cret-q5"),
		slog.String("q5", "/login?next=%2Freset%3Ftoken%3Ds3cret-q6%26lang%3Den"),
		slog.String("q6", "/login?next=%252Freset%253Ftoken%253Ds3cret-q7"),
		slog.String("q7", "/login?arr[0]=1&user[name]=ann"),
	)
	checkLine(t, line,
		[]string{"s3cret-attr-1", "s3cret-attr-2", "s3cret-q1", "s3cret-q2", "s3cret-q3", "s3cret-q4", "s3cret-q5", "s3cret-q6", "s3cret-q7"},
		[]string{"user[name]=ann", "%26lang%3Den", "arr[0]=1", "next=%2Freset%3Ftoken%3D"})
}

// TestLeakOAuthCode: the OAuth code in a Referer or Location header,
// in a form body and as a key of its own; keys that end with "code"
// without being one are kept.
func TestLeakOAuthCode(t *testing.T) {
	line := logLine(t, "m",
		slog.String("http.request.header.referer", "https://app.example/cb?code=c0de-ref&state=xyz"),
		slog.String("http.response.header.location", "https://app.example/cb?state=xyz&code=c0de-loc"),
		slog.String("code", "c0de-attr"),
		slog.String("auth_code", "c0de-auth"),
		slog.String("authorization_code", "c0de-authz"),
		slog.String("oauthCode", "c0de-oauth"),
		slog.Int("http.response.status_code", 201),
		slog.String("zipcode", "75001"),
		slog.String("error_code", "E42"),
		slog.String("country_code", "FR"),
		slog.Int("statuscode", 202),
		slog.String("note", "status_code=203 exit code 1"),
	)
	checkLine(t, line,
		[]string{"c0de-ref", "c0de-loc", "c0de-attr", "c0de-auth", "c0de-authz", "c0de-oauth"},
		[]string{"state=xyz", `"http.response.status_code":201`, `"zipcode":"75001"`, `"error_code":"E42"`,
			`"country_code":"FR"`, `"statuscode":202`, "status_code=203 exit code 1"})
}

// TestLeakCapturedBodies: request bodies as the HTTP middleware logs them
// (a plain string under http.request.body): a form body with bracket keys
// and code=, and multipart fields named password, user[password] and
// token (unquoted).
func TestLeakCapturedBodies(t *testing.T) {
	multipart := "--XyZ\r\n" +
		"Content-Disposition: form-data; name=\"user\"\r\n\r\nann\r\n" +
		"--XyZ\r\n" +
		"Content-Disposition: form-data; name=\"password\"\r\n\r\nhunter2-mp1\r\n" +
		"--XyZ\r\n" +
		"Content-Disposition: form-data; name=\"user[password]\"\r\nContent-Type: text/plain\r\n\r\nhunter2-mp2\r\n" +
		"--XyZ\r\n" +
		"Content-Disposition: form-data; name=token\r\n\r\nhunter2-mp3\r\n" +
		"--XyZ--\r\n"
	line := logLine(t, "m",
		slog.String("http.request.body", "user%5Bpassword%5D=hunter2-form&code=c0de-form&user%5Bname%5D=ann"),
		slog.Group("b", slog.String("http.request.body", multipart)),
	)
	checkLine(t, line,
		[]string{"hunter2-form", "c0de-form", "hunter2-mp1", "hunter2-mp2", "hunter2-mp3"},
		[]string{"user%5Bname%5D=ann", `name=\"user\"\r\n\r\nann\r\n--XyZ`, "--XyZ--"})
}

// TestLeakPanicValues: a panic value logged with slog.Any (as the HTTP
// middleware does for values that are neither strings nor errors) is
// walked as a structured value; values encoding/json cannot write come
// out as an error text, never with a secret in clear.
func TestLeakPanicValues(t *testing.T) {
	type creds struct{ User, Password string }
	type withFunc struct {
		Password string
		F        func()
	}
	line := logLine(t, "m",
		slog.Any("panic", creds{User: "ann", Password: "hunter2-p1"}),
		slog.Any("panic2", map[string]string{"token": "hunter2-p2", "where": "checkout"}),
		slog.Any("panic3", make(chan int)),
		slog.Any("panic4", func() {}),
		slog.Any("panic5", withFunc{Password: "hunter2-p5", F: func() {}}),
	)
	checkLine(t, line,
		[]string{"hunter2-p1", "hunter2-p2", "hunter2-p5"},
		[]string{`"User":"ann"`, `"where":"checkout"`, `"panic3":"!ERROR:json: unsupported type`,
			`"panic4":"!ERROR:json: unsupported type`, `"panic5":"!ERROR:`})
}

// detailErr is an error whose Error() shows less than its fields.
type detailErr struct {
	Code   int
	Detail string
}

func (e *detailErr) Error() string { return "bad request" }

// TestLeakErrorFields: an error at the top of an attribute is written as
// its Error() text, scanned, never as its fields.
func TestLeakErrorFields(t *testing.T) {
	urlErr := &url.Error{Op: "Get", URL: "https://api.example/v1?token=t0k3n-url", Err: io.EOF}
	line := logLine(t, "m",
		slog.Any("err", &detailErr{Code: 400, Detail: "password=hunter2 internal"}),
		slog.Any("err2", urlErr),
		slog.Any("err3", errors.Join(errors.New("mail ann@example.com"), &detailErr{Detail: "x"})),
	)
	checkLine(t, line,
		[]string{"hunter2", "internal", "Detail", "t0k3n-url", "ann@example.com"},
		[]string{`"err":"bad request"`, `"err2":"Get \"https://api.example/v1?token=[REDACTED]\": EOF"`,
			`"err3":"mail [REDACTED]\nbad request"`})
}

// marshalsSecrets writes a JSON object of its own with a password, an
// email address in a free-text member and an ordinary member.
type marshalsSecrets struct{}

func (marshalsSecrets) MarshalJSON() ([]byte, error) {
	return []byte(`{"user":"ann","password":"hunter2-mj1","note":"mail ann@example.com","n":[1,{"api_key":{"k":"v-mj2"}}],"ok":true}`), nil
}

// bothMarshaler has MarshalJSON and MarshalText; encoding/json (and so the
// handler) uses MarshalJSON.
type bothMarshaler struct{}

func (bothMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"sms to 13812345678"`), nil }
func (bothMarshaler) MarshalText() ([]byte, error) { return []byte("text"), nil }

// note is a string type of its own: slog gives it the kind Any.
type note string

// TestLeakMarshalJSON: what a MarshalJSON method writes is scanned like a
// structured value (sensitive keys masked, strings scanned), at the top
// of an attribute and inside a struct; the output stays valid JSON.
func TestLeakMarshalJSON(t *testing.T) {
	type holder struct {
		Name string
		M    marshalsSecrets
		Raw  json.RawMessage
		B    bothMarshaler
	}
	line := logLine(t, "m",
		slog.Any("m", marshalsSecrets{}),
		slog.Any("raw", json.RawMessage(`{"token":"hunter2-raw"}`)),
		slog.Any("both", bothMarshaler{}),
		slog.Any("holder", holder{Name: "h", Raw: json.RawMessage(`["x","sms 13912345678"]`)}),
		slog.Any("note", note("password=hunter2-note")),
	)
	checkLine(t, line,
		[]string{"hunter2", "v-mj2", "ann@example.com", "13812345678", "13912345678"},
		[]string{`"user":"ann"`, `"ok":true`, `"note":"mail [REDACTED]"`, `"api_key":"[REDACTED]"`,
			`"both":"sms to [REDACTED]"`, `"Name":"h"`, `"note":"password=[REDACTED]"`})
}

// TestNoRedactionWritesMarshalJSONAsItIs: with redaction off, MarshalJSON
// output is written as encoding/json writes it.
func TestNoRedactionWritesMarshalJSONAsItIs(t *testing.T) {
	var buf bytes.Buffer
	logweave.New(&buf, &logweave.Options{Redact: logweave.NoRedaction}).Info("m", "m", marshalsSecrets{}, "err", &detailErr{Detail: "d"})
	checkLine(t, buf.String(), nil, []string{`"password":"hunter2-mj1"`, `"err":"bad request"`})
}

package httplog_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/logtest"
)

// TestQueryMaskedByBracketKeysAndURLValues: url.query with the default
// keys masks bracket keys, plain or percent-encoded, and values that are
// URLs carrying a secret, and leaves the rest as sent.
func TestQueryMaskedByBracketKeysAndURLValues(t *testing.T) {
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), nil)
	get(t, newRequest(t, "GET", srv.URL+"/login?user[password]=Qj1&user%5Btoken%5D=Qj2&next=%2Freset%3Ftoken%3DQj3&lang=en&filter[status]=open", nil))
	a := sink.Wait(t, httplog.AccessMessage, 1)[0]
	m := httplog.Mask
	if want := "user[password]=" + m + "&user%5Btoken%5D=" + m + "&next=" + m + "&lang=en&filter[status]=open"; a["url.query"] != want {
		t.Fatalf("url.query = %v, want %v", a["url.query"], want)
	}
}

// TestCapturedFormAndMultipartBodiesMasked: a captured form body is masked
// as the query is, and a multipart form's sensitive fields are masked,
// even when the capture ends in the middle of one.
func TestCapturedFormAndMultipartBodiesMasked(t *testing.T) {
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("user", "bob")
	mw.WriteField("password", "Qj4-hunter2-and-then-some-more-text")
	mw.Close()
	cut := strings.Index(mp.String(), "Qj4-hunter2") + len("Qj4-hun") // the capture ends inside the password
	srv, sink := server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
	}), &httplog.Options{
		BodyContentTypes: []string{"application/x-www-form-urlencoded", "multipart/form-data"},
		MaxBodyBytes:     cut,
	})
	post := func(ct, body string) {
		req := newRequest(t, "POST", srv.URL+"/login", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		get(t, req)
	}
	post("application/x-www-form-urlencoded", "user%5Bname%5D=bob&user%5Bpassword%5D=Qj5&code=Qj6")
	post(mw.FormDataContentType(), mp.String())

	lines := sink.Wait(t, httplog.AccessMessage, 2)
	m := httplog.Mask
	if want := "user%5Bname%5D=bob&user%5Bpassword%5D=" + m + "&code=" + m; lines[0]["http.request.body"] != want {
		t.Errorf("form body %v, want %v", lines[0]["http.request.body"], want)
	}
	body, _ := lines[1]["http.request.body"].(string)
	if lines[1]["http.request.body.truncated"] != true || !strings.Contains(body, "bob") || !strings.HasSuffix(body, m) {
		t.Errorf("multipart body %q (truncated %v): want the user kept and the password masked to the end", body, lines[1]["http.request.body.truncated"])
	}
	if line, _ := json.Marshal(lines); strings.Contains(string(line), "Qj") {
		t.Fatalf("leaked: %s", line)
	}
}

// TestPanicValuesRedactedAsStructuredValues: a panic value that is not a
// string or an error is logged as the value it is, so the handler's
// redaction sees its field and key names; strings and errors stay text.
func TestPanicValuesRedactedAsStructuredValues(t *testing.T) {
	for _, tc := range logtest.PanicCases {
		t.Run(tc.Name, func(t *testing.T) {
			var buf logtest.Sink
			h := httplog.Middleware(logweave.New(&buf, nil), nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				panic(tc.Value)
			}))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
			a := buf.WithMsg(t, httplog.AccessMessage)[0]
			logtest.CheckPanic(t, &buf, a, httplog.PanicKey, tc)
			if a["error.type"] != "panic" {
				t.Errorf("error.type = %v, want panic", a["error.type"])
			}
		})
	}
}

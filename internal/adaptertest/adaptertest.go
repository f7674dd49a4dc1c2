// Package adaptertest is the test support the framework adapters share
// (contrib/gin, echo, echov5, fiber, fiberv3, fasthttp): a server on
// loopback, a client, a check of an access line's fields, and the runner
// of the table of requests every adapter must log right, which sends each
// request and compares what the client got with what the line says.
//
// The adapters are separate modules, but their import paths are under
// this module's, so they may import this internal package.
package adaptertest

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/logtest"
)

// The trace the cases send, in W3C and in B3 form.
const (
	TraceID     = "4bf92f3577b34da6a3ce929d0e0e4736"
	SpanID      = "00f067aa0ba902b7"
	Traceparent = "00-" + TraceID + "-" + SpanID + "-01"
	B3TraceID   = "80f198ee56343ba864fe8b2a57d3eff7"
	B3SpanID    = "e457b5a2e4d86bd1"
)

// Serve runs srv on a new loopback listener until the test ends, and
// returns its base URL. The test fails if the server stops for another
// reason than being closed.
func Serve(t testing.TB, srv *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// NewRequest is http.NewRequest that fails t on error.
func NewRequest(t testing.TB, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// Do sends req with client (http.DefaultClient when nil) and returns the
// response with its body read and closed.
func Do(t testing.TB, client *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// CheckFields reports each field of want that line lacks or holds another
// value for; a nil want means the field must be absent. JSON numbers are
// compared with int wants as ints.
func CheckFields(t testing.TB, line, want map[string]any) {
	t.Helper()
	for k, w := range want {
		got, ok := line[k]
		if other, same := w.(SameAs); same {
			if !ok || got != line[string(other)] {
				t.Errorf("%s = %v, want the value of %s, %v", k, got, other, line[string(other)])
			}
			continue
		}
		switch {
		case w == nil && ok:
			t.Errorf("%s = %v, want it absent", k, got)
		case w == nil:
		case !ok:
			t.Errorf("%s absent, want %v", k, w)
		default:
			if f, isNum := got.(float64); isNum {
				if _, wantInt := w.(int); wantInt {
					got = int(f)
				}
			}
			if got != w {
				t.Errorf("%s = %v (%T), want %v (%T)", k, got, got, w, w)
			}
		}
	}
}

// SameAs, as a wanted value, wants the value the line has under the key
// it names: request_id SameAs("trace_id") when no request id arrived.
type SameAs string

// Case is one request of an adapter's table and what must come of it.
type Case struct {
	Name         string
	Method, Path string
	Header       map[string]string
	Body         string // the request body, if any

	Status   int    // the status the client must get
	WantBody string // the response body; "" is not checked
	// RequestID is the X-Request-ID the response must carry: "trace" for
	// the logged trace id; "" is not checked.
	RequestID string
	// StackHas, when set, is text the line's stack must contain (the
	// file of the handler that panicked).
	StackHas string
	Want     map[string]any // fields of the access line (see CheckFields)
}

// Run sends each case to url with client (http.DefaultClient when nil),
// each as a subtest, and checks the response and the access line it
// wrote to sink: the fields the case wants, a 32-digit trace id, the
// status logged equal to the one the client got, and X-Request-ID.
func Run(t *testing.T, client *http.Client, url string, sink *logtest.Sink, cases []Case) {
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			var body io.Reader
			if tc.Body != "" {
				body = strings.NewReader(tc.Body)
			}
			req := NewRequest(t, tc.Method, url+tc.Path, body)
			for k, v := range tc.Header {
				req.Header.Set(k, v)
			}
			n := len(sink.WithMsg(t, httplog.AccessMessage))
			resp, got := Do(t, client, req)
			if resp.StatusCode != tc.Status || (tc.WantBody != "" && got != tc.WantBody) {
				t.Errorf("client got %d %q, want %d %q", resp.StatusCode, got, tc.Status, tc.WantBody)
			}
			line := sink.Wait(t, httplog.AccessMessage, n+1)[n]
			CheckFields(t, line, tc.Want)
			if logged := logtest.Num(line["http.response.status_code"]); logged != resp.StatusCode {
				t.Errorf("logged %d, client got %d", logged, resp.StatusCode)
			}
			id, _ := line["trace_id"].(string)
			if len(id) != 32 {
				t.Errorf("trace_id %q", id)
			}
			want := tc.RequestID
			if want == "trace" {
				want = id
			}
			if got := resp.Header.Get("X-Request-ID"); want != "" && got != want {
				t.Errorf("X-Request-ID %q, want %q", got, want)
			}
			if tc.StackHas != "" {
				if stack, _ := line["stack"].(string); !strings.Contains(stack, tc.StackHas) {
					t.Errorf("stack %q, want it to hold %q", stack, tc.StackHas)
				}
			}
		})
	}
}

package adaptertest_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/internal/adaptertest"
	"github.com/logweave/logweave/internal/logtest"
)

// recorder is a testing.TB that keeps what Errorf reports instead of
// failing the test, so that a check can be seen to fail.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheckFields(t *testing.T) {
	line := map[string]any{"level": "INFO", "http.response.status_code": float64(404), "panic": "boom"}
	cases := []struct {
		name  string
		want  map[string]any
		fails int
	}{
		{"all match, numbers as ints", map[string]any{"level": "INFO", "http.response.status_code": 404}, 0},
		{"absent as wanted", map[string]any{"http.route": nil}, 0},
		{"another value", map[string]any{"level": "WARN"}, 1},
		{"another number", map[string]any{"http.response.status_code": 500}, 1},
		{"a number wanted as float stays a float", map[string]any{"http.response.status_code": float64(404)}, 0},
		{"missing", map[string]any{"error.type": "500"}, 1},
		{"present but wanted absent", map[string]any{"panic": nil}, 1},
		{"same as another field", map[string]any{"error.message": adaptertest.SameAs("panic")}, 1}, // absent
		{"same as another field, present", map[string]any{"panic": adaptertest.SameAs("panic")}, 0},
		{"not the same", map[string]any{"level": adaptertest.SameAs("panic")}, 1},
	}
	for _, c := range cases {
		r := &recorder{TB: t}
		adaptertest.CheckFields(r, line, c.want)
		if len(r.errs) != c.fails {
			t.Errorf("%s: %d failures %q, want %d", c.name, len(r.errs), r.errs, c.fails)
		}
	}
}

// TestRun runs a table through httplog's own middleware on a real server:
// the runner's checks hold for an adapter that logs right.
func TestRun(t *testing.T) {
	logger, sink := logtest.NewLogger()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "user") })
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	url := adaptertest.Serve(t, &http.Server{Handler: httplog.Middleware(logger, nil)(mux)})
	adaptertest.Run(t, nil, url, sink, []adaptertest.Case{
		{
			Name: "traceparent", Method: "GET", Path: "/users/7", Header: map[string]string{"traceparent": adaptertest.Traceparent},
			Status: 200, WantBody: "user", RequestID: adaptertest.TraceID,
			Want: map[string]any{"http.route": "GET /users/{id}", "trace_id": adaptertest.TraceID, "span_id": adaptertest.SpanID},
		},
		{
			Name: "X-Request-ID", Method: "GET", Path: "/users/7", Header: map[string]string{"X-Request-ID": "req-1"},
			Status: 200, RequestID: "req-1", Want: map[string]any{"request_id": "req-1"},
		},
		{Name: "404", Method: "GET", Path: "/nope", Status: 404, RequestID: "trace", Want: map[string]any{"level": "WARN", "http.route": nil}},
		{
			Name: "panic", Method: "GET", Path: "/panic", Status: 500, StackHas: "adaptertest_test.go",
			Want: map[string]any{"level": "ERROR", "error.type": "panic", "panic": "boom"},
		},
	})
}

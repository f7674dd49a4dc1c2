package pretty_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/pretty"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

// TestLogweaveHandler: through a real handler, the development line shows
// what production writes: secrets masked by the handler's redaction, the
// trace of the context, shortened.
func TestLogweaveHandler(t *testing.T) {
	var buf bytes.Buffer
	logger := logweave.New(pretty.NewWriter(&buf, plain()), &logweave.Options{Service: "x", AddSource: true})
	ctx := tracectx.WithRequestID(tracectx.NewRoot(context.Background()), "req-7")
	sc := trace.SpanContextFromContext(ctx)

	logger.InfoContext(ctx, "signed in", "user", "ada", "password", "hunter2", slog.Group("http", "status", 200))
	logger.Warn("no context")

	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", buf.String())
	}
	first := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d\d\d INFO  pretty/e2e_test\.go:\d+ signed in  request_id=req-7 user=ada password=\[REDACTED\] http\.status=200 trace=(\w+)$`)
	m := first.FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("line %q does not match %s", lines[0], first)
	}
	if want := sc.TraceID().String()[:8]; m[1] != want {
		t.Errorf("trace=%s, want the first 8 digits of %s", m[1], sc.TraceID())
	}
	for _, leak := range []string{"hunter2", sc.SpanID().String(), "service.name", "trace_flags"} {
		if strings.Contains(buf.String(), leak) {
			t.Errorf("output holds %q: %s", leak, buf.String())
		}
	}
	if !regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d\d\d WARN  pretty/e2e_test\.go:\d+ no context$`).MatchString(lines[1]) {
		t.Errorf("second line: %q", lines[1])
	}
}

// TestLogweaveKeys: the keys this package knows by name are the ones the
// handler writes, service fields and trace fields alike.
func TestLogweaveKeys(t *testing.T) {
	var buf bytes.Buffer
	fixed := func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Time(slog.TimeKey, time.Date(2026, 11, 21, 10, 22, 33, 123e6, time.UTC))
		}
		return a
	}
	opts := plain()
	opts.ShowService = true
	opts.TraceIDLength = -1
	logger := logweave.New(pretty.NewWriter(&buf, opts), &logweave.Options{
		Service: "checkout", Version: "1.4.2", Environment: "prod", ReplaceAttr: fixed,
	})
	ctx, err := tracectx.WithRemoteHex(context.Background(), "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", trace.FlagsSampled)
	if err != nil {
		t.Fatal(err)
	}
	logger.InfoContext(ctx, "m")
	want := "10:22:33.123 INFO  m  " + logweave.ServiceNameKey + "=checkout " + logweave.ServiceVersionKey + "=1.4.2 " +
		logweave.EnvironmentKey + "=prod trace=4bf92f3577b34da6a3ce929d0e0e4736\n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}
	for _, k := range []string{logweave.TraceIDKey, logweave.SpanIDKey, logweave.TraceFlagsKey} {
		if strings.Contains(buf.String(), k) {
			t.Errorf("%s shown: %q", k, buf.String())
		}
	}
}

// TestPanicStack: httplog's line for a recovered panic shows its stack
// indented under the line, not as one quoted string.
func TestPanicStack(t *testing.T) {
	var buf bytes.Buffer
	logger := logweave.New(pretty.NewWriter(&buf, plain()), &logweave.Options{Service: "x"})
	h := httplog.Middleware(logger, nil)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	func() {
		defer func() { _ = recover() }()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/boom", nil))
	}()
	out := buf.String()
	lines := strings.Split(out, "\n")
	if len(lines) < 4 || !strings.Contains(lines[0], " ERROR ") || !strings.Contains(lines[0], "panic=boom") ||
		!regexp.MustCompile(` trace=[0-9a-f]{8}$`).MatchString(lines[0]) {
		t.Fatalf("access line: %q", out)
	}
	if lines[1] != "  stack:" || !strings.HasPrefix(lines[2], "    goroutine ") || !strings.Contains(out, "\n        /") {
		t.Errorf("stack not shown as a block: %q", out)
	}
	checkSafe(t, nil, buf.Bytes(), false)
}

package logweave_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

func TestSlogtest(t *testing.T) {
	var buf bytes.Buffer
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		buf.Reset()
		return logweave.NewHandler(&buf, &logweave.Options{Service: "slogtest"})
	}, func(t *testing.T) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatalf("%v: %q", err, buf.Bytes())
		}
		return m
	})
}

var lineTime = time.Date(2026, 11, 21, 18, 22, 33, 123_987_000, time.FixedZone("CST", 8*3600))

func record(level slog.Level, msg string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(lineTime, level, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

// handle runs r through a new handler built with opts and returns the
// one line it wrote, decoded.
func handle(t testing.TB, opts *logweave.Options, ctx context.Context, r slog.Record) []field {
	t.Helper()
	var buf bytes.Buffer
	if err := logweave.NewHandler(&buf, opts).Handle(ctx, r); err != nil {
		t.Fatal(err)
	}
	ls := lines(t, buf.Bytes())
	if len(ls) != 1 {
		t.Fatalf("want one line, got %q", buf.Bytes())
	}
	return ls[0]
}

func TestLineLayout(t *testing.T) {
	var buf bytes.Buffer
	h := logweave.NewHandler(&buf, &logweave.Options{Service: "checkout", Version: "1.4.2", Environment: "prod"})
	ctx, err := tracectx.WithRemoteHex(context.Background(), "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", trace.FlagsSampled)
	if err != nil {
		t.Fatal(err)
	}
	ctx = tracectx.WithRequestID(ctx, "req-42")
	if err := h.Handle(ctx, record(slog.LevelWarn, "low stock", slog.String("sku", "A-1"), slog.Int("left", 2))); err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2026-11-21T10:22:33.123Z","level":"WARN","msg":"low stock",` +
		`"service.name":"checkout","service.version":"1.4.2","deployment.environment.name":"prod",` +
		`"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","trace_flags":"01",` +
		`"request_id":"req-42","sku":"A-1","left":2}` + "\n"
	if got := buf.String(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestTimeIsUTCMilliseconds(t *testing.T) {
	re := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	for _, tm := range []time.Time{
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 12, 31, 23, 59, 59, 999_999_999, time.FixedZone("x", -5*3600)),
		time.Date(2024, 2, 29, 12, 0, 0, 1_000_000, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 500_000_000, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
		time.Now(),
	} {
		r := slog.NewRecord(tm, slog.LevelInfo, "m", 0)
		line := handle(t, nil, context.Background(), r)
		got, _ := get(line, "time")
		want := tm.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z")
		if got != want || !re.MatchString(got.(string)) {
			t.Errorf("time %v written as %v, want %s", tm, got, want)
		}
	}
	// Years RFC 3339 cannot hold still give a valid line with a time.
	r := slog.NewRecord(time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC), slog.LevelInfo, "m", 0)
	if got, _ := get(handle(t, nil, context.Background(), r), "time"); got != "12345-01-01T00:00:00.000Z" {
		t.Errorf("year 12345 written as %v", got)
	}
	// A zero time is left out, as slog does.
	if _, ok := get(handle(t, nil, context.Background(), slog.Record{Message: "m"}), "time"); ok {
		t.Error("zero time was written")
	}
}

func TestLevelNames(t *testing.T) {
	for level, want := range map[slog.Level]string{
		logweave.LevelTrace: "TRACE", slog.LevelDebug: "DEBUG", slog.LevelInfo: "INFO",
		slog.LevelWarn: "WARN", slog.LevelError: "ERROR", logweave.LevelFatal: "FATAL",
		slog.LevelInfo + 2: "INFO+2", slog.LevelDebug - 1: "DEBUG-1", logweave.LevelTrace - 1: "DEBUG-5",
		logweave.LevelFatal + 1: "ERROR+5", 100: "ERROR+92", -100: "DEBUG-96",
	} {
		line := handle(t, &logweave.Options{Level: slog.Level(-1000)}, context.Background(), record(level, "m"))
		if got, _ := get(line, "level"); got != want {
			t.Errorf("level %d written as %v, want %s", int(level), got, want)
		}
	}
}

func TestLevelVarChangesAtRunTime(t *testing.T) {
	var buf bytes.Buffer
	lv := new(slog.LevelVar)
	logger := logweave.New(&buf, &logweave.Options{Level: lv})
	logger.Debug("hidden")
	lv.Set(slog.LevelDebug)
	logger.Debug("shown")
	lv.Set(slog.LevelError)
	logger.Warn("hidden too")
	ls := lines(t, buf.Bytes())
	if len(ls) != 1 {
		t.Fatalf("want only the line logged while DEBUG was on, got %s", buf.Bytes())
	}
	if msg, _ := get(ls[0], "msg"); msg != "shown" {
		t.Fatalf("got %v", msg)
	}
}

func TestServiceNameDefaults(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "from-env")
	var buf bytes.Buffer
	logweave.New(&buf, nil).Info("m")
	if got, _ := get(lines(t, buf.Bytes())[0], "service.name"); got != "from-env" {
		t.Errorf("service.name = %v, want the OTEL_SERVICE_NAME value", got)
	}
	t.Setenv("OTEL_SERVICE_NAME", "")
	buf.Reset()
	logweave.New(&buf, nil).Info("m")
	got, _ := get(lines(t, buf.Bytes())[0], "service.name")
	if s, _ := got.(string); !strings.HasPrefix(s, "unknown_service:") || len(s) == len("unknown_service:") {
		t.Errorf("service.name = %v, want unknown_service:<executable>", got)
	}
	buf.Reset()
	logweave.New(&buf, &logweave.Options{Service: "explicit"}).Info("m")
	if got, _ := get(lines(t, buf.Bytes())[0], "service.name"); got != "explicit" {
		t.Errorf("service.name = %v", got)
	}
}

func TestTraceFields(t *testing.T) {
	t.Run("none without a span", func(t *testing.T) {
		line := handle(t, nil, context.Background(), record(0, "m"))
		for _, k := range []string{"trace_id", "span_id", "trace_flags", "request_id"} {
			if _, ok := get(line, k); ok {
				t.Errorf("%s written without a trace context", k)
			}
		}
		// A nil context is allowed by slog and has no trace.
		line = handle(t, nil, nil, record(0, "m"))
		if _, ok := get(line, "trace_id"); ok {
			t.Error("trace_id written for a nil context")
		}
	})
	t.Run("generated root", func(t *testing.T) {
		ctx := tracectx.NewRoot(context.Background())
		line := handle(t, nil, ctx, record(0, "m"))
		sc := trace.SpanContextFromContext(ctx)
		hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
		tid, _ := get(line, "trace_id")
		sid, _ := get(line, "span_id")
		flags, _ := get(line, "trace_flags")
		if tid != sc.TraceID().String() || !hex32.MatchString(tid.(string)) || strings.Trim(tid.(string), "0") == "" {
			t.Errorf("trace_id = %v, context has %s", tid, sc.TraceID())
		}
		if sid != sc.SpanID().String() {
			t.Errorf("span_id = %v, context has %s", sid, sc.SpanID())
		}
		if flags != "03" {
			t.Errorf("trace_flags = %v, want 03 (sampled, random)", flags)
		}
	})
	t.Run("child keeps the trace", func(t *testing.T) {
		root := tracectx.NewRoot(context.Background())
		child := tracectx.NewChild(root)
		a, b := trace.SpanContextFromContext(root), trace.SpanContextFromContext(child)
		if a.TraceID() != b.TraceID() || a.SpanID() == b.SpanID() || !b.SpanID().IsValid() {
			t.Fatalf("child %v of %v", b, a)
		}
	})
	t.Run("invalid remote ids rejected", func(t *testing.T) {
		for _, c := range [][2]string{
			{"00000000000000000000000000000000", "00f067aa0ba902b7"},
			{"4bf92f3577b34da6a3ce929d0e0e4736", "0000000000000000"},
			{"4BF92F3577B34DA6A3CE929D0E0E4736", "00f067aa0ba902b7"},
			{"4bf92f3577b34da6a3ce929d0e0e473", "00f067aa0ba902b7"},
			{"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902bz"},
		} {
			ctx, err := tracectx.WithRemoteHex(context.Background(), c[0], c[1], 1)
			if !errors.Is(err, tracectx.ErrInvalidIDs) {
				t.Errorf("%v: err = %v, want ErrInvalidIDs", c, err)
			}
			if trace.SpanContextFromContext(ctx).IsValid() {
				t.Errorf("%v: context carries a span after an error", c)
			}
		}
	})
}

func TestDerivedHandlers(t *testing.T) {
	var buf bytes.Buffer
	base := logweave.New(&buf, &logweave.Options{Service: "s"})
	a := base.With("a", 1)
	g := a.WithGroup("g")
	g2 := g.With("b", 2)
	base.Info("base")
	a.Info("a")
	g.Info("g empty")
	g.Info("g full", "c", 3)
	g2.Info("g2", "c", 3)
	g2.WithGroup("h").Info("h empty")
	ls := lines(t, buf.Bytes())
	want := [][]string{
		{"time", "level", "msg", "service.name"},
		{"time", "level", "msg", "service.name", "a"},
		{"time", "level", "msg", "service.name", "a"},
		{"time", "level", "msg", "service.name", "a", "g"},
		{"time", "level", "msg", "service.name", "a", "g"},
		{"time", "level", "msg", "service.name", "a", "g"},
	}
	for i, l := range ls {
		if fmt.Sprint(keys(l)) != fmt.Sprint(want[i]) {
			t.Errorf("line %d keys %v, want %v", i, keys(l), want[i])
		}
	}
	if v, _ := get(ls[3], "g", "c"); fmt.Sprint(v) != "3" {
		t.Errorf("g.c = %v", v)
	}
	if v, _ := get(ls[4], "g"); fmt.Sprint(v) != "[{b 2} {c 3}]" {
		t.Errorf("g = %v", v)
	}
	if v, _ := get(ls[5], "g"); fmt.Sprint(v) != "[{b 2}]" {
		t.Errorf("g = %v, the empty group h must be left out", v)
	}
}

type panicky struct{}

func (panicky) LogValue() slog.Value { panic("LogValue blew up") }

type nilErr struct{ msg string }

func (e *nilErr) Error() string { return e.msg } // panics on a nil receiver

type badJSON struct{}

func (badJSON) MarshalJSON() ([]byte, error) { return []byte(`{"broken"`), nil }

type text struct{ s string }

func (t text) MarshalText() ([]byte, error) { return []byte("text:" + t.s), nil }

type loopValuer struct{}

func (l loopValuer) LogValue() slog.Value { return slog.AnyValue(l) }

func TestBadValuesGiveValidLines(t *testing.T) {
	huge := strings.Repeat("x\x00\xff\u2028", 1<<18)
	line := handle(t, nil, context.Background(), record(slog.LevelInfo, "bad \xc3\x28 \x1b[31m",
		slog.Any("panicky", panicky{}),
		slog.Any("nilerr", (*nilErr)(nil)),
		slog.Any("badjson", badJSON{}),
		slog.Any("loop", loopValuer{}),
		slog.Any("ch", make(chan int)),
		slog.Float64("nan", math.NaN()),
		slog.Float64("inf", math.Inf(1)),
		slog.Float64("-inf", math.Inf(-1)),
		slog.String("huge", huge),
		slog.String("\xff\"key", "v"),
		slog.Any("text", text{"a"}),
		slog.Any("addr", netip.MustParseAddr("10.0.0.1")),
		slog.Any("nil", nil),
	))
	check := func(key, wantPrefix string) {
		t.Helper()
		v, ok := get(line, key)
		if s, _ := v.(string); !ok || !strings.HasPrefix(s, wantPrefix) {
			t.Errorf("%s = %.80v, want prefix %q", key, v, wantPrefix)
		}
	}
	check("msg", "bad \ufffd( \x1b[31m")
	check("panicky", "LogValue panicked")
	check("nilerr", "<nil>")
	check("badjson", "!ERROR:json: error calling MarshalJSON")
	check("loop", "LogValue called too many times")
	check("ch", "!ERROR:json: unsupported type")
	check("nan", "NaN")
	check("inf", "+Inf")
	check("-inf", "-Inf")
	check("huge", "x\x00\ufffd\u2028")
	check("\ufffd\"key", "v")
	check("text", "text:a")
	check("addr", "10.0.0.1")
	if v, ok := get(line, "nil"); !ok || v != nil {
		t.Errorf("nil = %v, %v", v, ok)
	}
	if v, _ := get(line, "huge"); len(v.(string)) != len(strings.Repeat("x\x00\ufffd\u2028", 1<<18)) {
		t.Error("huge value was cut")
	}
}

// failingWriter fails the writes whose numbers are in fail, or panics.
type failingWriter struct {
	n     int
	fail  map[int]bool
	panic map[int]bool
	buf   bytes.Buffer
}

var errDiskFull = errors.New("no space left on device")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.n++
	if w.panic[w.n] {
		panic("writer exploded")
	}
	if w.fail[w.n] {
		return 0, errDiskFull
	}
	return w.buf.Write(p)
}

func TestWriteErrorsAreReturned(t *testing.T) {
	w := &failingWriter{fail: map[int]bool{1: true}, panic: map[int]bool{3: true}}
	h := logweave.NewHandler(w, nil)
	ctx := context.Background()
	if err := h.Handle(ctx, record(0, "first")); !errors.Is(err, errDiskFull) {
		t.Fatalf("Handle returned %v, want the writer's error", err)
	}
	if err := h.Handle(ctx, record(0, "second")); err != nil {
		t.Fatalf("handler broken after a write error: %v", err)
	}
	if err := h.Handle(ctx, record(0, "third")); err == nil || !strings.Contains(err.Error(), "writer exploded") {
		t.Fatalf("a panicking writer gave %v", err)
	}
	if err := h.Handle(ctx, record(0, "fourth")); err != nil {
		t.Fatalf("handler broken (lock held?) after a panicking writer: %v", err)
	}
	ls := lines(t, w.buf.Bytes())
	if len(ls) != 2 {
		t.Fatalf("want the 2 successful lines, got %s", w.buf.Bytes())
	}
}

func TestClosedFile(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	logger := logweave.New(f, nil)
	logger.Info("before close")
	f.Close()
	err = logger.Handler().Handle(context.Background(), record(0, "after close"))
	if !errors.Is(err, os.ErrClosed) || !strings.HasPrefix(err.Error(), "logweave: write: ") {
		t.Fatalf("write to a closed file: %v, want a logweave error wrapping os.ErrClosed", err)
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if ls := lines(t, data); len(ls) != 1 {
		t.Fatalf("file holds %d lines, want the one written before Close", len(ls))
	}
}

// lineWriter checks that every Write is exactly one whole line.
type lineWriter struct {
	mu    sync.Mutex
	lines [][]byte
	bad   int
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Count(p, []byte("\n")) != 1 || p[len(p)-1] != '\n' || !json.Valid(p) {
		w.bad++
	}
	w.lines = append(w.lines, bytes.Clone(p))
	return len(p), nil
}

func TestConcurrentUseOneWritePerLine(t *testing.T) {
	w := &lineWriter{}
	base := logweave.New(w, &logweave.Options{Level: slog.LevelDebug})
	const goroutines, perG = 8, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			l := base.With("g", g).WithGroup("req")
			ctx := tracectx.NewRoot(context.Background())
			for i := range perG {
				l.InfoContext(ctx, "tick", "i", i, slog.Group("nested", "x", strings.Repeat("y", i)))
			}
		})
	}
	wg.Wait()
	if w.bad != 0 || len(w.lines) != goroutines*perG {
		t.Fatalf("%d bad writes, %d lines, want 0 and %d", w.bad, len(w.lines), goroutines*perG)
	}
}

func TestAddSourceMatchesSlog(t *testing.T) {
	var ours, theirs bytes.Buffer
	l1 := logweave.New(&ours, &logweave.Options{AddSource: true})
	l2 := slog.New(slog.NewJSONHandler(&theirs, &slog.HandlerOptions{AddSource: true}))
	for range 2 { // the second round is served from the source cache
		for _, l := range []*slog.Logger{l1, l2} {
			l.Info("where", "k", 1)
		}
	}
	// Same call site, different lines: blank out the line numbers.
	o := lines(t, ours.Bytes())
	s := lines(t, theirs.Bytes())
	for i := range o {
		of, _ := get(o[i], "source", "function")
		sf, _ := get(s[i], "source", "function")
		ofile, _ := get(o[i], "source", "file")
		sfile, _ := get(s[i], "source", "file")
		oline, _ := get(o[i], "source", "line")
		if of != sf || ofile != sfile || of == nil || fmt.Sprint(oline) == "0" {
			t.Errorf("source %v %v %v, slog %v %v", of, ofile, oline, sf, sfile)
		}
		if fmt.Sprint(keys(slogMeaning(o[i], true))) != fmt.Sprint(keys(s[i])) {
			t.Errorf("keys %v, slog %v", keys(o[i]), keys(s[i]))
		}
	}
	// A record without a PC has no source, as in slog.
	if _, ok := get(handle(t, &logweave.Options{AddSource: true}, context.Background(), record(0, "m")), "source"); ok {
		t.Error("source written for a record without a PC")
	}
}

// TestHandleAttrsWritesWhatHandleWrites: HandleAttrs is only a faster way
// in; the line must be byte for byte the one Handle writes for the same
// record, with groups and With attributes, and with ReplaceAttr.
func TestHandleAttrsWritesWhatHandleWrites(t *testing.T) {
	at := time.Date(2026, 11, 21, 10, 0, 0, 123e6, time.UTC)
	attrs := []slog.Attr{
		slog.String("method", "GET"), slog.Int("status", 200), slog.Float64("d", 0.25),
		slog.Group("g", slog.String("a", "b")), slog.Bool("ok", true), slog.String("path", "/x\n"),
		slog.Int64("n", -1), slog.Any("err", errors.New("boom")),
	}
	opts := []*logweave.Options{
		{Service: "s", AddSource: true},
		{Service: "s", ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == "status" {
				a.Key = "code"
			}
			return a
		}},
	}
	for i, o := range opts {
		var viaHandle, viaAttrs bytes.Buffer
		h1 := logweave.NewHandler(&viaHandle, o).WithAttrs([]slog.Attr{slog.String("w", "1")}).WithGroup("req").(*logweave.Handler)
		h2 := logweave.NewHandler(&viaAttrs, o).WithAttrs([]slog.Attr{slog.String("w", "1")}).WithGroup("req").(*logweave.Handler)
		r := slog.NewRecord(at, slog.LevelWarn, "access", 0)
		r.AddAttrs(attrs...)
		if err := h1.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if err := h2.HandleAttrs(context.Background(), at, slog.LevelWarn, "access", attrs); err != nil {
			t.Fatal(err)
		}
		if viaHandle.String() != viaAttrs.String() || viaHandle.Len() == 0 {
			t.Errorf("options %d:\nHandle      %s\nHandleAttrs %s", i, viaHandle.String(), viaAttrs.String())
		}
	}
}

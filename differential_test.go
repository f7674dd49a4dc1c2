package logweave_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave"
)

// The handler promises slog.JSONHandler's meaning: for the same logger
// calls, decoding both lines gives the same keys, order and values, apart
// from the time format and the fields logweave adds. These tests run the
// same calls through both and compare.

type user struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type tokenValuer string

func (t tokenValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kind", "token"), slog.Int("len", len(t)))
}

type emptyValuer struct{}

func (emptyValuer) LogValue() slog.Value { return slog.GroupValue() }

// loggerCall is one way of using a logger; each is run against both handlers.
type loggerCall func(l *slog.Logger)

var differentialCases = map[string]loggerCall{
	"message only": func(l *slog.Logger) { l.Info("hello") },
	"every kind": func(l *slog.Logger) {
		l.LogAttrs(context.Background(), slog.LevelWarn, "kinds",
			slog.String("s", "str"), slog.Int("i", -3), slog.Int64("i64", math.MinInt64),
			slog.Uint64("u", math.MaxUint64), slog.Float64("f", 3.25), slog.Float64("tiny", 1e-7),
			slog.Float64("big", 1e21), slog.Float64("neg0", math.Copysign(0, -1)), slog.Float64("third", 1.0/3),
			slog.Bool("b", true), slog.Duration("d", 1500*time.Millisecond),
			slog.Time("t", time.Date(2026, 3, 4, 5, 6, 7, 8, time.FixedZone("", -7*3600))),
			slog.Any("err", errors.New("it failed")), slog.Any("user", user{"ann", "a@example.com"}),
			slog.Any("slice", []int{1, 2}), slog.Any("map", map[string]any{"z": 1, "a": []string{"x"}}),
			slog.Any("bytes", []byte("hi")), slog.Any("nil", nil), slog.Any("level", slog.LevelDebug),
			slog.Any("html", "<a href='x'>&</a>"),
		)
	},
	"key value pairs and bad key": func(l *slog.Logger) {
		args := []any{"a", 1, "b", "two", "dangling"} // a slice, so vet lets the odd count through
		l.Error("kv", args...)
	},
	"groups": func(l *slog.Logger) {
		l.Info("g", slog.Group("outer", slog.Int("a", 1), slog.Group("inner", slog.Bool("b", false)), slog.Group("empty")),
			slog.Group("", slog.String("inlined", "yes")), slog.Group("only-empty", slog.Group("e")))
	},
	"valuers": func(l *slog.Logger) {
		l.Info("v", slog.Any("tok", tokenValuer("secret")), slog.Any("empty", emptyValuer{}), slog.Any("p", panicky{}))
	},
	"empty attrs": func(l *slog.Logger) {
		l.LogAttrs(context.Background(), slog.LevelInfo, "e", slog.Attr{}, slog.Any("", nil), slog.String("", "kept"), slog.Int("x", 1))
	},
	"with and groups": func(l *slog.Logger) {
		l.With("a", 1).WithGroup("g").With("b", 2).WithGroup("h").Info("m", "c", 3)
		l.WithGroup("g").WithGroup("h").Info("no attrs")
		l.WithGroup("g").With(slog.Group("empty")).Info("still none")
		l.With(slog.Any("e", emptyValuer{})).WithGroup("g").Info("m", "c", 1)
		l.WithGroup("g").With("a", 1).Info("m")
		l.WithGroup("").With("x", 1).Info("m")
	},
	"levels": func(l *slog.Logger) {
		for _, lv := range []slog.Level{-9, logweave.LevelTrace, -5, -4, -1, 0, 1, 4, 7, 8, 11, logweave.LevelFatal, 13} {
			l.Log(context.Background(), lv, "lv")
		}
	},
	"strings": func(l *slog.Logger) {
		l.Info("esc \"q\" \\ \n\r\t\x00\x1f\x7f \u2028\u2029 é 漢字 😀 \xff\xfe bad\xc3",
			"k\n\"", "v\x01", "long", strings.Repeat("0123456789abcdef", 100))
	},
}

func TestSameMeaningAsSlogJSON(t *testing.T) {
	for name, call := range differentialCases {
		t.Run(name, func(t *testing.T) {
			var ours, theirs bytes.Buffer
			call(logweave.New(&ours, &logweave.Options{Level: slog.Level(-100), Service: "diff", Redact: logweave.NoRedaction}))
			call(slog.New(slog.NewJSONHandler(&theirs, &slog.HandlerOptions{Level: slog.Level(-100)})))
			sameMeaning(t, ours.Bytes(), theirs.Bytes())
		})
	}
}

// replaceRecorder is a ReplaceAttr that renames, drops and rewrites, and
// records every call it gets, so the calls can be compared with slog's.
type replaceRecorder struct{ calls []string }

func (r *replaceRecorder) replace(groups []string, a slog.Attr) slog.Attr {
	if _, added := addedFieldsReplace[a.Key]; added && len(groups) == 0 {
		return a // logweave's own fields: not in slog's sequence
	}
	r.calls = append(r.calls, fmt.Sprintf("%v %s=%v", groups, a.Key, a.Value.Kind()))
	switch {
	case a.Key == slog.TimeKey && len(groups) == 0:
		return slog.Attr{}
	case a.Key == "secret":
		return slog.String("secret", "[REDACTED]")
	case a.Key == "drop":
		return slog.Attr{}
	case a.Key == "rename":
		return slog.Int("renamed", 7)
	case a.Key == "tolog":
		return slog.Any("tolog", tokenValuer("abc")) // unresolved: must be resolved
	}
	return a
}

var addedFieldsReplace = map[string]struct{}{
	logweave.ServiceNameKey: {}, logweave.TraceIDKey: {}, logweave.SpanIDKey: {},
	logweave.TraceFlagsKey: {}, logweave.RequestIDKey: {},
}

func TestReplaceAttrSameCallsAsSlog(t *testing.T) {
	var ours, theirs bytes.Buffer
	var ro, rt replaceRecorder
	call := func(l *slog.Logger) {
		l = l.With("secret", "hunter2", "drop", 1).WithGroup("g")
		l.Info("m", "secret", "pw", "rename", "x", "tolog", 1, slog.Group("h", "drop", 2, "keep", 3), slog.Group("dropped", "drop", 1))
		l.WithGroup("k").With("drop", 1).Info("only dropped in k", "drop", 1)
	}
	call(logweave.New(&ours, &logweave.Options{ReplaceAttr: ro.replace, AddSource: true, Redact: logweave.NoRedaction}))
	call(slog.New(slog.NewJSONHandler(&theirs, &slog.HandlerOptions{ReplaceAttr: rt.replace, AddSource: true})))
	if fmt.Sprint(ro.calls) != fmt.Sprint(rt.calls) {
		t.Fatalf("ReplaceAttr calls differ\nlogweave: %q\nslog:     %q", ro.calls, rt.calls)
	}
	sameMeaning(t, stripSourceLines(t, ours.Bytes()), stripSourceLines(t, theirs.Bytes()))
	if strings.Contains(ours.String(), "hunter2") || !strings.Contains(ours.String(), `"time"`) == false {
		t.Fatalf("ReplaceAttr not applied: %s", ours.String())
	}
}

// stripSourceLines removes "line":N so two loggers called from different
// lines of the same function compare equal.
func stripSourceLines(t testing.TB, out []byte) []byte {
	var res []byte
	for _, l := range bytes.SplitAfter(out, []byte("\n")) {
		i := bytes.Index(l, []byte(`,"line":`))
		if i < 0 {
			res = append(res, l...)
			continue
		}
		j := i + len(`,"line":`)
		for j < len(l) && l[j] >= '0' && l[j] <= '9' {
			j++
		}
		res = append(res, l[:i]...)
		res = append(res, l[j:]...)
	}
	return res
}

// FuzzSameMeaningAsSlogJSON builds records from fuzzed strings and numbers,
// in a shape chosen by the fuzzer (With, WithGroup, nested and empty
// groups), and checks both that the line is valid JSON and that it means
// what slog's line means.
func FuzzSameMeaningAsSlogJSON(f *testing.F) {
	f.Add("msg", "key", "value", int64(42), 3.5, true, 0, uint16(0))
	f.Add("", "", "", int64(-1), math.Copysign(0, -1), false, -8, uint16(0xffff))
	f.Add("\xff\xfe\"\\\n", "k\x00", "\u2028<>&", int64(math.MaxInt64), 1e-9, true, 12, uint16(0x5555))
	f.Add("日本", "g", "😀\xc3", int64(math.MinInt64), 1e300, false, 3, uint16(0xaaaa))
	f.Fuzz(func(t *testing.T, msg, key, sval string, ival int64, fval float64, bval bool, level int, shape uint16) {
		if math.IsNaN(fval) || math.IsInf(fval, 0) {
			// slog writes "!ERROR:json: unsupported value" for these;
			// logweave writes "NaN"/"±Inf" (TestBadValuesGiveValidLines).
			fval = 0
		}
		attrs := []slog.Attr{
			slog.String(key, sval), slog.Int64("i", ival), slog.Float64("f", fval), slog.Bool("b", bval),
			slog.Time("t", time.Unix(0, ival).In(time.FixedZone("z", int(ival%50400)))),
			slog.Duration("d", time.Duration(ival)), slog.Uint64("u", uint64(ival)),
		}
		bit := func(n uint) bool { return shape&(1<<n) != 0 }
		if bit(0) {
			attrs = append(attrs, slog.Group(key, slog.String(sval, msg), slog.Group("")))
		}
		if bit(1) {
			attrs = append(attrs, slog.Group("", slog.Int(key, int(ival))))
		}
		if bit(2) {
			attrs = append(attrs, slog.Any(key, map[string]string{sval: msg}))
		}
		if bit(3) {
			attrs = append(attrs, slog.Any("err", errors.New(msg)))
		}
		if bit(4) {
			attrs = attrs[:0]
		}
		run := func(l *slog.Logger) {
			if bit(5) {
				l = l.With(key, sval)
			}
			if bit(6) {
				l = l.WithGroup(key)
			}
			if bit(7) {
				for _, a := range attrs[:len(attrs)/2] {
					l = l.With(a)
				}
			}
			if bit(8) {
				l = l.WithGroup(sval)
			}
			l.LogAttrs(context.Background(), slog.Level(level%64), msg, attrs...)
		}
		var ours, theirs bytes.Buffer
		run(logweave.New(&ours, &logweave.Options{Level: slog.Level(-100), Redact: logweave.NoRedaction}))
		run(slog.New(slog.NewJSONHandler(&theirs, &slog.HandlerOptions{Level: slog.Level(-100)})))
		sameMeaning(t, ours.Bytes(), theirs.Bytes())
	})
}

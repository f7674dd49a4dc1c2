package logweave_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/sample"
)

// TestSamplingSeesWithAttrs: a keep_attrs rule keeps the records of a
// logger given the attribute with With, under WithGroup too, as it keeps
// records that carry it themselves; through Handle and HandleAttrs.
func TestSamplingSeesWithAttrs(t *testing.T) {
	policy, err := sample.New(sample.Config{
		LevelRates: map[slog.Level]float64{slog.LevelInfo: 0},
		KeepAttrs:  []sample.Match{{Key: "event", Value: "payment_failed"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	h := logweave.NewHandler(&out, &logweave.Options{Service: "t", Sampler: policy, Redact: logweave.NoRedaction})
	logger := slog.New(h)

	logger.Info("dropped")
	logger.Info("own attribute", "event", "payment_failed")
	logger.With("event", "payment_failed").Info("with attribute")
	logger.With("event", "payment_failed").With("user", "ann").WithGroup("g").Info("with, then more")
	logger.WithGroup("g").With("event", "payment_failed").Info("with inside a group")
	logger.With("event", "payment_ok").Info("with another value")
	wh := h.WithAttrs([]slog.Attr{slog.String("event", "payment_failed")}).(*logweave.Handler)
	_ = wh.HandleAttrs(context.Background(), time.Now(), slog.LevelInfo, "handle attrs", nil)

	got := out.String()
	for _, msg := range []string{"own attribute", "with attribute", "with, then more", "with inside a group", "handle attrs"} {
		if !strings.Contains(got, `"msg":"`+msg+`"`) {
			t.Errorf("%q dropped: the keep rule did not see the logger's attribute", msg)
		}
	}
	for _, msg := range []string{"dropped", "with another value"} {
		if strings.Contains(got, `"msg":"`+msg+`"`) {
			t.Errorf("%q kept: the rules drop it", msg)
		}
	}
}

// withRecorder is a Sampler of the user's that wants the With attributes.
type withRecorder struct{ with [][]string }

func (s *withRecorder) Keep(context.Context, slog.Record) bool { return true }

func (s *withRecorder) KeepWith(_ context.Context, _ slog.Record, with []slog.Attr) bool {
	keys := make([]string, len(with))
	for i, a := range with {
		keys[i] = a.Key
	}
	s.with = append(s.with, keys)
	return true
}

// TestWithSamplerOfTheUser: a Sampler that implements WithSampler gets the
// logger's attributes, outermost first; one without With gets Keep.
func TestWithSamplerOfTheUser(t *testing.T) {
	s := &withRecorder{}
	logger := logweave.New(&bytes.Buffer{}, &logweave.Options{Service: "t", Sampler: s})
	logger.Info("plain")
	logger.With("a", 1).WithGroup("g").With("b", 2).Info("with")
	if len(s.with) != 1 || strings.Join(s.with[0], ",") != "a,b" {
		t.Errorf("KeepWith saw %v, want one call with [a b]", s.with)
	}
}

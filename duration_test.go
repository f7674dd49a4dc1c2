package logweave_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave"
)

// TestDurations: each DurationFormat writes a duration attribute, at the
// top and in a group, and one given to slog.Any, as it says; the default
// is slog.JSONHandler's.
func TestDurations(t *testing.T) {
	for _, tc := range []struct {
		format logweave.DurationFormat
		want   string
	}{
		{logweave.DurationNanoseconds, `"d":1500000000,"g":{"d":1500000},"any":2000`},
		{logweave.DurationSeconds, `"d":1.5,"g":{"d":0.0015},"any":0.000002`},
		{logweave.DurationMilliseconds, `"d":1500,"g":{"d":1.5},"any":0.002`},
		{logweave.DurationString, `"d":"1.5s","g":{"d":"1.5ms"},"any":"2µs"`},
	} {
		var buf bytes.Buffer
		logger := logweave.New(&buf, &logweave.Options{Service: "t", Durations: tc.format})
		logger.Info("m", "d", 1500*time.Millisecond, slog.Group("g", slog.Duration("d", 1500*time.Microsecond)), slog.Any("any", 2*time.Microsecond))
		if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("%v: %s, want %s", tc.format, buf.String(), tc.want)
		}
		if !json.Valid(buf.Bytes()) {
			t.Errorf("%v: invalid JSON %s", tc.format, buf.String())
		}
	}
	var slogs bytes.Buffer
	slog.New(slog.NewJSONHandler(&slogs, nil)).Info("m", "d", 1500*time.Millisecond)
	if !strings.Contains(slogs.String(), `"d":1500000000`) {
		t.Errorf("slog.JSONHandler wrote %s: the default no longer matches it", slogs.String())
	}
}

func TestDurationFormatText(t *testing.T) {
	for in, want := range map[string]logweave.DurationFormat{
		"": logweave.DurationNanoseconds, "ns": logweave.DurationNanoseconds, "Seconds": logweave.DurationSeconds,
		"s": logweave.DurationSeconds, "ms": logweave.DurationMilliseconds, "milliseconds": logweave.DurationMilliseconds,
		"string": logweave.DurationString,
	} {
		var f logweave.DurationFormat
		if err := f.UnmarshalText([]byte(in)); err != nil || f != want {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", in, f, err, want)
		}
		if b, err := want.MarshalText(); err != nil || want.String() != string(b) {
			t.Errorf("MarshalText(%v) = %s, %v", want, b, err)
		}
	}
	var f logweave.DurationFormat
	if err := f.UnmarshalText([]byte("fortnights")); err == nil || !strings.Contains(err.Error(), "fortnights") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := logweave.DurationFormat(9).MarshalText(); err == nil {
		t.Error("MarshalText of an unknown format: no error")
	}
}

package logweave_test

import (
	"log/slog"
	"testing"

	"github.com/logweave/logweave"
)

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{
		"": slog.LevelInfo, "trace": logweave.LevelTrace, "FATAL": logweave.LevelFatal, "warn+2": slog.LevelWarn + 2,
		"TRACE-1": logweave.LevelTrace - 1, "Error": slog.LevelError, "DEBUG-4": slog.LevelDebug - 4,
	} {
		if got, err := logweave.ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"LOUD", "TRACE2", "FATAL+x", "INFO+"} {
		if _, err := logweave.ParseLevel(bad); err == nil {
			t.Errorf("ParseLevel(%q): no error", bad)
		}
	}
}

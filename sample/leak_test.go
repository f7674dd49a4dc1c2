package sample_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/sample"
)

// ours are the goroutines this package starts.
var ours = []string{"logweave/sample.(*Policy).report", "logweave/internal/sighup.Watch"}

// TestStopEndsGoroutines: each stop function returns once the goroutine
// it owns has ended; none is left behind.
func TestStopEndsGoroutines(t *testing.T) {
	if leaked := logtest.Leaked(5*time.Second, ours...); len(leaked) != 0 {
		t.Fatalf("goroutines running before the test: %v", leaked)
	}
	p, err := sample.New(sample.Config{LevelRates: map[slog.Level]float64{slog.LevelDebug: 0}})
	if err != nil {
		t.Fatal(err)
	}
	h := slog.NewJSONHandler(io.Discard, nil)
	var stops []func()
	for range 3 {
		stops = append(stops, p.Report(h, time.Millisecond))
	}
	var level slog.LevelVar
	stops = append(stops, sample.ReloadOnSIGHUP(filepath.Join(t.TempDir(), "absent.json"), p, &level, func(error) {}))
	if running := logtest.Leaked(0, ours...); len(running) != 4 {
		t.Fatalf("%d goroutines running, want 4 (the test would prove nothing)", len(running))
	}
	for _, stop := range stops {
		stop()
	}
	// stop has waited: nothing may be running now, without waiting more.
	if leaked := logtest.Leaked(0, ours...); len(leaked) != 0 {
		t.Errorf("goroutines left after stop: %v", leaked)
	}
}

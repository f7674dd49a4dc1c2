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
	"github.com/logweave/logweave/stats"
)

// TestSamplerDecidesBeforeWriting: records the sampler leaves out are
// neither written nor counted as written, errors are kept, and HandleAttrs
// is sampled like Handle.
func TestSamplerDecidesBeforeWriting(t *testing.T) {
	policy, err := sample.New(sample.Config{Burst: sample.BurstRule{First: 2, Interval: sample.Duration(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	h := logweave.NewHandler(&out, &logweave.Options{Service: "t", Sampler: policy})
	logger := slog.New(h)
	for range 10 {
		logger.Info("hot loop")
		logger.Error("failure")
	}
	for range 5 {
		_ = h.HandleAttrs(context.Background(), time.Now(), slog.LevelInfo, "via attrs", []slog.Attr{slog.Int("i", 1)})
	}
	if n := strings.Count(out.String(), `"msg":"hot loop"`); n != 2 {
		t.Errorf("hot loop written %d times, want the burst's 2", n)
	}
	if n := strings.Count(out.String(), `"msg":"failure"`); n != 10 {
		t.Errorf("errors written %d times, want all 10", n)
	}
	if n := strings.Count(out.String(), `"msg":"via attrs"`); n != 2 {
		t.Errorf("HandleAttrs records written %d times, want 2", n)
	}
	cs := h.AppendCounters(nil)
	if got := counterOf(cs, stats.RecordsTotal, "INFO"); got != 4 {
		t.Errorf("records_total{INFO} = %d, want the 4 written", got)
	}
	if st := policy.Stats(); st.Dropped() != 8+3 {
		t.Errorf("sampler dropped %d, want 11", st.Dropped())
	}
}

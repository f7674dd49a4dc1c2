package sample_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/logweave/logweave/sample"
	"github.com/logweave/logweave/units"
)

// sampled shows where a handler asks the policy: first thing in Handle,
// before any encoding. (logweave's own handler does this for you.)
type sampled struct {
	slog.Handler
	policy *sample.Policy
}

func (h sampled) Handle(ctx context.Context, r slog.Record) error {
	if !h.policy.Keep(ctx, r) {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func Example() {
	policy, err := sample.New(sample.Config{
		// At most 2 lines a minute with the same level and message
		// (Thereafter: 100 would add one in a hundred of the others).
		Burst: sample.BurstRule{First: 2, Interval: units.Duration(time.Minute)},
	})
	if err != nil {
		panic(err)
	}
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(sampled{slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}), policy})

	for i := range 5 {
		logger.Info("cache miss", "n", i+1)
	}
	logger.Error("cache unreachable")                                                    // errors are always kept
	logger.InfoContext(sample.Always(context.Background()), "cache miss", "audit", true) // and so are these

	s := policy.Stats()
	fmt.Printf("kept %d, dropped %d (burst %d)\n", s.Kept, s.Dropped(), s.Burst)
	// Output:
	// level=INFO msg="cache miss" n=1
	// level=INFO msg="cache miss" n=2
	// level=ERROR msg="cache unreachable"
	// level=INFO msg="cache miss" audit=true
	// kept 4, dropped 3 (burst 3)
}

// The JSON form of a Config, as a settings file holds it (see Load).
func ExampleConfig() {
	var c sample.Config
	err := json.Unmarshal([]byte(`{
		"keep_attrs": [{"key": "event", "value": "payment_failed"}],
		"trace": {"keep_sampled": true},
		"level_rates": {"DEBUG": 0.01},
		"burst": {"first": 100, "thereafter": 100, "interval": "10s"},
		"overload": {"enter_above": 20000, "exit_below": 5000}
	}`), &c)
	if err != nil {
		panic(err)
	}
	if _, err := sample.New(c); err != nil {
		panic(err)
	}
	fmt.Println(time.Duration(c.Burst.Interval), c.LevelRates[slog.LevelDebug], c.Overload.ExitBelow)

	c.Burst.First = -1
	fmt.Println(c.Validate())
	// Output:
	// 10s 0.01 5000
	// sample: burst.first -1: want the number of records kept per key and interval, >= 0
}

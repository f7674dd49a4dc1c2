package logtest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/internal/logtest"
)

func TestSink(t *testing.T) {
	logger, sink := logtest.NewLogger()
	logger.Info("a", "n", 3)
	logger.Debug("b")
	go func() {
		time.Sleep(20 * time.Millisecond)
		logger.Info("a", "n", 4)
	}()
	got := sink.Wait(t, "a", 2)
	if logtest.Num(got[0]["n"]) != 3 || logtest.Num(got[1]["n"]) != 4 || len(sink.Lines(t)) != 3 {
		t.Fatalf("lines %v", sink.Lines(t))
	}
	sink.Reset()
	if len(sink.Lines(t)) != 0 {
		t.Fatal("Reset kept lines")
	}
}

func TestLeaked(t *testing.T) {
	stop := make(chan struct{})
	go func() { <-stop }() // mentions this test function in its stack
	if got := logtest.Leaked(10*time.Millisecond, "TestLeaked"); len(got) != 1 {
		t.Fatalf("want the one goroutine left running, got %d", len(got))
	}
	close(stop)
	if got := logtest.Leaked(time.Second, "TestLeaked"); len(got) != 0 {
		t.Fatalf("goroutine still reported after it ended: %v", got)
	}
}

func TestCheckLeaks(t *testing.T) {
	stop := make(chan struct{})
	go func() { <-stop }() // mentions this test function in its stack
	var out strings.Builder
	if code := logtest.CheckLeaks(&out, 0, 10*time.Millisecond, "TestCheckLeaks"); code != 1 ||
		!strings.HasPrefix(out.String(), "1 goroutines left behind") || !strings.Contains(out.String(), "TestCheckLeaks") {
		t.Errorf("passed tests with a goroutine left: code %d, report %q; want 1 and its stack", code, out.String())
	}
	out.Reset()
	if code := logtest.CheckLeaks(&out, 3, time.Hour, "TestCheckLeaks"); code != 3 || out.Len() != 0 {
		t.Errorf("failed tests: code %d, report %q; want their own code and no wait", code, out.String())
	}
	close(stop)
	if code := logtest.CheckLeaks(&out, 0, time.Second, "TestCheckLeaks"); code != 0 || out.Len() != 0 {
		t.Errorf("nothing left: code %d, report %q; want 0", code, out.String())
	}
}

func ExampleSink() {
	logger, sink := logtest.NewLogger()
	logger.Info("hello", "k", 1)
	for _, l := range sink.Lines(&testing.T{}) {
		fmt.Println(l["msg"], l["k"])
	}
	// Output: hello 1
}

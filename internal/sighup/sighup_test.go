package sighup_test

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/internal/sighup"
)

func TestWatch(t *testing.T) {
	calls := make(chan struct{}, 4)
	stop := sighup.Watch(func() { calls <- struct{}{} })
	for i := range 2 {
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		select {
		case <-calls:
		case <-time.After(5 * time.Second):
			t.Fatalf("signal %d: fn not called within 5s", i)
		}
	}
	stop()
	stop() // twice: no panic, no hang
	if leaked := logtest.Leaked(time.Second, "sighup.Watch"); len(leaked) > 0 {
		t.Errorf("goroutine left after stop:\n%s", leaked[0])
	}
}

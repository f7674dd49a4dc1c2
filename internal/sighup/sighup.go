// Package sighup runs a function on each SIGHUP the process gets, in one
// goroutine that its stop function ends: the reloading of configuration
// and the reopening of log files that operators trigger with kill -HUP.
package sighup

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Watch calls fn, in a goroutine of its own, for every SIGHUP from the
// moment Watch returns (the signal then no longer ends the process). stop
// stops the watching and returns once the goroutine has ended, after fn
// returned if it was running; it may be called more than once. Signals
// that arrive while fn runs are coalesced into one more call.
func Watch(fn func()) (stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP)
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-sig:
				fn()
			case <-quit:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(sig)
			close(quit)
		})
		<-finished
	}
}

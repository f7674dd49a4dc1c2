//go:build unix

package sample

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReloadOnSIGHUP sends SIGHUP to the test process. The handler is
// installed by reloadOnSignal before it returns, so the signal cannot
// reach the default action, which would end the process.
func TestReloadOnSIGHUP(t *testing.T) {
	p := mustNew(t, Config{})
	var level slog.LevelVar
	path := writeFile(t, `{"level": "WARN", "sampling": {"level_rates": {"INFO": 0}}}`)
	results := make(chan error)
	stop := reloadOnSignal(path, p, &level, func(err error) { results <- err })
	defer stop()

	hup := func() error {
		t.Helper()
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-results:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("no reload within 10s of SIGHUP")
			return nil
		}
	}

	if err := hup(); err != nil {
		t.Fatal(err)
	}
	if level.Level() != slog.LevelWarn || p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0)) {
		t.Fatalf("after SIGHUP: level %v, policy %+v", level.Level(), p.Config())
	}

	// A bad file: an error, and the old settings stay.
	if err := os.WriteFile(path, []byte(`{"level": "DEBUG", "sampling": {"burst": {"frist": 1}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := hup(); err == nil || !strings.Contains(err.Error(), `unknown field "frist"`) {
		t.Errorf("bad file: %v", err)
	}
	if level.Level() != slog.LevelWarn || p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0)) {
		t.Error("a bad file changed the settings")
	}
}

// TestReloadOnSIGHUPReportsErrors checks the public wrapper: errors reach
// onError, successes do not.
func TestReloadOnSIGHUPReportsErrors(t *testing.T) {
	path := writeFile(t, `{"level": "LOUD"}`)
	errs := make(chan error, 1)
	var level slog.LevelVar
	stop := ReloadOnSIGHUP(path, nil, &level, func(err error) { errs <- err })
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), path) {
			t.Errorf("error %q does not name the file", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no error reported within 10s of SIGHUP")
	}
	stop()
	stop() // again: nothing happens
}

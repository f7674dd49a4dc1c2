package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/internal/sighup"
	"github.com/logweave/logweave/redact"
)

// ErrRestartRequired is wrapped by the error Pipeline.Reload returns when
// the new configuration changes settings that only a restart applies.
var ErrRestartRequired = errors.New("settings that take a restart")

// Changes says what a reload found different in the new configuration, by
// the settings' paths in the file ("level", "sampling.burst.first",
// "output.rotate.max_size"), sorted.
type Changes struct {
	// Applied are the settings that changed and now hold: level,
	// sampling and redaction.
	Applied []string
	// Restart are the settings that changed and take a restart to apply;
	// the pipeline goes on with what it was built with.
	Restart []string
}

// Reload applies what of c can change while the program runs: the level,
// the sampling policy and the redaction policy (its rules). Nothing is
// changed when c has an error.
//
// The rest of c takes a restart: the service fields, add_source,
// durations, the
// output (path, rotation, async writer), no_redaction and
// sampling_report. When c sets any of them otherwise than the
// configuration the pipeline was built from, Reload still applies the
// level, sampling and redaction, and returns an error that wraps
// ErrRestartRequired and names each of those settings, so that a changed
// file is never half-applied in silence. The Changes say the same in
// parts. To reopen the log file (after a log rotator moved it) use
// rotate.File.Reopen, or ReloadOnSIGHUP, which does both.
func (p *Pipeline) Reload(c Config) (Changes, error) {
	level, err := logweave.ParseLevel(c.Level)
	if err != nil {
		return Changes{}, fmt.Errorf("logweave: reload: %w", err)
	}
	sc := deref(c.Sampling)
	if err := sc.Validate(); err != nil {
		return Changes{}, fmt.Errorf("logweave: reload sampling: %w", err)
	}
	rc := deref(c.Redact)
	if p.Redact != nil {
		if _, err := redact.New(rc); err != nil {
			return Changes{}, fmt.Errorf("logweave: reload redact: %w", err)
		}
	}
	p.reloadMu.Lock()
	defer p.reloadMu.Unlock()
	// Checked above: the updates below cannot fail.
	if err := p.Sampler.Update(sc); err != nil {
		return Changes{}, fmt.Errorf("logweave: reload sampling: %w", err)
	}
	if p.Redact != nil {
		if err := p.Redact.Update(rc); err != nil {
			return Changes{}, fmt.Errorf("logweave: reload redact: %w", err)
		}
	}
	p.Level.Set(level)
	ch := Changes{
		Applied: diffPaths("", reloadable(p.current), reloadable(c), nil),
		Restart: diffPaths("", restartOnly(p.built), restartOnly(c), nil),
	}
	p.current = c
	if len(ch.Restart) > 0 {
		return ch, fmt.Errorf("logweave: reload: %w: %s changed (level, sampling and redaction were reloaded)",
			ErrRestartRequired, strings.Join(ch.Restart, ", "))
	}
	return ch, nil
}

// ReloadOnSIGHUP makes each SIGHUP the process gets reopen the log file
// (for logrotate and the like, which move it away and then signal) and
// reload the configuration file at path (Reload). report is told each
// time what changed, or why nothing was (err: the file did not load, or
// a setting in it was wrong; the pipeline keeps what it had), or which
// settings need a restart (err wraps ErrRestartRequired). A nil report
// logs it through the pipeline's own logger, as LogReload does, so the
// reload is in the logs beside what it changed. Close stops the watch;
// so does the returned function, which waits for it.
func (p *Pipeline) ReloadOnSIGHUP(path string, report func(Changes, error)) (stop func()) {
	if report == nil {
		report = func(ch Changes, err error) { p.LogReload(path, ch, err) }
	}
	stop = sighup.Watch(func() {
		var reopenErr error
		if p.File != nil {
			reopenErr = p.File.Reopen()
		}
		c, err := Load(path)
		var ch Changes
		if err == nil {
			ch, err = p.Reload(c)
		}
		report(ch, errors.Join(reopenErr, err))
	})
	p.mu.Lock()
	prev := p.stopReload
	p.stopReload = stop
	p.mu.Unlock()
	if prev != nil {
		prev()
	}
	return stop
}

// LogReload writes one line about a reload of the file at path through
// the pipeline's logger: INFO "configuration reloaded" with the settings
// applied, WARN when some need a restart (listed under restart_required),
// ERROR "configuration not reloaded" with the error when nothing was. The
// line is written even when the level was just raised above it: an
// operator who sent the signal wants to see its answer.
func (p *Pipeline) LogReload(path string, ch Changes, err error) {
	level, msg := slog.LevelInfo, "configuration reloaded"
	attrs := []slog.Attr{slog.String("config.path", path), slog.Any("applied", nonNil(ch.Applied))}
	switch {
	case errors.Is(err, ErrRestartRequired):
		level = slog.LevelWarn
		attrs = append(attrs, slog.Any("restart_required", ch.Restart))
	case err != nil:
		level, msg = slog.LevelError, "configuration not reloaded"
		attrs = append(attrs[:1], slog.String("error", err.Error()))
	}
	// Past Enabled on purpose: see the doc.
	r := slog.NewRecord(time.Now(), level, msg, 0)
	r.AddAttrs(attrs...)
	if h := p.Handler; h != nil {
		if herr := h.Handle(context.Background(), r); herr != nil {
			fmt.Fprintln(os.Stderr, msg, path, ch, err)
		}
	}
}

// nonNil makes an empty list a JSON [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// reloadable is c's JSON form with only the settings Reload applies.
func reloadable(c Config) map[string]any {
	return jsonForm(Config{Level: c.Level, Sampling: c.Sampling, Redact: c.Redact})
}

// restartOnly is c's JSON form without the settings Reload applies. It
// compares the JSON forms, so that a field added to Config is covered
// without being listed here.
func restartOnly(c Config) map[string]any {
	c.Level, c.Sampling, c.Redact = "", nil, nil
	return jsonForm(c)
}

func jsonForm(c Config) map[string]any {
	b, err := json.Marshal(c)
	if err != nil {
		return nil // Config marshals: its fields are plain values
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// diffPaths appends to dst the dotted paths below prefix at which a and b
// differ, sorted, descending into objects both sides hold.
func diffPaths(prefix string, a, b map[string]any, dst []string) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		va, oka := a[k].(map[string]any)
		vb, okb := b[k].(map[string]any)
		switch {
		case oka && okb:
			dst = diffPaths(path, va, vb, dst)
		case !reflect.DeepEqual(a[k], b[k]):
			dst = append(dst, path)
		}
	}
	return dst
}

package logweave

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/logweave/logweave/async"
	"github.com/logweave/logweave/internal/jsonenc"
	"github.com/logweave/logweave/internal/sighup"
	"github.com/logweave/logweave/redact"
	"github.com/logweave/logweave/rotate"
	"github.com/logweave/logweave/sample"
	"github.com/logweave/logweave/stats"
)

// Production returns the production pipeline for service, as
// ProductionConfig describes it: JSON lines to standard output through an
// async writer, the default redaction, and sampling that keeps every
// warning and error. Use its Logger, and Close it before the program
// exits so that nothing buffered is lost:
//
//	p, err := logweave.Production("checkout")
//	if err != nil { ... }
//	defer p.Close(context.Background())
//	slog.SetDefault(p.Logger)
func Production(service string) (*Pipeline, error) {
	return ProductionConfig(service).Build()
}

// Pipeline is a logger with its stages, built from a Config. Its fields
// are for reading (metrics, tests); change the pipeline with Reload.
type Pipeline struct {
	Logger  *slog.Logger
	Handler *Handler
	// Level is the handler's minimum level; Reload sets it.
	Level *slog.LevelVar
	// Redact is the redaction policy, nil when redaction is off.
	Redact *redact.Policy
	// Sampler is the sampling policy; it keeps everything when the
	// configuration has no sampling (so that Reload can turn it on).
	Sampler *sample.Policy
	// Async is the async writer, nil when writing synchronously.
	Async *async.Writer
	// File is the log file, nil when writing to stdout or stderr.
	File *rotate.File

	// built is the configuration Build was given, for Reload to tell
	// which changes it cannot apply.
	built Config

	mu         sync.Mutex
	stopReport func()
	stopReload func()
	closed     bool
	closeErr   error
}

// Build makes the pipeline c describes. It opens the output; Close
// releases it.
func (c Config) Build() (_ *Pipeline, err error) {
	level, err := ParseLevel(c.Level)
	if err != nil {
		return nil, fmt.Errorf("logweave: config: %w", err)
	}
	p := &Pipeline{Level: new(slog.LevelVar), built: c}
	p.Level.Set(level)
	defer func() {
		if err != nil {
			_ = p.Close(context.Background())
		}
	}()

	if !c.NoRedaction {
		var rc redact.Config
		if c.Redact != nil {
			rc = *c.Redact
		}
		if p.Redact, err = redact.New(rc); err != nil {
			return nil, fmt.Errorf("logweave: config redact: %w", err)
		}
	}
	var sc sample.Config
	if c.Sampling != nil {
		sc = *c.Sampling
	}
	if p.Sampler, err = sample.New(sc); err != nil {
		return nil, fmt.Errorf("logweave: config sampling: %w", err)
	}

	var out io.Writer
	switch c.Output.Path {
	case "", "stdout":
		out = os.Stdout
	case "stderr":
		out = os.Stderr
	default:
		var ro rotate.Options
		if c.Output.Rotate != nil {
			if ro, err = c.Output.Rotate.rotateOptions(); err != nil {
				return nil, fmt.Errorf("logweave: config: %w", err)
			}
		} else {
			ro.CheckInterval = -1 // no rotation asked for: a plain file, reopened on SIGHUP
		}
		if p.File, err = rotate.Open(c.Output.Path, ro); err != nil {
			return nil, fmt.Errorf("logweave: config output: %w", err)
		}
		out = p.File
	}
	if c.Output.Async != nil {
		ao, err := c.Output.Async.asyncOptions()
		if err != nil {
			return nil, fmt.Errorf("logweave: config: %w", err)
		}
		// The drop reports the writer puts in the stream name the service,
		// like every other line.
		ao.DropReportFields = `"service.name":` + string(jsonenc.AppendString(nil, resolveService(c.Service, c.Version, c.Environment).name))
		if p.Async, err = async.NewWriter(out, ao); err != nil {
			return nil, fmt.Errorf("logweave: config output.async: %w", err)
		}
		out = p.Async
	}

	opts := &Options{
		Level:       p.Level,
		AddSource:   c.AddSource,
		Service:     c.Service,
		Version:     c.Version,
		Environment: c.Environment,
		Redact:      NoRedaction,
		Sampler:     p.Sampler,
	}
	if p.Redact != nil {
		opts.Redact = p.Redact
	}
	p.Handler = NewHandler(out, opts)
	p.Logger = slog.New(p.Handler)
	if every := time.Duration(c.SamplingReport); every >= 0 {
		if every == 0 {
			every = sample.DefaultReportEvery
		}
		p.stopReport = p.Sampler.Report(p.Handler, every)
	}
	return p, nil
}

// Reload applies what of c can change while the program runs: the level,
// the sampling policy and the redaction policy (its rules). Nothing is
// changed when c has an error.
//
// The rest of c takes a restart: the service fields, add_source, the
// output (path, rotation, async writer), no_redaction and
// sampling_report. When c sets any of them otherwise than the
// configuration the pipeline was built from, Reload still applies the
// level, sampling and redaction, and returns an error that wraps
// ErrRestartRequired and names each of those settings by its path in the
// file ("output.rotate.max_size"), so that a changed file is never
// half-applied in silence. To reopen the log file (after a log rotator
// moved it) use rotate.File.Reopen, or ReloadOnSIGHUP, which does both.
func (p *Pipeline) Reload(c Config) error {
	level, err := ParseLevel(c.Level)
	if err != nil {
		return fmt.Errorf("logweave: reload: %w", err)
	}
	var sc sample.Config
	if c.Sampling != nil {
		sc = *c.Sampling
	}
	if err := sc.Validate(); err != nil {
		return fmt.Errorf("logweave: reload sampling: %w", err)
	}
	var rc redact.Config
	if c.Redact != nil {
		rc = *c.Redact
	}
	if p.Redact != nil {
		if _, err := redact.New(rc); err != nil {
			return fmt.Errorf("logweave: reload redact: %w", err)
		}
	}
	// Checked above: the updates below cannot fail.
	if err := p.Sampler.Update(sc); err != nil {
		return fmt.Errorf("logweave: reload sampling: %w", err)
	}
	if p.Redact != nil {
		if err := p.Redact.Update(rc); err != nil {
			return fmt.Errorf("logweave: reload redact: %w", err)
		}
	}
	p.Level.Set(level)
	if changed := restartSettings(p.built, c); len(changed) > 0 {
		return fmt.Errorf("logweave: reload: %w: %s changed (level, sampling and redaction were reloaded)",
			ErrRestartRequired, strings.Join(changed, ", "))
	}
	return nil
}

// ReloadOnSIGHUP makes each SIGHUP the process gets reopen the log file
// (for logrotate and the like, which move it away and then signal) and
// reload the configuration file at path (Reload). Errors go to onError
// (nil: standard error), and the pipeline keeps what it had. Close stops
// it; so does the returned function, which waits for it.
func (p *Pipeline) ReloadOnSIGHUP(path string, onError func(error)) (stop func()) {
	if onError == nil {
		onError = func(err error) { fmt.Fprintln(os.Stderr, err) }
	}
	stop = sighup.Watch(func() {
		if p.File != nil {
			if err := p.File.Reopen(); err != nil {
				onError(err)
			}
		}
		c, err := LoadConfig(path)
		if err == nil {
			err = p.Reload(c)
		}
		if err != nil {
			onError(err)
		}
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

// Sources returns the pipeline's stages that count, by the stage names
// contrib/prometheus uses: "handler", "sampler", "redact", "async",
// "file".
func (p *Pipeline) Sources() map[string]stats.Source {
	m := map[string]stats.Source{"handler": p.Handler, "sampler": p.Sampler}
	if p.Redact != nil {
		m["redact"] = p.Redact
	}
	if p.Async != nil {
		m["async"] = p.Async
	}
	if p.File != nil {
		m["file"] = p.File
	}
	return m
}

// Close stops the pipeline's goroutines (sampling reports, SIGHUP
// reloads), writes out what the async writer holds, within ctx's deadline,
// and closes the log file. Lines logged after Close are lost and counted
// (reason closed) by the async writer, or fail at the file. Close is
// idempotent and returns the same error each time.
func (p *Pipeline) Close(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return p.closeErr
	}
	p.closed = true
	var errs []error
	if p.stopReload != nil {
		p.stopReload()
	}
	if p.stopReport != nil {
		p.stopReport() // may write a last summary: before the writers close
	}
	if p.Async != nil {
		errs = append(errs, p.Async.CloseContext(ctx))
	}
	if p.File != nil {
		errs = append(errs, p.File.Close())
	}
	p.closeErr = errors.Join(errs...)
	return p.closeErr
}

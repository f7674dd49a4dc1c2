package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/async"
	"github.com/logweave/logweave/internal/jsonenc"
	"github.com/logweave/logweave/pretty"
	"github.com/logweave/logweave/redact"
	"github.com/logweave/logweave/rotate"
	"github.com/logweave/logweave/sample"
	"github.com/logweave/logweave/stats"
)

// Development returns the pipeline DevelopmentConfig describes: every
// level from DEBUG in the pretty format on standard error. Never for
// production: the lines are for people, not for a log shipper.
func Development(service string) (*Pipeline, error) {
	return DevelopmentConfig(service).Build()
}

// Production returns the production pipeline for service, as
// ProductionConfig describes it: JSON lines to standard output through an
// async writer, the default redaction, and sampling that keeps every
// warning and error. Use its Logger, and Close it before the program
// exits so that nothing buffered is lost.
func Production(service string) (*Pipeline, error) {
	return ProductionConfig(service).Build()
}

// Pipeline is a logger with its stages, built from a Config. Its fields
// are for reading (metrics, tests); change the pipeline with Reload.
type Pipeline struct {
	Logger  *slog.Logger
	Handler *logweave.Handler
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
	// current is the configuration last applied, for Reload to tell what
	// it changes; reloadMu orders reloads.
	current  Config
	reloadMu sync.Mutex

	mu         sync.Mutex
	stopReport func()
	stopReload func()
	closed     bool
	closeErr   error
}

// Build makes the pipeline c describes. It opens the output; Close
// releases it. An error names the setting as the file spells it.
func (c Config) Build() (_ *Pipeline, err error) {
	level, err := logweave.ParseLevel(c.Level)
	if err != nil {
		return nil, fmt.Errorf("logweave: config: %w", err)
	}
	p := &Pipeline{Level: new(slog.LevelVar), built: c, current: c}
	p.Level.Set(level)
	defer func() {
		if err != nil {
			_ = p.Close(context.Background())
		}
	}()
	if !c.NoRedaction {
		if p.Redact, err = redact.New(deref(c.Redact)); err != nil {
			return nil, fmt.Errorf("logweave: config redact: %w", err)
		}
	}
	if p.Sampler, err = sample.New(deref(c.Sampling)); err != nil {
		return nil, fmt.Errorf("logweave: config sampling: %w", err)
	}
	opts := &logweave.Options{
		Level:       p.Level,
		AddSource:   c.AddSource,
		Durations:   c.Durations,
		Service:     c.Service,
		Version:     c.Version,
		Environment: c.Environment,
		Redact:      logweave.NoRedaction,
		Sampler:     p.Sampler,
	}
	if p.Redact != nil {
		opts.Redact = p.Redact
	}
	out, err := p.openOutput(c.Output, logweave.ResolveService(opts).Name)
	if err != nil {
		return nil, err
	}
	p.Handler = logweave.NewHandler(out, opts)
	p.Logger = slog.New(p.Handler)
	if every := time.Duration(c.SamplingReport); every >= 0 {
		if every == 0 {
			every = sample.DefaultReportEvery
		}
		p.stopReport = p.Sampler.Report(p.Handler, every)
	}
	return p, nil
}

// openOutput opens the writer o describes: the file or standard stream,
// the pretty format's writer in front of it when asked for, then the
// async writer in front of both. The pretty writer renders the async
// writer's batches on its goroutine, off the logging goroutine's path,
// and sees the terminal itself, to colour it. service names the async
// writer's drop reports, so that they are lines of the service like the
// others.
func (p *Pipeline) openOutput(o Output, service string) (out io.Writer, err error) {
	if err := o.checkFormat(); err != nil {
		return nil, fmt.Errorf("logweave: config %w", err)
	}
	switch o.Path {
	case "", "stdout":
		out = os.Stdout
	case "stderr":
		out = os.Stderr
	default:
		var ro rotate.Options
		if o.Rotate != nil {
			if ro, err = o.Rotate.Options(); err != nil {
				return nil, fmt.Errorf("logweave: config output.%w", err)
			}
		} else {
			ro.CheckInterval = -1 // no rotation asked for: a plain file, reopened on SIGHUP
		}
		if p.File, err = rotate.Open(o.Path, ro); err != nil {
			return nil, fmt.Errorf("logweave: config output: %w", err)
		}
		out = p.File
	}
	if o.Format == FormatPretty {
		po, err := deref(o.Pretty).Options()
		if err != nil {
			return nil, fmt.Errorf("logweave: config output.%w", err)
		}
		out = pretty.NewWriter(out, po)
	}
	if o.Async != nil {
		ao, err := o.Async.Options()
		if err != nil {
			return nil, fmt.Errorf("logweave: config output.%w", err)
		}
		ao.DropReportFields = `"` + logweave.ServiceNameKey + `":` + string(jsonenc.AppendString(nil, service))
		if p.Async, err = async.NewWriter(out, ao); err != nil {
			return nil, fmt.Errorf("logweave: config output.async: %w", err)
		}
		out = p.Async
	}
	return out, nil
}

// deref is *c, or the zero value for nil: the default of each stage.
func deref[T any](c *T) T {
	if c == nil {
		var zero T
		return zero
	}
	return *c
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

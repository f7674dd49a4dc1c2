package pipeline

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/async"
	"github.com/logweave/logweave/pretty"
	"github.com/logweave/logweave/redact"
	"github.com/logweave/logweave/rotate"
	"github.com/logweave/logweave/sample"
	"github.com/logweave/logweave/units"
)

// Config is the whole pipeline in one value, and the schema of the
// configuration file (JSON; Load reads it). ProductionConfig returns the
// production defaults, which a file or code then adjusts: a field the file
// leaves out keeps its default.
//
//	{
//	  "service": "checkout",
//	  "level": "INFO",
//	  "output": {
//	    "path": "/var/log/checkout/app.log",
//	    "rotate": {"max_size": "100MiB", "max_backups": 10, "max_age": "168h"},
//	    "async": {"buffer_size": "4MiB", "on_full": "drop_newest"}
//	  },
//	  "redact": {"keys": ["pin"], "detectors": {"ip": true}},
//	  "sampling": {"burst": {"first": 100, "thereafter": 100, "interval": "1s"}},
//	  "sampling_report": "10s"
//	}
type Config struct {
	// Service, Version and Environment are logweave.Options' fields of
	// the same names.
	Service     string `json:"service,omitempty"`
	Version     string `json:"version,omitempty"`
	Environment string `json:"environment,omitempty"`

	// Level is the minimum level written, as logweave.ParseLevel reads
	// it: TRACE, DEBUG, INFO, WARN, ERROR or FATAL, in any case,
	// optionally with an offset ("INFO+2"). Empty means INFO.
	Level string `json:"level,omitempty"`

	// AddSource is logweave.Options.AddSource.
	AddSource bool `json:"add_source,omitempty"`

	// Durations is logweave.Options.Durations: "nanoseconds" (the
	// default, slog's), "seconds", "milliseconds" or "string".
	Durations logweave.DurationFormat `json:"durations,omitempty"`

	// Output is where the lines go.
	Output Output `json:"output"`

	// Redact is the redaction policy (see redact.Config); nil means the
	// default policy. NoRedaction turns redaction off.
	Redact      *redact.Config `json:"redact,omitempty"`
	NoRedaction bool           `json:"no_redaction,omitempty"`

	// Sampling is the sampling policy (see sample.Config); nil writes
	// every enabled record. SamplingReport is how often a line says how
	// many records sampling left out ("sampled out 1234 records in the
	// last 10s"); 0 means every 10 seconds, a negative value never.
	Sampling       *sample.Config `json:"sampling,omitempty"`
	SamplingReport units.Duration `json:"sampling_report,omitempty"`
}

// Output says where the lines go.
type Output struct {
	// Path is "stdout" (the default, also for ""), "stderr", or the path
	// of a log file, which Rotate rotates.
	Path string `json:"path,omitempty"`
	// Format is "json" (the default, also for ""), or "pretty": the
	// development format of package pretty, human-readable and coloured
	// on a terminal, never for production. Pretty sets its options.
	Format string         `json:"format,omitempty"`
	Pretty *pretty.Config `json:"pretty,omitempty"`
	// Rotate is the file's rotation; nil means no rotation (the file is
	// still reopened on SIGHUP, for an outside log rotator).
	Rotate *rotate.Config `json:"rotate,omitempty"`
	// Async puts the async writer between the handler and the output;
	// nil writes synchronously, each record by the goroutine that logs it.
	Async *async.Config `json:"async,omitempty"`
}

// ProductionConfig returns the production defaults for service: JSON lines
// to standard output through an async writer (1 MiB of buffer, the newest
// record dropped and counted when it is full), the default redaction
// policy, and sampling that keeps every record at WARN and above and,
// below, the first 100 records of each message per second and every
// 100th after that (zap's production sampling), with a summary line every
// 10 seconds of what was left out.
func ProductionConfig(service string) Config {
	return Config{
		Service: service,
		Level:   "INFO",
		Output:  Output{Path: "stdout", Async: &async.Config{}},
		Sampling: &sample.Config{
			KeepLevel: new(slog.LevelWarn),
			Burst:     sample.BurstRule{First: 100, Thereafter: 100, Interval: units.Duration(time.Second)},
		},
	}
}

// DevelopmentConfig returns the defaults for a developer's machine, as
// zap's development configuration does: every level from DEBUG, with the
// source of each line, in the pretty format on standard error (coloured
// on a terminal), written synchronously, nothing sampled out; redaction
// stays on, so that development shows what production would write.
func DevelopmentConfig(service string) Config {
	return Config{
		Service:   service,
		Level:     "DEBUG",
		AddSource: true,
		Output:    Output{Path: "stderr", Format: FormatPretty},
	}
}

// The values of Output.Format.
const (
	FormatJSON   = "json"
	FormatPretty = "pretty"
)

// Load reads the configuration file at path over ProductionConfig's
// defaults. Unknown fields are errors, so that a misspelt setting is not
// silently ignored; the error names the file and, for syntax errors, the
// line.
func Load(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("logweave: config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return Config{}, fmt.Errorf("logweave: config %s: %w", path, err)
	}
	return c, nil
}

// Parse is Load for a file's contents.
func Parse(b []byte) (Config, error) {
	c := ProductionConfig("")
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line := 1 + bytes.Count(b[:min(int(syn.Offset), len(b))], []byte{'\n'})
			return Config{}, fmt.Errorf("line %d: %w", line, err)
		}
		return Config{}, err
	}
	if dec.More() {
		return Config{}, errors.New("more than one JSON value: want one object")
	}
	if _, err := logweave.ParseLevel(c.Level); err != nil {
		return Config{}, err
	}
	if err := c.Output.checkFormat(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// checkFormat refuses a format it does not know, and pretty settings
// with the JSON format, which would be silently unused.
func (o Output) checkFormat() error {
	switch o.Format {
	case "", FormatJSON:
		if o.Pretty != nil {
			return fmt.Errorf("output.pretty is set, but output.format is %q: want \"pretty\" with it", cmp.Or(o.Format, FormatJSON))
		}
	case FormatPretty:
	default:
		return fmt.Errorf("output.format %q: want \"json\" or \"pretty\"", o.Format)
	}
	return nil
}

package logweave

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/logweave/logweave/async"
	"github.com/logweave/logweave/redact"
	"github.com/logweave/logweave/rotate"
	"github.com/logweave/logweave/sample"
)

// Config is the whole pipeline in one value, and the schema of the
// configuration file (JSON; LoadConfig reads it). ProductionConfig returns
// the production defaults, which a file or code then adjusts: a field the
// file leaves out keeps its default.
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
//
// Level, sampling and redaction can be changed while the program runs
// (Pipeline.Reload, Pipeline.ReloadOnSIGHUP); the rest takes a restart,
// and Reload names each such setting that a new configuration changes.
type Config struct {
	// Service, Version and Environment are Options' fields of the same
	// names.
	Service     string `json:"service,omitempty"`
	Version     string `json:"version,omitempty"`
	Environment string `json:"environment,omitempty"`

	// Level is the minimum level written: TRACE, DEBUG, INFO, WARN, ERROR
	// or FATAL, in any case, optionally with an offset ("INFO+2"). Empty
	// means INFO.
	Level string `json:"level,omitempty"`

	// AddSource is Options.AddSource.
	AddSource bool `json:"add_source,omitempty"`

	// Output is where the lines go.
	Output OutputConfig `json:"output"`

	// Redact is the redaction policy (see redact.Config); nil means the
	// default policy. NoRedaction turns redaction off.
	Redact      *redact.Config `json:"redact,omitempty"`
	NoRedaction bool           `json:"no_redaction,omitempty"`

	// Sampling is the sampling policy (see sample.Config); nil writes
	// every enabled record. SamplingReport is how often a line says how
	// many records sampling left out ("sampled out 1234 records in the
	// last 10s"); 0 means every 10 seconds, a negative value never.
	Sampling       *sample.Config `json:"sampling,omitempty"`
	SamplingReport Duration       `json:"sampling_report,omitempty"`
}

// OutputConfig says where the lines go.
type OutputConfig struct {
	// Path is "stdout" (the default, also for ""), "stderr", or the path
	// of a log file, which Rotate rotates.
	Path string `json:"path,omitempty"`
	// Rotate sets rotate.Options for a file; nil means no rotation.
	Rotate *RotateConfig `json:"rotate,omitempty"`
	// Async sets the async writer between the handler and the output;
	// nil writes synchronously, each record by the goroutine that logs it.
	Async *AsyncConfig `json:"async,omitempty"`
}

// RotateConfig is the file form of rotate.Options; see there for each
// field's meaning. Sizes are bytes, as a number or a string with a unit
// ("100MiB", "512KB"); durations are strings ("24h").
type RotateConfig struct {
	MaxSize      Size     `json:"max_size,omitempty"`
	Interval     Duration `json:"interval,omitempty"`
	At           []string `json:"at,omitempty"`
	Location     string   `json:"location,omitempty"` // an IANA zone, "Local" or "UTC"
	MaxBackups   int      `json:"max_backups,omitempty"`
	MaxAge       Duration `json:"max_age,omitempty"`
	MaxTotalSize Size     `json:"max_total_size,omitempty"`
	Uncompressed bool     `json:"uncompressed,omitempty"`
	CompressCPU  float64  `json:"compress_cpu,omitempty"` // a share of the processors, 0.05
	LocalTime    bool     `json:"local_time,omitempty"`
	FileMode     string   `json:"file_mode,omitempty"` // octal, "0640"
	Symlink      string   `json:"symlink,omitempty"`
}

// AsyncConfig is the file form of async.Options; see there for each
// field's meaning.
type AsyncConfig struct {
	BufferSize    Size     `json:"buffer_size,omitempty"`
	BatchSize     Size     `json:"batch_size,omitempty"`
	OnFull        string   `json:"on_full,omitempty"` // "drop_newest" (default), "drop_oldest", "block"
	BlockTimeout  Duration `json:"block_timeout,omitempty"`
	FlushInterval Duration `json:"flush_interval,omitempty"`
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
		Output:  OutputConfig{Path: "stdout", Async: &AsyncConfig{}},
		Sampling: &sample.Config{
			KeepLevel: ptr(slog.LevelWarn),
			Burst:     sample.BurstRule{First: 100, Thereafter: 100, Interval: sample.Duration(time.Second)},
		},
	}
}

func ptr[T any](v T) *T { return &v }

// LoadConfig reads the configuration file at path over
// ProductionConfig's defaults. Unknown fields are errors, so that a
// misspelt setting is not silently ignored; the error names the file and,
// for syntax errors, the line.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("logweave: config: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return Config{}, fmt.Errorf("logweave: config %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig is LoadConfig for a file's contents.
func ParseConfig(b []byte) (Config, error) {
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
	if _, err := ParseLevel(c.Level); err != nil {
		return Config{}, err
	}
	return c, nil
}

// ParseLevel parses a level name as LevelName writes it ("TRACE",
// "INFO", "WARN+2", "FATAL"), ignoring case; "" is INFO.
func ParseLevel(s string) (slog.Level, error) {
	name := strings.ToUpper(strings.TrimSpace(s))
	if name == "" {
		return slog.LevelInfo, nil
	}
	for _, extra := range []struct {
		name  string
		level slog.Level
	}{{"TRACE", LevelTrace}, {"FATAL", LevelFatal}} {
		if rest, ok := strings.CutPrefix(name, extra.name); ok {
			if rest == "" {
				return extra.level, nil
			}
			n, err := strconv.Atoi(rest)
			if err != nil || (rest[0] != '+' && rest[0] != '-') {
				return 0, fmt.Errorf("level %q: want a name such as INFO or WARN+2", s)
			}
			return extra.level + slog.Level(n), nil
		}
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(name)); err != nil {
		return 0, fmt.Errorf("level %q: want TRACE, DEBUG, INFO, WARN, ERROR or FATAL, optionally with an offset (INFO+2)", s)
	}
	return l, nil
}

// Duration is a duration in a configuration file, written as a string
// such as "10s" or "168h" (sample.Duration, shared with the sampling
// settings).
type Duration = sample.Duration

// Size is a number of bytes in a configuration file: a JSON number, or a
// string with a unit, where KB, MB and GB are powers of 1024 as in
// logrotate and lumberjack, and so are KiB, MiB and GiB ("100MB" ==
// "100MiB" == 104857600).
type Size int64

// UnmarshalJSON reads a number of bytes or a string with a unit.
func (s *Size) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] != '"' {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil || n < 0 {
			return fmt.Errorf("size %s: want a number of bytes >= 0 or a string such as \"100MiB\"", b)
		}
		*s = Size(n)
		return nil
	}
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return fmt.Errorf("size %s: want a number of bytes or a string such as \"100MiB\"", b)
	}
	n, err := ParseSize(text)
	if err != nil {
		return err
	}
	*s = n
	return nil
}

// MarshalJSON writes the number of bytes.
func (s Size) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(s), 10), nil }

// ParseSize parses a size such as "100MiB", "512KB", "1GB" or "4096".
func ParseSize(text string) (Size, error) {
	t := strings.TrimSpace(text)
	digits := 0
	for digits < len(t) && t[digits] >= '0' && t[digits] <= '9' {
		digits++
	}
	if digits == 0 || digits > 18 {
		return 0, fmt.Errorf("size %q: want a whole number with an optional unit (B, KB, MB, GB, KiB, MiB, GiB)", text)
	}
	n, _ := strconv.ParseInt(t[:digits], 10, 64) // at most 18 digits: no overflow
	var shift uint
	switch strings.ToUpper(strings.TrimSpace(t[digits:])) {
	case "", "B":
	case "K", "KB", "KIB":
		shift = 10
	case "M", "MB", "MIB":
		shift = 20
	case "G", "GB", "GIB":
		shift = 30
	default:
		return 0, fmt.Errorf("size %q: unknown unit: want B, KB, MB, GB, KiB, MiB or GiB", text)
	}
	if n > (1<<62)>>shift {
		return 0, fmt.Errorf("size %q: too large", text)
	}
	return Size(n << shift), nil
}

// rotateOptions converts the file form.
func (r *RotateConfig) rotateOptions() (rotate.Options, error) {
	o := rotate.Options{
		MaxSize:      int64(r.MaxSize),
		Interval:     time.Duration(r.Interval),
		At:           r.At,
		MaxBackups:   r.MaxBackups,
		MaxAge:       time.Duration(r.MaxAge),
		MaxTotalSize: int64(r.MaxTotalSize),
		Uncompressed: r.Uncompressed,
		CompressCPU:  r.CompressCPU,
		LocalTime:    r.LocalTime,
		Symlink:      r.Symlink,
	}
	if r.Location != "" {
		loc, err := time.LoadLocation(r.Location)
		if err != nil {
			return o, fmt.Errorf("output.rotate.location %q: %w", r.Location, err)
		}
		o.Location = loc
	}
	if r.FileMode != "" {
		m, err := strconv.ParseUint(r.FileMode, 8, 32)
		if err != nil || m > 0o777 {
			return o, fmt.Errorf("output.rotate.file_mode %q: want an octal permission such as \"0640\"", r.FileMode)
		}
		o.FileMode = fs.FileMode(m)
	}
	return o, nil
}

// asyncOptions converts the file form.
func (a *AsyncConfig) asyncOptions() (async.Options, error) {
	o := async.Options{
		BufferSize:    int(a.BufferSize),
		BatchSize:     int(a.BatchSize),
		BlockTimeout:  time.Duration(a.BlockTimeout),
		FlushInterval: time.Duration(a.FlushInterval),
	}
	switch strings.ToLower(a.OnFull) {
	case "", "drop_newest":
		o.OnFull = async.DropNewest
	case "drop_oldest":
		o.OnFull = async.DropOldest
	case "block":
		o.OnFull = async.Block
	default:
		return o, fmt.Errorf("output.async.on_full %q: want drop_newest, drop_oldest or block", a.OnFull)
	}
	return o, nil
}

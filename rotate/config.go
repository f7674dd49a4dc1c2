package rotate

import (
	"fmt"
	"io/fs"
	"strconv"
	"time"

	"github.com/logweave/logweave/units"
)

// Config is the configuration file form of Options (the "rotate" object
// of the pipeline's file); see Options for each field's meaning. Sizes are
// bytes, as a number or a string with a unit ("100MiB", "512KB");
// durations are strings ("24h").
//
//	{"max_size": "100MiB", "at": ["00:00"], "max_backups": 10, "max_age": "168h"}
type Config struct {
	MaxSize      units.Size     `json:"max_size,omitempty"`
	Interval     units.Duration `json:"interval,omitempty"`
	At           []string       `json:"at,omitempty"`
	Location     string         `json:"location,omitempty"` // an IANA zone, "Local" or "UTC"
	MaxBackups   int            `json:"max_backups,omitempty"`
	MaxAge       units.Duration `json:"max_age,omitempty"`
	MaxTotalSize units.Size     `json:"max_total_size,omitempty"`
	Uncompressed bool           `json:"uncompressed,omitempty"`
	CompressCPU  float64        `json:"compress_cpu,omitempty"` // a share of the processors, 0.05
	LocalTime    bool           `json:"local_time,omitempty"`
	FileMode     string         `json:"file_mode,omitempty"` // octal, "0640"
	Symlink      string         `json:"symlink,omitempty"`
}

// Options converts c to the Options Open takes. It checks what only the
// file form can get wrong (a zone that does not load, a mode that is not
// octal), naming the field as the file spells it; Open checks the rest.
func (c Config) Options() (Options, error) {
	o := Options{
		MaxSize:      int64(c.MaxSize),
		Interval:     time.Duration(c.Interval),
		At:           c.At,
		MaxBackups:   c.MaxBackups,
		MaxAge:       time.Duration(c.MaxAge),
		MaxTotalSize: int64(c.MaxTotalSize),
		Uncompressed: c.Uncompressed,
		CompressCPU:  c.CompressCPU,
		LocalTime:    c.LocalTime,
		Symlink:      c.Symlink,
	}
	if c.Location != "" {
		loc, err := time.LoadLocation(c.Location)
		if err != nil {
			return o, fmt.Errorf("rotate: location %q: %w", c.Location, err)
		}
		o.Location = loc
	}
	if c.FileMode != "" {
		m, err := strconv.ParseUint(c.FileMode, 8, 32)
		if err != nil || m > 0o777 {
			return o, fmt.Errorf("rotate: file_mode %q: want an octal permission such as \"0640\"", c.FileMode)
		}
		o.FileMode = fs.FileMode(m)
	}
	return o, nil
}

package async

import (
	"fmt"
	"strings"
	"time"

	"github.com/logweave/logweave/units"
)

// Config is the configuration file form of Options (the "async" object of
// the pipeline's file); see Options for each field's meaning. Sizes are
// bytes, as a number or a string with a unit ("4MiB"); durations are
// strings ("100ms"). The zero Config is the default writer.
//
//	{"buffer_size": "4MiB", "on_full": "drop_newest"}
type Config struct {
	BufferSize    units.Size     `json:"buffer_size,omitempty"`
	BatchSize     units.Size     `json:"batch_size,omitempty"`
	OnFull        string         `json:"on_full,omitempty"` // "drop_newest" (default), "drop_oldest", "block"
	BlockTimeout  units.Duration `json:"block_timeout,omitempty"`
	FlushInterval units.Duration `json:"flush_interval,omitempty"`
}

// Options converts c to the Options NewWriter takes. It checks the one
// thing only the file form can get wrong, the name of the OnFull policy;
// NewWriter checks the rest.
func (c Config) Options() (Options, error) {
	o := Options{
		BufferSize:    int(c.BufferSize),
		BatchSize:     int(c.BatchSize),
		BlockTimeout:  time.Duration(c.BlockTimeout),
		FlushInterval: time.Duration(c.FlushInterval),
	}
	switch strings.ToLower(c.OnFull) {
	case "", "drop_newest":
		o.OnFull = DropNewest
	case "drop_oldest":
		o.OnFull = DropOldest
	case "block":
		o.OnFull = Block
	default:
		return o, fmt.Errorf("async: on_full %q: want drop_newest, drop_oldest or block", c.OnFull)
	}
	return o, nil
}

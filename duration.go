package logweave

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/logweave/logweave/internal/jsonenc"
)

// DurationFormat is how the handler writes a time.Duration value
// (slog.Duration, or a time.Duration given to slog.Any; one inside a
// struct or map logged with slog.Any is encoding/json's to write, in
// nanoseconds). The zero value is
// slog's own: an integer of nanoseconds, as encoding/json and
// slog.JSONHandler write it. logweave's access lines do not depend on it:
// they write their durations as seconds in a float64 attribute
// (http.server.request.duration), as OpenTelemetry's conventions name and
// measure them, so that the lines and the metrics agree.
type DurationFormat uint8

const (
	// DurationNanoseconds writes 1.5s as 1500000000 (slog's way).
	DurationNanoseconds DurationFormat = iota
	// DurationSeconds writes 1.5s as 1.5, the unit of OpenTelemetry's
	// duration metrics and of the access lines.
	DurationSeconds
	// DurationMilliseconds writes 1.5s as 1500 and 1.5ms as 1.5.
	DurationMilliseconds
	// DurationString writes 1.5s as "1.5s" (time.Duration.String): for
	// people, not for queries that compare numbers.
	DurationString
)

var durationFormatNames = [...]string{"nanoseconds", "seconds", "milliseconds", "string"}

// String returns the name the configuration file uses: "nanoseconds",
// "seconds", "milliseconds" or "string".
func (f DurationFormat) String() string {
	if int(f) < len(durationFormatNames) {
		return durationFormatNames[f]
	}
	return "DurationFormat(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText writes the name String returns.
func (f DurationFormat) MarshalText() ([]byte, error) {
	if int(f) >= len(durationFormatNames) {
		return nil, fmt.Errorf("logweave: unknown %v", f)
	}
	return []byte(f.String()), nil
}

// UnmarshalText reads a name as String writes it, in any case, or its
// unit's symbol ("ns", "s", "ms"); "" is DurationNanoseconds.
func (f *DurationFormat) UnmarshalText(b []byte) error {
	switch strings.ToLower(strings.TrimSpace(string(b))) {
	case "", "nanoseconds", "ns":
		*f = DurationNanoseconds
	case "seconds", "s":
		*f = DurationSeconds
	case "milliseconds", "ms":
		*f = DurationMilliseconds
	case "string":
		*f = DurationString
	default:
		return fmt.Errorf("durations %q: want nanoseconds, seconds, milliseconds or string", b)
	}
	return nil
}

// appendDuration writes d in format f.
func appendDuration(dst []byte, d time.Duration, f DurationFormat) []byte {
	switch f {
	case DurationSeconds:
		return jsonenc.AppendFloat(dst, d.Seconds())
	case DurationMilliseconds:
		return jsonenc.AppendFloat(dst, float64(d)/float64(time.Millisecond))
	case DurationString:
		return jsonenc.AppendString(dst, d.String())
	}
	return strconv.AppendInt(dst, int64(d), 10)
}

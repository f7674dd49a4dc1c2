package pretty

import (
	"fmt"
	"io"
	"os"
)

// ColorMode says when a Writer colours its lines.
type ColorMode int

const (
	// ColorAuto colours when the output is a terminal and the
	// environment does not say otherwise; the rules, in order:
	//
	//   - FORCE_COLOR set to anything but the empty string: colour
	//     (force-color.org), whatever the output is;
	//   - NO_COLOR set to anything but the empty string: no colour
	//     (no-color.org);
	//   - TERM=dumb: no colour;
	//   - otherwise colour when the writer is an *os.File that is a
	//     character device (a terminal; on Windows, a console that
	//     accepts ANSI sequences, which is switched on when it can be).
	//
	// So a pipe, a file, a bytes.Buffer or any other writer gets no
	// colour, and `go run . | less` shows plain text.
	ColorAuto ColorMode = iota
	// ColorAlways colours whatever the output and the environment (an
	// explicit setting wins over NO_COLOR, as no-color.org allows).
	ColorAlways
	// ColorNever never writes an escape sequence.
	ColorNever
)

// String returns "auto", "always" or "never".
func (m ColorMode) String() string {
	switch m {
	case ColorAuto:
		return "auto"
	case ColorAlways:
		return "always"
	case ColorNever:
		return "never"
	}
	return fmt.Sprintf("ColorMode(%d)", int(m))
}

// MarshalText returns the name String returns, so a ColorMode is a
// string in a configuration file. It fails for a value that is none of
// the three modes.
func (m ColorMode) MarshalText() ([]byte, error) {
	if m < ColorAuto || m > ColorNever {
		return nil, fmt.Errorf("pretty: color %d: want ColorAuto, ColorAlways or ColorNever", int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads "auto", "always" or "never" (as written; "" is
// auto).
func (m *ColorMode) UnmarshalText(b []byte) error {
	switch string(b) {
	case "", "auto":
		*m = ColorAuto
	case "always":
		*m = ColorAlways
	case "never":
		*m = ColorNever
	default:
		return fmt.Errorf("pretty: color %q: want \"auto\", \"always\" or \"never\"", b)
	}
	return nil
}

// enabled resolves m for output w.
func (m ColorMode) enabled(w io.Writer) bool {
	switch m {
	case ColorAlways:
		return true
	case ColorAuto:
	default: // ColorNever, and values out of range: the safe side
		return false
	}
	if os.Getenv("FORCE_COLOR") != "" {
		return true
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	// Stat, not Fd: on Unix, Fd puts the file into blocking mode.
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	return enableANSI(f)
}

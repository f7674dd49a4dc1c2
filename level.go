package logweave

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/logweave/logweave/internal/jsonenc"
)

// Extra levels, beside slog's four. They are written by name ("TRACE",
// "FATAL"); logweave never exits the program on FATAL, it only labels the
// record: what to do after a fatal error is the caller's decision.
const (
	LevelTrace = slog.Level(-8)
	LevelFatal = slog.Level(12)
)

// LevelName returns the name logweave writes for l: TRACE and FATAL for
// LevelTrace and LevelFatal, and slog's name for every other level
// ("INFO", "DEBUG-2", "ERROR+1").
func LevelName(l slog.Level) string {
	switch l {
	case LevelTrace:
		return "TRACE"
	case LevelFatal:
		return "FATAL"
	}
	return l.String()
}

// quotedLevels holds the quoted names of the levels around slog's, so
// writing a level is a copy; slog.Level.String formats "INFO+2" with
// fmt on every call.
var quotedLevels = func() (t [33]string) {
	for i := range t {
		t[i] = strconv.Quote(LevelName(slog.Level(i - 16)))
	}
	return t
}()

func appendLevel(dst []byte, l slog.Level) []byte {
	if l >= -16 && l <= 16 {
		return append(dst, quotedLevels[l+16]...)
	}
	return jsonenc.AppendString(dst, LevelName(l))
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

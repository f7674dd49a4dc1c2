package logweave

import (
	"log/slog"
	"strconv"

	"github.com/logweave/logweave/internal/jsonenc"
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

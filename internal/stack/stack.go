// Package stack gives what logweave's middleware logs for a recovered
// panic: its value (Value) and the stack trace (Bounded), bounded so that
// a deep recursion cannot flood a log.
package stack

import (
	"bytes"
	"runtime/debug"
)

// DefaultMax is the bound used when none is configured.
const DefaultMax = 8 << 10

// Bounded returns the calling goroutine's stack, cut to at most max bytes
// (DefaultMax when max <= 0) at a line boundary, with a note when cut.
func Bounded(max int) string {
	if max <= 0 {
		max = DefaultMax
	}
	return cut(debug.Stack(), max)
}

func cut(s []byte, max int) string {
	if len(s) <= max {
		return string(s)
	}
	s = s[:max]
	if i := bytes.LastIndexByte(s, '\n'); i > 0 {
		s = s[:i+1]
	}
	return string(s) + "...(stack truncated)\n"
}

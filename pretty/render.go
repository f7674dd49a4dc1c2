package pretty

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/logweave/logweave/internal/jsonenc"
)

// The keys logweave writes besides slog's built-in ones. They are
// logweave's constants (TraceIDKey, ...), spelled out here because the
// root package may come to import this one; a test checks they agree.
const (
	traceIDKey        = "trace_id"
	spanIDKey         = "span_id"
	traceFlagsKey     = "trace_flags"
	serviceNameKey    = "service.name"
	serviceVersionKey = "service.version"
	environmentKey    = "deployment.environment.name"
)

// maxFlatKey bounds the key of a flattened attribute: an object under a
// longer key is shown as JSON under it instead of as group.key=value
// pairs. Flattening repeats the key of a group in front of every member,
// so without a bound, a line of n bytes (a long group name over many
// small members) could print n²/4 bytes; with it, the output stays within
// a constant factor of the input.
const maxFlatKey = 128

// ANSI SGR sequences. Each coloured piece of a line is one of these, the
// piece, and sgrReset.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrDim    = "\x1b[2m"
	sgrTrace  = "\x1b[2;34m" // dim blue
	sgrDebug  = "\x1b[34m"   // blue
	sgrInfo   = "\x1b[32m"   // green
	sgrWarn   = "\x1b[33m"   // yellow
	sgrError  = "\x1b[31m"   // red
	sgrFatal  = "\x1b[1;35m" // bold magenta
	sgrKey    = "\x1b[36m"   // cyan
	sgrSource = sgrDim
	sgrTime   = sgrDim
)

// kind is what a top-level member of a line is shown as.
type kind uint8

const (
	kindAttr       kind = iota // key=value, in the line's order
	kindTime                   // the time column
	kindLevel                  // the level column
	kindSource                 // file:line before the message
	kindMsg                    // the message
	kindTrace                  // trace=<prefix> at the end of the line
	kindTraceExtra             // span_id, trace_flags: left out beside a trace
	kindService                // service fields: left out unless ShowService
)

type member struct {
	key, val span
	kind     kind
}

// blockRef locates, in renderer.blocks, a multi-line string value
// printed after its line.
type blockRef struct{ key, text span }

// renderer holds the buffers of one Write; they are pooled, so a line
// costs no allocation once they have grown to its size.
type renderer struct {
	set       *settings
	out       []byte     // the rendered output
	scratch   []byte     // the decoded form of the string at hand
	prefix    []byte     // the key of the attribute at hand, groups joined by '.'
	blocks    []byte     // keys and texts of the multi-line values of the line
	blockRefs []blockRef // where they are in blocks
	members   []member   // the top-level members of the line
	lineStart int        // where the line being rendered starts in out
	nAttrs    int        // attributes written on it so far
}

// render renders p: as one entry when p is one JSON object, line by line
// otherwise.
func (r *renderer) render(p []byte) {
	if isObject(p) {
		r.entry(p)
		return
	}
	for len(p) > 0 {
		var line []byte
		line, p, _ = cutLine(p)
		if isObject(line) {
			r.entry(line)
		} else {
			r.out = append(appendBare(r.out, line), '\n')
		}
	}
}

// cutLine returns the first line of p without its "\n" or "\r\n", the
// rest after it, and whether p had a newline.
func cutLine(p []byte) (line, rest []byte, found bool) {
	line, rest, found = bytes.Cut(p, []byte{'\n'})
	return bytes.TrimSuffix(line, []byte{'\r'}), rest, found
}

// isObject reports whether b is one JSON object, with nothing but
// whitespace around it.
func isObject(b []byte) bool {
	i := skipSpace(b, 0)
	return i < len(b) && b[i] == '{' && json.Valid(b)
}

// Bits of the keys whose first occurrence is taken for a column.
const (
	bitTime = 1 << iota
	bitLevel
	bitMsg
	bitSource
	bitTrace
	bitSpan
	bitFlags
	bitServiceName
	bitServiceVersion
	bitEnvironment
)

// entry renders the JSON object d (which json.Valid accepted).
func (r *renderer) entry(d []byte) {
	r.members = r.members[:0]
	r.blocks, r.blockRefs = r.blocks[:0], r.blockRefs[:0]
	var seen uint16
	col := [kindService + 1]int{-1, -1, -1, -1, -1, -1, -1, -1}
	for i := skipSpace(d, 0) + 1; ; {
		key, val, next, ok := nextMember(d, i)
		if !ok {
			break
		}
		i = next
		k := r.classify(d, key, val, &seen)
		if col[k] < 0 {
			col[k] = len(r.members)
		}
		r.members = append(r.members, member{key, val, k})
	}

	r.lineStart, r.nAttrs = len(r.out), 0
	if j := col[kindTime]; j >= 0 {
		r.time(r.members[j].val.of(d))
		r.out = append(r.out, ' ')
	}
	if j := col[kindLevel]; j >= 0 {
		r.level(r.members[j].val.of(d))
		r.out = append(r.out, ' ')
	}
	if j := col[kindSource]; j >= 0 {
		r.source(d, r.members[j].val)
		r.out = append(r.out, ' ')
	}
	if j := col[kindMsg]; j >= 0 {
		r.msg(r.members[j].val.of(d))
	}
	trace := col[kindTrace] >= 0
	for _, m := range r.members {
		if m.kind == kindAttr || m.kind == kindTraceExtra && !trace {
			r.prefix = jsonenc.AppendUnescaped(r.prefix[:0], m.key.of(d))
			r.value(d, m.val)
		}
	}
	if trace {
		r.trace(r.members[col[kindTrace]].val.of(d))
	}
	r.trimSpace()
	r.out = append(r.out, '\n')
	r.writeBlocks()
}

// classify says how the top-level member key: val is shown. Only the
// first time, level, msg, source and trace field of a line is taken for
// its column; a later one (slog allows duplicate keys) is an attribute
// like any other, and so is one whose value is not of the expected form.
func (r *renderer) classify(d []byte, key, val span, seen *uint16) kind {
	v := val.of(d)
	var bit uint16
	want := kindAttr
	switch string(r.str(key.of(d))) {
	case slog.TimeKey:
		bit, want = bitTime, kindTime
	case slog.LevelKey:
		bit, want = bitLevel, kindLevel
	case slog.MessageKey:
		bit, want = bitMsg, kindMsg
	case slog.SourceKey:
		if v[0] == '{' && r.sourceFile(d, val) != nil {
			bit, want = bitSource, kindSource
		}
	case traceIDKey:
		if isHexString(v) {
			bit, want = bitTrace, kindTrace
		}
	case spanIDKey:
		bit, want = bitSpan, kindTraceExtra
	case traceFlagsKey:
		bit, want = bitFlags, kindTraceExtra
	case serviceNameKey:
		bit, want = bitServiceName, kindService
	case serviceVersionKey:
		bit, want = bitServiceVersion, kindService
	case environmentKey:
		bit, want = bitEnvironment, kindService
	}
	if want == kindService && (r.set.showService || v[0] != '"') {
		want = kindAttr
	}
	if want == kindAttr || *seen&bit != 0 {
		return kindAttr
	}
	*seen |= bit
	return want
}

// str returns the decoded text of JSON string content raw: raw itself
// when it holds no escape, else a decoding in r.scratch, valid until the
// next call.
func (r *renderer) str(raw []byte) []byte {
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw
	}
	r.scratch = jsonenc.AppendUnescaped(r.scratch[:0], raw)
	return r.scratch
}

func (r *renderer) open(sgr string) {
	if r.set.color {
		r.out = append(r.out, sgr...)
	}
}

func (r *renderer) close() {
	if r.set.color {
		r.out = append(r.out, sgrReset...)
	}
}

// trimSpace removes the spaces at the end of the line: the padding of a
// column that nothing follows.
func (r *renderer) trimSpace() {
	for len(r.out) > r.lineStart && r.out[len(r.out)-1] == ' ' {
		r.out = r.out[:len(r.out)-1]
	}
}

// time writes the time column: the time in the configured zone and
// layout when v is an RFC 3339 string, v as it is otherwise.
func (r *renderer) time(v []byte) {
	r.open(sgrTime)
	if v[0] == '"' {
		s := r.str(stringContent(v))
		if t, ok := parseTime(s); ok {
			r.scratch = t.In(r.set.loc).AppendFormat(r.scratch[:0], r.set.layout)
			r.out = appendBare(r.out, r.scratch)
		} else {
			r.out = appendBare(r.out, s)
		}
	} else {
		r.appendJSON(v)
	}
	r.close()
}

// parseTime reads an RFC 3339 time. The form logweave writes
// (2026-11-21T10:22:33.123Z) is read by hand, without the allocation of
// a conversion to string; any other goes to time.Parse.
func parseTime(s []byte) (time.Time, bool) {
	if n := len(s); n >= 20 && n <= 30 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
		s[13] == ':' && s[16] == ':' && s[n-1] == 'Z' {
		year, ok1 := atoi(s[0:4])
		month, ok2 := atoi(s[5:7])
		day, ok3 := atoi(s[8:10])
		hour, ok4 := atoi(s[11:13])
		minute, ok5 := atoi(s[14:16])
		sec, ok6 := atoi(s[17:19])
		nsec, ok7 := 0, true
		if frac := s[19 : n-1]; len(frac) > 0 {
			nsec, ok7 = atoi(frac[1:])
			ok7 = ok7 && frac[0] == '.'
			for range 10 - len(frac) {
				nsec *= 10
			}
		}
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && month >= 1 && month <= 12 &&
			hour < 24 && minute < 60 && sec < 60 {
			t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
			if t.Day() == day { // not normalised: Feb 30 is no date
				return t, true
			}
		}
	}
	t, err := time.Parse(time.RFC3339Nano, string(s))
	return t, err == nil
}

// atoi reads the decimal digits s (1 to 9 of them).
func atoi(s []byte) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// level writes the level column, padded to 5.
func (r *renderer) level(v []byte) {
	text := v
	if v[0] == '"' {
		text = r.str(stringContent(v))
	}
	sgr := levelColor(text)
	if sgr != "" {
		r.open(sgr)
	}
	start := len(r.out)
	if v[0] == '"' {
		r.out = appendBare(r.out, text)
	} else {
		r.appendJSON(v)
	}
	width := len(r.out) - start
	if sgr != "" {
		r.close()
	}
	for ; width < 5; width++ {
		r.out = append(r.out, ' ')
	}
}

// levelColor returns the colour of a level by its severity, for the names
// logweave writes (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, with an offset
// as in INFO+2) in any case, WARNING too; "" for any other text.
func levelColor(name []byte) string {
	base, rest := 0, name
	for _, l := range [...]struct {
		name  string
		level int
	}{{"TRACE", -8}, {"DEBUG", -4}, {"INFO", 0}, {"WARNING", 4}, {"WARN", 4}, {"ERROR", 8}, {"FATAL", 12}} {
		if len(name) >= len(l.name) && bytes.EqualFold(name[:len(l.name)], []byte(l.name)) {
			base, rest = l.level, name[len(l.name):]
			break
		}
	}
	if len(rest) == len(name) {
		return ""
	}
	if len(rest) > 0 {
		n, ok := atoi(rest[1:])
		switch {
		case !ok || len(rest) > 4:
			return ""
		case rest[0] == '+':
			base += n
		case rest[0] == '-':
			base -= n
		default:
			return ""
		}
	}
	switch {
	case base < -4:
		return sgrTrace
	case base < 0:
		return sgrDebug
	case base < 4:
		return sgrInfo
	case base < 8:
		return sgrWarn
	case base < 12:
		return sgrError
	}
	return sgrFatal
}

// sourceFile returns the file of the source object at val, escaped as in
// the line, or nil when it has no string "file".
func (r *renderer) sourceFile(d []byte, val span) []byte {
	for i := val.start + 1; ; {
		key, v, next, ok := nextMember(d, i)
		if !ok {
			return nil
		}
		i = next
		if string(r.str(key.of(d))) == "file" && d[v.start] == '"' {
			return stringContent(v.of(d))
		}
	}
}

// source writes the source column: file:line, the file with its
// directory alone (logweave/handler.go:42), as zap's development
// configuration shows callers. The function is left out.
func (r *renderer) source(d []byte, val span) {
	var line []byte
	for i := val.start + 1; ; {
		key, v, next, ok := nextMember(d, i)
		if !ok {
			break
		}
		i = next
		if string(r.str(key.of(d))) == "line" && d[v.start] != '"' && d[v.start] != '{' && d[v.start] != '[' {
			line = v.of(d)
			break
		}
	}
	r.open(sgrSource)
	r.out = appendBare(r.out, shortFile(r.str(r.sourceFile(d, val))))
	if line != nil {
		r.out = append(r.out, ':')
		r.out = appendBare(r.out, line)
	}
	r.close()
}

// shortFile returns the last directory and the name of file.
func shortFile(file []byte) []byte {
	if i := bytes.LastIndexByte(file, '/'); i >= 0 {
		if j := bytes.LastIndexByte(file[:i], '/'); j >= 0 {
			return file[j+1:]
		}
	}
	return file
}

func (r *renderer) msg(v []byte) {
	r.open(sgrBold)
	if v[0] == '"' {
		r.out = appendBare(r.out, r.str(stringContent(v)))
	} else {
		r.appendJSON(v)
	}
	r.close()
}

// value writes the value at v under the key in r.prefix: an object
// flattened into prefix.key=value pairs, a string with a newline in it
// deferred to a block after the line, anything else as key=value.
func (r *renderer) value(d []byte, v span) {
	b := v.of(d)
	switch b[0] {
	case '"':
		s := r.str(stringContent(b))
		if bytes.IndexByte(s, '\n') >= 0 {
			r.addBlock(s)
			return
		}
		red := r.key()
		r.out = appendMaybeQuoted(r.out, s)
		if red {
			r.close()
		}
		return
	case '{':
		if len(r.prefix) <= maxFlatKey {
			n, flat := len(r.prefix), false
			for i := v.start + 1; ; {
				key, val, next, ok := nextMember(d, i)
				if !ok {
					break
				}
				i, flat = next, true
				r.prefix = jsonenc.AppendUnescaped(append(r.prefix[:n], '.'), key.of(d))
				r.value(d, val)
			}
			r.prefix = r.prefix[:n]
			if flat {
				return
			}
		}
	}
	red := r.key()
	r.appendJSON(b)
	if red {
		r.close()
	}
}

// key writes the separator and the key of an attribute, r.prefix, and
// '='. It reports whether the key is one of an error, whose value is
// then red too, up to a close by the caller.
func (r *renderer) key() (red bool) {
	switch {
	case r.nAttrs > 0:
		r.out = append(r.out, ' ')
	case len(r.out) > r.lineStart:
		r.trimSpace()
		r.out = append(r.out, "  "...)
	}
	r.nAttrs++
	red = isErrorKey(r.prefix)
	if red {
		r.open(sgrError)
	} else {
		r.open(sgrKey)
	}
	r.out = appendMaybeQuoted(r.out, r.prefix)
	r.out = append(r.out, '=')
	if !red {
		r.close()
	}
	return red
}

// isErrorKey reports whether key names an error: error, err, panic,
// error.* (error.message, error.type) and *.error.
func isErrorKey(key []byte) bool {
	switch string(key) {
	case "error", "err", "panic":
		return true
	}
	return bytes.HasPrefix(key, []byte("error.")) || bytes.HasSuffix(key, []byte(".error"))
}

// appendJSON writes the JSON value v compactly, its strings re-quoted in
// Go's way so that nothing unprintable in them reaches the terminal.
func (r *renderer) appendJSON(v []byte) {
	for i := 0; i < len(v); {
		switch c := v[i]; {
		case c == '"':
			end := stringEnd(v, i)
			r.out = appendQuoted(r.out, r.str(stringContent(v[i:end])))
			i = end
		case isSpace(c):
			i++
		default: // punctuation, digits, true, false, null
			j := i + 1
			for j < len(v) && v[j] != '"' && !isSpace(v[j]) {
				j++
			}
			r.out = appendBare(r.out, v[i:j])
			i = j
		}
	}
}

// isHexString reports whether v is a JSON string of hex digits (no
// escapes), as trace ids are written.
func isHexString(v []byte) bool {
	if len(v) < 3 || v[0] != '"' || v[len(v)-1] != '"' {
		return false
	}
	for _, c := range v[1 : len(v)-1] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// trace writes trace=<the first digits of the trace id>.
func (r *renderer) trace(v []byte) {
	id := stringContent(v)
	if n := r.set.traceLen; n >= 0 && n < len(id) {
		id = id[:n]
	}
	switch {
	case r.nAttrs > 0:
		r.out = append(r.out, ' ')
	case len(r.out) > r.lineStart:
		r.trimSpace()
		r.out = append(r.out, "  "...)
	}
	r.open(sgrDim)
	r.out = append(r.out, "trace="...)
	r.out = append(r.out, id...)
	r.close()
}

// addBlock keeps the multi-line string s, under the key in r.prefix, for
// writeBlocks.
func (r *renderer) addBlock(s []byte) {
	k := span{len(r.blocks), 0}
	r.blocks = append(r.blocks, r.prefix...)
	k.end = len(r.blocks)
	r.blocks = append(r.blocks, s...)
	r.blockRefs = append(r.blockRefs, blockRef{k, span{k.end, len(r.blocks)}})
}

// writeBlocks writes the multi-line values of the line after it, each as
// its key and its lines indented, as a stack trace reads best:
//
//	10:22:33.123 ERROR panic  error.type=panic
//	  stack:
//	    goroutine 1 [running]:
//	    main.main()
//	        /src/main.go:12 +0x1d
func (r *renderer) writeBlocks() {
	for _, b := range r.blockRefs {
		key := b.key.of(r.blocks)
		red := isErrorKey(key)
		r.out = append(r.out, "  "...)
		if red {
			r.open(sgrError)
		} else {
			r.open(sgrKey)
		}
		r.out = append(appendMaybeQuoted(r.out, key), ':')
		r.close()
		r.out = append(r.out, '\n')
		text := bytes.TrimSuffix(b.text.of(r.blocks), []byte{'\n'})
		for more := true; more; {
			var line []byte
			line, text, more = cutLine(text)
			if len(line) > 0 {
				r.out = append(r.out, "    "...)
				if red {
					r.open(sgrError)
				}
				r.out = appendBare(r.out, line)
				if red {
					r.close()
				}
			}
			r.out = append(r.out, '\n')
		}
	}
}

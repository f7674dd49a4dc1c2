package redact

import (
	"encoding/json"
	"unsafe"

	"github.com/logweave/logweave/internal/jsonenc"
)

// JSON appends to dst the JSON text src with what is sensitive in it
// masked, as Any masks a value, and reports whether anything changed. It
// is for JSON that a program did not build from Go values the walk can
// see: what a MarshalJSON method writes, a json.RawMessage, a JSON body.
//
//   - The value of a member whose name the key rule finds sensitive is
//     replaced, whatever it is (an object included), by the mask as a
//     JSON string, or its pseudonym in the HMAC style of "key".
//   - The value of a member whose name is allowlisted is copied as it is.
//   - Every other string, member names included, is scanned by the
//     detectors; a string that changes is written again, escaped as
//     logweave's handler escapes strings.
//   - Numbers, true, false, null, white space and strings that do not
//     change are copied byte for byte.
//
// The output is valid JSON whenever src is. A src that is not valid JSON
// is appended as one JSON string of its text, scanned: whatever a broken
// MarshalJSON wrote neither breaks a log line nor escapes the detectors
// (changed is true then). Values nested more than 100 levels deep are
// replaced by DepthMark.
//
// JSON reads src twice, once to check it (json.Valid) and once to copy
// it, with no recursion deeper than 100 levels; it allocates only for
// strings that hold escapes or change, and for dst to grow. A nil *Policy
// appends src as it is.
func (p *Policy) JSON(dst, src []byte) ([]byte, bool) {
	if p == nil {
		return append(dst, src...), false
	}
	return p.load().json(dst, src)
}

// json is JSON with the rules c.
func (c *compiled) json(dst, src []byte) ([]byte, bool) {
	if !json.Valid(src) {
		out, _ := c.scan(string(src))
		return jsonenc.AppendString(dst, out), true
	}
	w := jsonWalk{c: c, src: src, dst: dst}
	w.value(0)
	w.space()
	return w.dst, w.changed
}

// jsonWalk copies one valid JSON text, masking as it goes. Since src has
// been checked, the walk trusts its structure; it still never reads past
// its end.
type jsonWalk struct {
	c       *compiled
	src     []byte
	pos     int
	dst     []byte
	changed bool
	buf     []byte // scratch for strings with escapes
}

// isJSONSpace marks the white space of JSON.
var isJSONSpace = byteClass(func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' })

// space copies the white space at pos.
func (w *jsonWalk) space() {
	start := w.pos
	for w.pos < len(w.src) && isJSONSpace[w.src[w.pos]] {
		w.pos++
	}
	w.dst = append(w.dst, w.src[start:w.pos]...)
}

// value copies the value at pos, inside depth objects and arrays.
func (w *jsonWalk) value(depth int) {
	w.space()
	if w.pos >= len(w.src) {
		return
	}
	switch b := w.src[w.pos]; b {
	case '{', '[':
		if depth >= maxDepth {
			w.pos = skipJSONValue(w.src, w.pos)
			w.dst = jsonenc.AppendString(w.dst, DepthMark)
			w.changed = true
			return
		}
		w.container(depth + 1)
	case '"':
		end := jsonStringEnd(w.src, w.pos)
		w.scanString(w.pos, end)
		w.pos = end
	default:
		end := skipJSONValue(w.src, w.pos)
		w.dst = append(w.dst, w.src[w.pos:end]...)
		w.pos = end
	}
}

// container copies the object or array at pos, whose members are inside
// depth containers.
func (w *jsonWalk) container(depth int) {
	object := w.src[w.pos] == '{'
	closer := byte(']')
	if object {
		closer = '}'
	}
	w.dst = append(w.dst, w.src[w.pos])
	w.pos++
	w.space()
	if w.pos < len(w.src) && w.src[w.pos] == closer {
		w.dst = append(w.dst, closer)
		w.pos++
		return
	}
	for w.pos < len(w.src) {
		if object {
			w.member(depth)
		} else {
			w.value(depth)
		}
		w.space()
		if w.pos >= len(w.src) {
			return
		}
		b := w.src[w.pos]
		w.dst = append(w.dst, b)
		w.pos++
		if b != ',' {
			return // the closer
		}
	}
}

// member copies one object member: its name, scanned unless the key rule
// decides, and its value, masked, kept or walked.
func (w *jsonWalk) member(depth int) {
	w.space()
	ks := w.pos
	ke := jsonStringEnd(w.src, ks)
	w.pos = ke
	act := w.c.keys.action(w.text(ks, ke))
	if act == Scan {
		w.scanString(ks, ke)
	} else {
		w.dst = append(w.dst, w.src[ks:ke]...)
	}
	w.space()
	if w.pos < len(w.src) && w.src[w.pos] == ':' {
		w.dst = append(w.dst, ':')
		w.pos++
	}
	if act == Scan {
		w.value(depth)
		return
	}
	w.space()
	end := skipJSONValue(w.src, w.pos)
	if act == Keep {
		w.dst = append(w.dst, w.src[w.pos:end]...)
	} else {
		w.maskValue(w.pos, end)
	}
	w.pos = end
}

// maskValue writes the mask of the value src[start:end], that of a
// sensitive member: the mask text, or in the HMAC key style the
// pseudonym of its text (a string's contents, another value's JSON).
func (w *jsonWalk) maskValue(start, end int) {
	c := w.c
	c.keyCount.Add(1)
	w.changed = true
	if c.keyStyle == HMAC && c.hmac != nil {
		text := string(w.src[start:end])
		if end > start && w.src[start] == '"' {
			text = w.text(start, end)
		}
		w.dst = append(w.dst, '"')
		w.dst = c.hmac.append(w.dst, text)
		w.dst = append(w.dst, '"')
		return
	}
	w.dst = jsonenc.AppendString(w.dst, c.mask)
}

// scanString copies the JSON string src[start:end] (quotes included),
// or writes it again with what the detectors find masked.
func (w *jsonWalk) scanString(start, end int) {
	if out, ok := w.c.scan(w.text(start, end)); ok {
		w.dst = jsonenc.AppendString(w.dst, out)
		w.changed = true
		return
	}
	w.dst = append(w.dst, w.src[start:end]...)
}

// text returns the contents of the JSON string src[start:end], its
// escapes decoded. Without escapes it is a view of src, not a copy: the
// key rule and the built-in detectors do not keep what they are given.
// Custom detectors might, so with any they get a copy.
func (w *jsonWalk) text(start, end int) string {
	if end-start <= 2 {
		return ""
	}
	raw := w.src[start+1 : end-1]
	escaped := false
	for _, b := range raw {
		if b == '\\' {
			escaped = true
			break
		}
	}
	if !escaped {
		if len(w.c.custom) > 0 {
			return string(raw)
		}
		return unsafe.String(&raw[0], len(raw))
	}
	w.buf = jsonenc.AppendUnescaped(w.buf[:0], raw)
	return string(w.buf)
}

// jsonStringEnd returns the end, after the closing quote, of the JSON
// string that starts at i, or len(src) when it is not closed.
func jsonStringEnd(src []byte, i int) int {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(src)
}

// skipJSONValue returns the end of the JSON value that starts at i.
func skipJSONValue(src []byte, i int) int {
	if i >= len(src) {
		return i
	}
	switch src[i] {
	case '"':
		return jsonStringEnd(src, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(src); j++ {
			switch src[j] {
			case '"':
				j = jsonStringEnd(src, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(src)
	}
	j := i
	for j < len(src) && !isJSONSpace[src[j]] && src[j] != ',' && src[j] != '}' && src[j] != ']' {
		j++
	}
	return j
}

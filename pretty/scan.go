package pretty

// A small scanner over JSON that encoding/json's Valid has accepted: it
// finds where keys and values start and end, and nothing more, so a line
// is walked in place, in its own order, without building values. Numbers
// stay the text they were written as. Each function still stops at the
// end of its input, whatever the input holds, so that a mistake in the
// assumption costs a wrong rendering, never a panic.

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func skipSpace(d []byte, i int) int {
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just past the string whose opening quote
// is at d[i].
func stringEnd(d []byte, i int) int {
	for i++; i < len(d); {
		switch d[i] {
		case '\\':
			i += 2
		case '"':
			return i + 1
		default:
			i++
		}
	}
	return len(d)
}

// valueEnd returns the index just past the value that starts at d[i].
func valueEnd(d []byte, i int) int {
	if i >= len(d) {
		return len(d)
	}
	switch d[i] {
	case '"':
		return stringEnd(d, i)
	case '{', '[':
		depth := 0
		for i < len(d) {
			switch d[i] {
			case '"':
				i = stringEnd(d, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(d)
	default: // a number, true, false or null
		for i < len(d) {
			switch d[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return len(d)
	}
}

// span is d[start:end] of the line being rendered.
type span struct{ start, end int }

func (s span) of(d []byte) []byte { return d[s.start:s.end] }

// nextMember reads the object member that follows d[i], i being just past
// the object's '{' or past the previous member's value. key is the text
// between the key's quotes, still escaped; val is the whole value. ok is
// false at the end of the object.
func nextMember(d []byte, i int) (key, val span, next int, ok bool) {
	i = skipSpace(d, i)
	if i < len(d) && d[i] == ',' {
		i = skipSpace(d, i+1)
	}
	if i >= len(d) || d[i] != '"' {
		return span{}, span{}, len(d), false
	}
	end := stringEnd(d, i)
	key = span{i + 1, max(i+1, end-1)}
	i = skipSpace(d, end)
	if i >= len(d) || d[i] != ':' {
		return span{}, span{}, len(d), false
	}
	i = skipSpace(d, i+1)
	end = valueEnd(d, i)
	return key, span{i, end}, end, i < end
}

// stringContent returns the text between the quotes of the string value
// v, still escaped.
func stringContent(v []byte) []byte {
	if len(v) < 2 {
		return nil
	}
	return v[1 : len(v)-1]
}

package logweave

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"sync"

	"github.com/logweave/logweave/internal/jsonenc"
	"github.com/logweave/logweave/redact"
)

// state carries one record's encoding: the buffer, and the open groups
// that ReplaceAttr is told about (kept only when there is a ReplaceAttr).
type state struct {
	h      *Handler
	buf    []byte
	groups []string
	// builtin is set while the built-in fields are written: slog shows
	// ReplaceAttr no groups for them, not even for the members of source.
	builtin bool
	// keep counts the allowlisted values being written: nothing inside
	// them is redacted.
	keep int
	// trace remembers the last trace fields this state encoded; see
	// appendTraceFields.
	trace traceCache
}

// maxPooledBuffer bounds the buffers kept for reuse, so one huge record
// does not pin its buffer's memory for the life of the program.
const maxPooledBuffer = 64 << 10

var statePool = sync.Pool{New: func() any {
	return &state{buf: make([]byte, 0, 1024)}
}}

func getState(h *Handler) *state {
	s := statePool.Get().(*state)
	s.h = h
	return s
}

func (s *state) free() {
	if cap(s.buf) > maxPooledBuffer {
		return
	}
	s.h = nil
	s.keep = 0
	s.buf = s.buf[:0]
	clear(s.groups)
	s.groups = s.groups[:0]
	statePool.Put(s)
}

// appendFragment appends pre-encoded fields (pre, static). They were
// encoded into an empty buffer, so appendKey started them with a comma;
// it is dropped here when the fragment opens its object.
func (s *state) appendFragment(f []byte) {
	if len(f) == 0 {
		return
	}
	if s.buf[len(s.buf)-1] == '{' {
		f = f[1:]
	}
	s.buf = append(s.buf, f...)
}

// appendKey writes the separator, the quoted key and the colon.
func (s *state) appendKey(key string) {
	if n := len(s.buf); n == 0 || s.buf[n-1] != '{' {
		s.buf = append(s.buf, ',', '"')
	} else {
		s.buf = append(s.buf, '"')
	}
	s.buf = jsonenc.AppendEscaped(s.buf, key)
	s.buf = append(s.buf, '"', ':')
}

func (s *state) openGroup(name string) {
	s.appendKey(name)
	s.buf = append(s.buf, '{')
	if s.h.replace != nil && !s.builtin {
		s.groups = append(s.groups, name)
	}
}

// appendAttr resolves a, passes it through ReplaceAttr (groups excepted,
// as slog does) and redaction, and writes it. It reports whether anything
// was written.
func (s *state) appendAttr(a slog.Attr) bool {
	kind := a.Value.Kind()
	if s.h.replace == nil {
		// The fast path: the typed kinds need no resolving, replacing or
		// emptiness check, and are written here without further calls.
		switch kind {
		case slog.KindString, slog.KindInt64, slog.KindUint64, slog.KindBool:
			act := s.action(a.Key)
			s.appendKey(a.Key)
			switch {
			case act == redact.Mask:
				s.appendMasked(a.Value)
			case kind == slog.KindString:
				str := a.Value.String()
				if act == redact.Scan {
					str, _ = s.h.redact.String(str)
				}
				s.buf = jsonenc.AppendString(s.buf, str)
			case kind == slog.KindInt64:
				s.buf = strconv.AppendInt(s.buf, a.Value.Int64(), 10)
			case kind == slog.KindUint64:
				s.buf = strconv.AppendUint(s.buf, a.Value.Uint64(), 10)
			default:
				s.buf = strconv.AppendBool(s.buf, a.Value.Bool())
			}
			return true
		}
	}
	if kind == slog.KindLogValuer {
		// Resolve recovers a panicking LogValue into an error value that
		// says so, and stops a LogValue that returns itself forever.
		a.Value = a.Value.Resolve()
		kind = a.Value.Kind()
	}
	if rep := s.h.replace; rep != nil && kind != slog.KindGroup {
		a = rep(s.groups, a)
		a.Value = a.Value.Resolve()
		kind = a.Value.Kind()
	}
	return s.appendResolved(a, kind)
}

// redacting reports whether what is written now goes through redaction:
// there is a policy, and it is neither a built-in field nor inside the
// value of an allowlisted key.
func (s *state) redacting() bool {
	return s.h.redact != nil && !s.builtin && s.keep == 0
}

// action is what redaction does with the value of key: Keep when it is
// not redacting.
func (s *state) action(key string) redact.Action {
	if !s.redacting() {
		return redact.Keep
	}
	return s.h.redact.Key(key)
}

// appendMasked writes the mask for the value of a sensitive key.
func (s *state) appendMasked(v slog.Value) {
	s.buf = jsonenc.AppendString(s.buf, s.h.redact.MaskValue(v))
}

// scan returns text with what redaction finds masked, unless the value
// is not to be scanned (see action).
func (s *state) scan(text string) string {
	if !s.redacting() {
		return text
	}
	text, _ = s.h.redact.String(text)
	return text
}

// appendResolved writes an attribute whose value is resolved and already
// replaced; kind is its value's kind, worked out once by the caller.
func (s *state) appendResolved(a slog.Attr, kind slog.Kind) bool {
	v := a.Value
	if kind == slog.KindAny && v.Any() == nil && a.Key == "" {
		return false // the empty Attr: slog ignores it
	}
	act := s.action(a.Key)
	if act == redact.Mask {
		if kind == slog.KindGroup && len(v.Group()) == 0 {
			return false // an empty group is not written, masked or not
		}
		s.appendKey(a.Key)
		s.appendMasked(v)
		return true
	}
	if act == redact.Keep && s.redacting() {
		// An allowlisted key: nothing inside its value is redacted.
		s.keep++
		wrote := s.appendKind(a.Key, v, kind, act)
		s.keep--
		return wrote
	}
	return s.appendKind(a.Key, v, kind, act)
}

// appendKind is appendResolved once redaction has decided: act is Scan or
// Keep.
func (s *state) appendKind(key string, v slog.Value, kind slog.Kind, act redact.Action) bool {
	switch kind {
	case slog.KindGroup:
		return s.appendGroup(key, v.Group())
	case slog.KindAny:
		switch x := v.Any().(type) {
		case *slog.Source:
			if x == nil || *x == (slog.Source{}) {
				return false
			}
			return s.appendGroup(key, sourceAttrs(x))
		default:
			if act == redact.Scan && walked(x) {
				if out, changed := s.h.redact.Any(x); changed {
					// The copy is redacted already: nothing in it is
					// scanned again (its log:"keep" fields stay as they are).
					s.appendKey(key)
					s.keep++
					s.appendAny(out)
					s.keep--
					return true
				}
			}
		}
	}
	s.appendKey(key)
	s.appendValue(v, kind)
	return true
}

// walked reports whether a value of kind Any goes through the redactor's
// Any, the walk of structs, maps and slices. A value that appendAny writes
// by a method of its own does not: its output is what is redacted. An
// error (that is not a json.Marshaler) is written as its Error() text,
// scanned, never as its fields: they may hold what Error() leaves out
// (a Detail field, a *url.Error's parts). A json.Marshaler's JSON and an
// encoding.TextMarshaler's text are scanned in appendAny. Inside a walked
// struct, a field of type error is a value like any other: the walk
// copies what encoding/json writes for it (its exported fields, often {}).
func walked(x any) bool {
	switch x.(type) {
	case json.Marshaler, error, encoding.TextMarshaler:
		return false
	}
	return true
}

// appendGroup writes a group as a nested object, or inline when key is
// empty, and writes nothing when every member turns out empty.
func (s *state) appendGroup(key string, attrs []slog.Attr) bool {
	if len(attrs) == 0 {
		return false
	}
	pos := len(s.buf)
	if key != "" {
		s.openGroup(key)
	}
	wrote := false
	for _, a := range attrs {
		if s.appendAttr(a) {
			wrote = true
		}
	}
	if key != "" && s.h.replace != nil && !s.builtin {
		s.groups = s.groups[:len(s.groups)-1]
	}
	if !wrote {
		s.buf = s.buf[:pos]
		return false
	}
	if key != "" {
		s.buf = append(s.buf, '}')
	}
	return true
}

func sourceAttrs(src *slog.Source) []slog.Attr {
	attrs := make([]slog.Attr, 0, 3)
	if src.Function != "" {
		attrs = append(attrs, slog.String("function", src.Function))
	}
	if src.File != "" {
		attrs = append(attrs, slog.String("file", src.File))
	}
	if src.Line != 0 {
		attrs = append(attrs, slog.Int("line", src.Line))
	}
	return attrs
}

func (s *state) appendValue(v slog.Value, kind slog.Kind) {
	switch kind {
	case slog.KindString:
		s.buf = jsonenc.AppendString(s.buf, s.scan(v.String()))
	case slog.KindInt64:
		s.buf = strconv.AppendInt(s.buf, v.Int64(), 10)
	case slog.KindUint64:
		s.buf = strconv.AppendUint(s.buf, v.Uint64(), 10)
	case slog.KindFloat64:
		s.buf = jsonenc.AppendFloat(s.buf, v.Float64())
	case slog.KindBool:
		s.buf = strconv.AppendBool(s.buf, v.Bool())
	case slog.KindDuration:
		s.buf = appendDuration(s.buf, v.Duration(), s.h.durations)
	case slog.KindTime:
		s.buf = jsonenc.AppendTimeRFC3339Nano(s.buf, v.Time())
	default: // KindAny; groups and LogValuers are resolved before this
		s.appendAny(v.Any())
	}
}

// appendAny writes a value of kind Any: a level by its name, a
// json.Marshaler through encoding/json, an error as its message, an
// encoding.TextMarshaler as its text, anything else through encoding/json.
// When redacting, the message and the text are scanned, and the JSON a
// json.Marshaler writes goes through the redactor's JSON (see
// redact.JSONRedactor). Failures are written in slog's way ("!ERROR:...",
// "!PANIC: ...", "<nil>" for a nil pointer whose method panicked), never
// as broken JSON; their text is scanned too, since it may quote a value.
func (s *state) appendAny(x any) {
	pos := len(s.buf)
	defer func() {
		if p := recover(); p != nil {
			s.buf = s.buf[:pos]
			if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
				s.buf = jsonenc.AppendString(s.buf, "<nil>")
				return
			}
			s.buf = jsonenc.AppendString(s.buf, fmt.Sprintf("!PANIC: %v", p))
		}
	}()
	switch x := x.(type) {
	case nil:
		s.buf = append(s.buf, "null"...)
		return
	case slog.Level:
		s.buf = appendLevel(s.buf, x)
		return
	case json.Marshaler:
		// Through encoding/json, which checks and compacts the output.
		if !s.redacting() {
			break
		}
		if r, ok := s.h.redact.(redact.JSONRedactor); ok {
			var err error
			if s.buf, err = appendJSONMarshal(s.buf, x, r); err != nil {
				s.buf = jsonenc.AppendString(s.buf[:pos], s.scan("!ERROR:"+err.Error()))
			}
			return
		}
	case error:
		s.buf = jsonenc.AppendString(s.buf, s.scan(x.Error()))
		return
	case encoding.TextMarshaler:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			s.buf = append(s.buf, "null"...) // what encoding/json writes
			return
		}
		if text, err := x.MarshalText(); err == nil {
			if !s.redacting() {
				s.buf = jsonenc.AppendBytesString(s.buf, text)
			} else {
				s.buf = jsonenc.AppendString(s.buf, s.scan(string(text)))
			}
			return
		}
		// On error, encoding/json calls it again and words the error.
	}
	var err error
	if s.buf, err = appendJSONMarshal(s.buf, x, nil); err != nil {
		s.buf = jsonenc.AppendString(s.buf[:pos], s.scan("!ERROR:"+err.Error()))
	}
}

// jsonEncoder is a pooled encoding/json encoder that does not escape
// HTML, as slog.JSONHandler does.
type jsonEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonEncoderPool = sync.Pool{New: func() any {
	e := &jsonEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

// appendJSONMarshal appends x as encoding/json writes it, passed through
// r when r is not nil.
func appendJSONMarshal(dst []byte, x any, r redact.JSONRedactor) ([]byte, error) {
	e := jsonEncoderPool.Get().(*jsonEncoder)
	defer func() {
		if e.buf.Cap() <= maxPooledBuffer {
			e.buf.Reset()
			jsonEncoderPool.Put(e)
		}
	}()
	if err := e.enc.Encode(x); err != nil {
		return dst, err
	}
	b := e.buf.Bytes()
	b = b[:len(b)-1] // drop Encode's newline
	if r != nil {
		dst, _ = r.JSON(dst, b)
		return dst, nil
	}
	return append(dst, b...), nil
}

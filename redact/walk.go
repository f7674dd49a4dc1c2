package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// maxDepth bounds the struct walk. Deeper values are replaced by
// DepthMark rather than left unscanned.
const maxDepth = 100

// Marks written in place of what the walk cannot copy faithfully.
const (
	// CycleMark replaces a value that contains itself (a pointer, map or
	// slice met again inside itself), where encoding/json would fail.
	CycleMark = "!CYCLE"
	// DepthMark replaces values nested more than 100 levels deep.
	DepthMark = "!DEPTH"
)

// Any returns a redacted copy of v, for values logged with slog.Any, and
// true; or v itself and false when v is not a struct, a pointer, a map, a
// slice, an array, a string or a value that marshals itself, or nothing
// in it needs masking.
//
// The copy encodes with encoding/json like v would (the same names,
// order, omitempty, omitzero, ",string" and json:"-"), with these changes:
//
//   - a field tagged log:"-" is left out;
//   - log:"redact" masks the field in full, whatever its kind;
//   - log:"mask=NAME" masks it as detector NAME's partial style would
//     (log:"mask=phone" writes 138****5678), or with NAME's pseudonym when
//     the policy gives NAME the HMAC style; an unknown NAME masks in full;
//   - log:"hash" writes the keyed pseudonym (Config.HMACKey), or masks in
//     full without a key;
//   - log:"keep" writes the field as it is, unscanned;
//   - a field or map key that the key rule finds sensitive is masked, an
//     allowlisted one is kept as it is;
//   - every other string, at any depth, is scanned by the detectors, and
//     so are map keys (keys masked to the same text become one entry).
//
// A log tag that is none of these masks the field in full, and a log tag
// on an embedded struct applies to the fields it promotes. A value of a
// type with its own JSON or text form (json.Marshaler,
// encoding.TextMarshaler: json.RawMessage, netip.Addr, ...), at the top or
// at any depth, is encoded as encoding/json would encode it and that JSON
// is redacted by JSON; when it changes, the copy holds it as a
// json.RawMessage. time.Time is left as it is, unencoded: a timestamp has
// nothing to mask. So are []byte, numbers and booleans unless a key or
// tag masks them. A field of type error is walked like any other value,
// as encoding/json writes it (its exported fields, often {}), not as its
// Error() text; logweave's handler writes an error logged on its own as
// its Error() text, scanned, without calling Any.
//
// One difference remains: the JSON inside a ",string" field's string is
// written without HTML escaping, as logweave's handler and slog's write
// everything; an encoder that escapes HTML then escapes it once where
// encoding/json would escape it twice.
//
// The walk never writes to v: unexported fields are not looked at, and the
// copy is made of new maps, slices and an ordered object type; parts that
// need no change are shared with v. A value met again inside itself is
// replaced by CycleMark, values deeper than 100 levels by DepthMark. When
// a method of v's types (MarshalJSON, MarshalText, IsZero) panics, Any
// returns the policy's mask text and true.
//
// The plan of each struct type (its fields and tags) is worked out once
// and cached.
func (p *Policy) Any(v any) (out any, changed bool) {
	if p == nil || v == nil {
		return v, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Struct, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Array, reflect.String:
	default:
		if !marshals(rv) {
			return v, false
		}
	}
	c := p.load()
	defer func() {
		if recover() != nil {
			out, changed = c.mask, true
		}
	}()
	w := walker{c: c}
	if r, ok := w.walk(rv); ok {
		return r, true
	}
	return v, false
}

// walker walks one value.
type walker struct {
	c     *compiled
	depth int
	seen  []seenRef // pointers, maps and slices on the path from the root
}

// seenRef identifies a reference on the path: its address, and for a
// slice its length (a slice of a slice shares the address).
type seenRef struct {
	ptr uintptr
	len int
	typ reflect.Type // a struct and its first field share an address
}

// marshals reports whether encoding/json writes v through its own
// MarshalJSON or MarshalText, so the walk must keep it as it is.
func marshals(v reflect.Value) bool {
	t := v.Type()
	if t.Implements(marshalerType) || t.Implements(textMarshalerType) {
		return true
	}
	if t.Kind() != reflect.Pointer && v.CanAddr() {
		pt := reflect.PointerTo(t)
		return pt.Implements(marshalerType) || pt.Implements(textMarshalerType)
	}
	return false
}

// timeType is time.Time, whose JSON (a timestamp) holds nothing to mask:
// the walk does not spend an encoding on it.
var timeType = reflect.TypeFor[time.Time]()

// marshaled redacts a value that encoding/json writes through its own
// MarshalJSON or MarshalText: it encodes v as encoding/json would (and
// as the handler will), and scans that JSON with json. It returns the
// redacted JSON as a json.RawMessage, or nil and false when nothing in
// it changes, when v is a nil pointer (written as null) or a time.Time,
// or when encoding fails (the encoder that writes the copy reports the
// same failure).
func (w *walker) marshaled(v reflect.Value) (any, bool) {
	switch {
	case (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil(),
		v.Type() == timeType, v.Kind() == reflect.Pointer && v.Type().Elem() == timeType,
		!v.CanInterface():
		return nil, false
	}
	b, err := marshalNoHTMLEscape(original(v))
	if err != nil {
		return nil, false
	}
	out, changed := w.c.json(nil, b)
	if !changed {
		return nil, false
	}
	return json.RawMessage(out), true
}

// walk returns the redacted form of v and true, or nil and false when v
// needs no change.
func (w *walker) walk(v reflect.Value) (any, bool) {
	if marshals(v) {
		return w.marshaled(v)
	}
	switch v.Kind() {
	case reflect.String:
		if s, ok := w.c.scan(v.String()); ok {
			return s, true
		}
		return nil, false
	case reflect.Interface:
		if v.IsNil() {
			return nil, false
		}
		return w.walk(v.Elem())
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if v.IsNil() {
			return nil, false
		}
		if v.Kind() == reflect.Slice && !mayChange(v.Type().Elem()) {
			return nil, false
		}
		ref := seenRef{ptr: v.Pointer(), typ: v.Type()}
		if v.Kind() == reflect.Slice {
			ref.len = v.Len()
		}
		for _, s := range w.seen {
			if s == ref {
				return CycleMark, true
			}
		}
		if w.depth >= maxDepth {
			return DepthMark, true
		}
		w.seen = append(w.seen, ref)
		w.depth++
		defer func() {
			w.seen = w.seen[:len(w.seen)-1]
			w.depth--
		}()
		switch v.Kind() {
		case reflect.Pointer:
			return w.walk(v.Elem())
		case reflect.Map:
			return w.walkMap(v)
		}
		return w.walkSeq(v)
	case reflect.Struct, reflect.Array:
		if v.Kind() == reflect.Array && !mayChange(v.Type().Elem()) {
			return nil, false
		}
		if w.depth >= maxDepth {
			return DepthMark, true
		}
		w.depth++
		defer func() { w.depth-- }()
		if v.Kind() == reflect.Struct {
			return w.walkStruct(v)
		}
		return w.walkSeq(v)
	}
	return nil, false
}

// mayChange reports whether a value of type t can hold anything the walk
// changes when it is an element of a slice or array: strings, or keys and
// tags inside maps and structs. Slices of numbers are skipped at once.
func mayChange(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128,
		reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return false
	}
	return true
}

// original is v as a member of a copy: a pointer to it when it is
// addressable, so that encoding/json still finds methods with pointer
// receivers, as it does on the original.
func original(v reflect.Value) any {
	if v.CanAddr() {
		return v.Addr().Interface()
	}
	return v.Interface()
}

// member is one name and value of an object.
type member struct {
	name  string
	value any
}

// object is a struct's redacted copy: its members in encoding/json's
// order. It encodes as a JSON object.
type object []member

// MarshalJSON writes the members in order. It does not escape HTML: an
// encoder that does escapes the whole output afterwards, as it would have
// escaped the original.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(m.name); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		buf.WriteByte(':')
		if err := enc.Encode(m.value); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// quoted is a field with the ",string" option: its JSON inside a string.
type quoted struct{ v any }

// MarshalJSON writes the value's JSON as a JSON string; null stays null,
// as encoding/json writes a nil pointer.
func (q quoted) MarshalJSON() ([]byte, error) {
	b, err := marshalNoHTMLEscape(q.v)
	if err != nil || string(b) == "null" {
		return b, err
	}
	return marshalNoHTMLEscape(string(b))
}

func marshalNoHTMLEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// walkStruct copies the struct v when one of its fields changes. Nothing
// is allocated until the first change.
func (w *walker) walkStruct(v reflect.Value) (any, bool) {
	fields := cachedFields(v.Type())
	var out object
	for i := range fields {
		f := &fields[i]
		fv, ok := f.locate(v)
		if !ok || f.omitted(fv) {
			continue
		}
		value, changed, keep := w.field(f, fv)
		if changed && out == nil {
			// The first change: copy the fields written so far.
			out = make(object, 0, len(fields))
			for j := range fields[:i] {
				g := &fields[j]
				gv, ok := g.locate(v)
				if ok && !g.omitted(gv) && g.action != tagOmit {
					out = append(out, member{g.name, g.wrap(original(gv))})
				}
			}
		}
		if out != nil && keep {
			if !changed {
				value = f.wrap(original(fv))
			}
			out = append(out, member{f.name, value})
		}
	}
	if out == nil {
		return nil, false
	}
	return out, true
}

// wrap applies the ",string" option to a value written as it is.
func (f *field) wrap(v any) any {
	if f.quoted {
		return quoted{v}
	}
	return v
}

// field decides one struct field: its new value and whether it changed,
// and whether it is written at all.
func (w *walker) field(f *field, fv reflect.Value) (value any, changed, keep bool) {
	c := w.c
	switch f.action {
	case tagOmit:
		return nil, true, false
	case tagKeep:
		return nil, false, true
	case tagRedact:
		c.tagCount.Add(1)
		return c.mask, true, true
	case tagHash:
		c.tagCount.Add(1)
		return c.pseudonym(fv), true, true
	case tagMaskAs:
		c.tagCount.Add(1)
		return c.maskAs(f.maskAs, fv), true, true
	}
	switch c.keys.action(f.name) {
	case Mask:
		return c.maskKeyValue(fv), true, true
	case Keep:
		return nil, false, true
	}
	r, changed := w.walk(fv)
	if changed && f.quoted {
		if _, isString := r.(string); isString && fv.Kind() == reflect.String {
			r = quoted{r}
		}
	}
	return r, changed, true
}

// walkMap copies the map v when one of its entries changes. Keys are
// written as encoding/json writes them, and scanned like values (a map
// keyed by email address is common); keys masked to the same text become
// one entry. Maps whose keys encoding/json cannot write are left alone (it
// fails on them anyway).
func (w *walker) walkMap(v reflect.Value) (any, bool) {
	kt := v.Type().Key()
	switch kt.Kind() {
	case reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
	default:
		if !kt.Implements(textMarshalerType) {
			return nil, false
		}
	}
	type change struct {
		name, newName string // newName differs when the key was masked
		value         any
		valueChanged  bool
	}
	var changes []change
	iter := v.MapRange()
	for iter.Next() {
		name, err := mapKeyName(iter.Key())
		if err != nil {
			return nil, false
		}
		ch := change{name: name, newName: name}
		switch w.c.keys.action(name) {
		case Mask:
			ch.value, ch.valueChanged = w.c.maskKeyValue(iter.Value()), true
		case Scan:
			ch.value, ch.valueChanged = w.walk(iter.Value())
			if masked, ok := w.c.scan(name); ok {
				ch.newName = masked
			}
		}
		if ch.valueChanged || ch.newName != name {
			changes = append(changes, ch)
		}
	}
	if changes == nil {
		return nil, false
	}
	out := make(map[string]any, v.Len())
	iter = v.MapRange()
	for iter.Next() {
		name, _ := mapKeyName(iter.Key())
		out[name] = iter.Value().Interface()
	}
	for i := range changes {
		if ch := &changes[i]; !ch.valueChanged {
			ch.value = out[ch.name]
		}
		delete(out, changes[i].name)
	}
	for _, ch := range changes {
		out[ch.newName] = ch.value
	}
	return out, true
}

// mapKeyName is encoding/json's resolveKeyName.
func mapKeyName(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if tm, ok := reflect.TypeAssert[interface{ MarshalText() ([]byte, error) }](k); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		b, err := tm.MarshalText()
		return string(b), err
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
	return "", fmt.Errorf("redact: map key of type %s", k.Type())
}

// walkSeq copies the slice or array v when one of its elements changes.
// A []byte (written as base64) is left alone.
func (w *walker) walkSeq(v reflect.Value) (any, bool) {
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	var out []any
	for i := 0; i < v.Len(); i++ {
		ev := v.Index(i)
		r, changed := w.walk(ev)
		if !changed {
			if out != nil {
				out[i] = original(ev)
			}
			continue
		}
		if out == nil {
			out = make([]any, v.Len())
			for j := 0; j < i; j++ {
				out[j] = original(v.Index(j))
			}
		}
		out[i] = r
	}
	if out == nil {
		return nil, false
	}
	return out, true
}

// maskKeyValue masks the value of a sensitive key in the key style.
func (c *compiled) maskKeyValue(v reflect.Value) any {
	c.keyCount.Add(1)
	if c.keyStyle == HMAC {
		return c.pseudonym(v)
	}
	return c.mask
}

// pseudonym returns the keyed pseudonym of v's text, or the mask without
// an HMAC key or a text.
func (c *compiled) pseudonym(v reflect.Value) string {
	if c.hmac == nil || !v.CanInterface() {
		return c.mask
	}
	text, ok := valueText(v)
	if !ok {
		return c.mask
	}
	return string(c.hmac.append(nil, text))
}

// maskAs masks v as the detector called name would mask a match of the
// whole of v's text in its partial style (or with its pseudonym when the
// policy's style for it is HMAC).
func (c *compiled) maskAs(name string, v reflect.Value) string {
	if !v.CanInterface() {
		return c.mask
	}
	text, ok := valueText(v)
	if !ok {
		return c.mask
	}
	if id, ok := builtinByName(name); ok {
		style := c.styles[id]
		if style != HMAC {
			style = Partial
		}
		return string(c.appendStyled(nil, id, style, text))
	}
	for _, d := range c.custom {
		if d.d.Name() != name {
			continue
		}
		if d.style == HMAC && c.hmac != nil {
			return string(c.hmac.append(nil, text))
		}
		if pm, ok := d.d.(PartialMasker); ok {
			if out := pm.Partial(text); utf8.ValidString(out) {
				return out
			}
		}
	}
	return c.mask
}

// valueText is the text of a value that a pseudonym or a partial mask is
// computed from: a string or []byte as it is, a number or boolean as Go
// formats it, through pointers and interfaces, anything else as its JSON.
func valueText(v reflect.Value) (string, bool) {
	for n := 0; n < 8 && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && !v.IsNil(); n++ {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, v.Type().Bits()), true
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return string(v.Bytes()), true
		}
	}
	if !v.CanInterface() {
		return "", false
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return "", false
	}
	return string(b), true
}

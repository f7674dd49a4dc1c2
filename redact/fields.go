package redact

import (
	"cmp"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// This file works out, once per struct type, which fields encoding/json
// writes, under which names and in which order, so that a redacted copy
// encodes like the original. typeFields follows encoding/json's own
// (Go 1.26, encode.go): the same embedding and tag rules, the same
// dominance rule when names collide. It adds each field's log tag.

// tagAction is what a field's log tag asks for.
type tagAction uint8

const (
	tagNone   tagAction = iota // no tag: the key rule and the detectors decide
	tagOmit                    // log:"-": left out
	tagRedact                  // log:"redact": masked in full
	tagHash                    // log:"hash": keyed pseudonym
	tagKeep                    // log:"keep": written as it is, not scanned
	tagMaskAs                  // log:"mask=NAME": masked as detector NAME would
)

// parseLogTag reads a log tag. An unknown tag masks the field in full:
// a typo must not leak what the tag meant to hide.
func parseLogTag(tag string) (tagAction, string) {
	switch tag {
	case "":
		return tagNone, ""
	case "-":
		return tagOmit, ""
	case "redact":
		return tagRedact, ""
	case "hash":
		return tagHash, ""
	case "keep":
		return tagKeep, ""
	}
	if name, ok := strings.CutPrefix(tag, "mask="); ok && name != "" {
		return tagMaskAs, name
	}
	return tagRedact, ""
}

// field is one field encoding/json writes for a struct type.
type field struct {
	name                        string
	tagged                      bool  // the name comes from a json tag
	index                       []int // path of field indexes from the struct, through embedded ones
	typ                         reflect.Type
	omitEmpty, omitZero, quoted bool
	isZero                      func(reflect.Value) bool // for omitzero, when the type has IsZero
	action                      tagAction
	maskAs                      string
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
)

// fieldCache holds typeFields' result per struct type.
var fieldCache sync.Map // reflect.Type → []field

func cachedFields(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	f, _ := fieldCache.LoadOrStore(t, typeFields(t))
	return f.([]field)
}

// typeFields returns the fields encoding/json writes for struct type t, in
// the order it writes them.
func typeFields(t reflect.Type) []field {
	type queued struct {
		typ    reflect.Type
		index  []int
		action tagAction // a log tag on the embedded field, inherited
		maskAs string
	}
	current := []queued{}
	next := []queued{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []field

	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			for i := 0; i < f.typ.NumField(); i++ {
				sf := f.typ.Field(i)
				if sf.Anonymous {
					ft := sf.Type
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				index := make([]int, len(f.index)+1)
				copy(index, f.index)
				index[len(f.index)] = i

				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				quoted := false
				if hasOption(opts, "string") {
					switch ft.Kind() {
					case reflect.Bool,
						reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64,
						reflect.String:
						quoted = true
					}
				}
				action, maskAs := f.action, f.maskAs
				if lt, ok := sf.Tag.Lookup("log"); ok {
					action, maskAs = parseLogTag(lt)
				}

				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					tagged := name != ""
					if name == "" {
						name = sf.Name
					}
					fd := field{
						name: name, tagged: tagged, index: index, typ: sf.Type,
						omitEmpty: hasOption(opts, "omitempty"),
						omitZero:  hasOption(opts, "omitzero"),
						quoted:    quoted,
						action:    action, maskAs: maskAs,
					}
					if fd.omitZero {
						fd.isZero = isZeroFunc(sf.Type)
					}
					fields = append(fields, fd)
					if count[f.typ] > 1 {
						// Two copies, so the dominance rule below sees
						// the duplicate, as in encoding/json.
						fields = append(fields, fields[len(fields)-1])
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, queued{typ: ft, index: index, action: action, maskAs: maskAs})
				}
			}
		}
	}

	slices.SortFunc(fields, func(a, b field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return +1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for advance, i := 0, 0; i < len(fields); i += advance {
		fi := fields[i]
		for advance = 1; i+advance < len(fields); advance++ {
			if fields[i+advance].name != fi.name {
				break
			}
		}
		if advance == 1 {
			out = append(out, fi)
			continue
		}
		// The first is dominant unless the next one is as shallow and
		// as tagged: then Go's rules hide both.
		if dup := fields[i : i+advance]; len(dup[0].index) != len(dup[1].index) || dup[0].tagged != dup[1].tagged {
			out = append(out, dup[0])
		}
	}
	fields = out
	slices.SortFunc(fields, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return fields
}

// validTagName is encoding/json's isValidTag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// hasOption reports whether the comma-separated opts hold name.
func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// isZeroFunc is encoding/json's choice of zero test for omitzero: the
// type's own IsZero method when it has one, careful with nil pointers.
func isZeroFunc(t reflect.Type) func(reflect.Value) bool {
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() ||
				v.Interface().(interface{ IsZero() bool }).IsZero()
		}
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Interface().(interface{ IsZero() bool }).IsZero()
		}
	case t.Implements(isZeroerType):
		return func(v reflect.Value) bool { return v.Interface().(interface{ IsZero() bool }).IsZero() }
	case reflect.PointerTo(t).Implements(isZeroerType):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				v2 := reflect.New(v.Type()).Elem()
				v2.Set(v)
				v = v2
			}
			return v.Addr().Interface().(interface{ IsZero() bool }).IsZero()
		}
	}
	return nil
}

// isEmptyValue is encoding/json's test for omitempty.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// omitted reports whether encoding/json leaves field f, whose value is v,
// out of its struct.
func (f *field) omitted(v reflect.Value) bool {
	if f.omitEmpty && isEmptyValue(v) {
		return true
	}
	if f.omitZero {
		if f.isZero != nil {
			return f.isZero(v)
		}
		return v.IsZero()
	}
	return false
}

// locate follows f's index from the struct v; ok is false when an
// embedded pointer on the way is nil, which leaves the field out.
func (f *field) locate(v reflect.Value) (reflect.Value, bool) {
	for _, i := range f.index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v, true
}

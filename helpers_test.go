package logweave_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// field is one member of a decoded JSON object, in the order it was written.
type field struct {
	Key string
	Val any // string, json.Number, bool, nil, []field (object) or []any (array)
}

// decodeOrdered decodes one JSON object and keeps the order of its keys,
// which map-based decoding would lose. It fails the test on invalid JSON.
func decodeOrdered(t testing.TB, line []byte) []field {
	t.Helper()
	if !json.Valid(line) {
		t.Fatalf("invalid JSON: %q", line)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		t.Fatalf("decoding %q: %v", line, err)
	}
	obj, ok := v.([]field)
	if !ok {
		t.Fatalf("not a JSON object: %q", line)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("trailing data after the object in %q", line)
	}
	return obj
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := []field{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			obj = append(obj, field{k.(string), v})
		}
		_, err := dec.Token()
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token()
		return arr, err
	}
	return tok, nil
}

// lines splits output into its JSON lines, checking that it ends with a
// newline and that each line is one valid object.
func lines(t testing.TB, out []byte) [][]field {
	t.Helper()
	if len(out) == 0 {
		return nil
	}
	if out[len(out)-1] != '\n' {
		t.Fatalf("output does not end with a newline: %q", out)
	}
	var res [][]field
	for _, l := range bytes.Split(out[:len(out)-1], []byte("\n")) {
		res = append(res, decodeOrdered(t, l))
	}
	return res
}

// get returns the value at a dotted path of keys ("g.x") and whether it
// is there.
func get(obj []field, path ...string) (any, bool) {
	for i, k := range path {
		found := false
		for _, f := range obj {
			if f.Key != k {
				continue
			}
			if i == len(path)-1 {
				return f.Val, true
			}
			next, ok := f.Val.([]field)
			if !ok {
				return nil, false
			}
			obj, found = next, true
			break
		}
		if !found {
			return nil, false
		}
	}
	return nil, false
}

func keys(obj []field) []string {
	ks := make([]string, len(obj))
	for i, f := range obj {
		ks[i] = f.Key
	}
	return ks
}

// addedFields are the top-level fields logweave writes that slog does not.
var addedFields = map[string]bool{
	"service.name": true, "service.version": true, "deployment.environment.name": true,
	"trace_id": true, "span_id": true, "trace_flags": true, "request_id": true,
}

// slogMeaning turns a logweave line into what slog.JSONHandler would have
// written for the same record: the added fields removed, the time value
// blanked (the formats differ by design), and the two extra level names
// mapped back to slog's.
func slogMeaning(obj []field, ours bool) []field {
	out := []field{}
	for _, f := range obj {
		if ours && addedFields[f.Key] {
			continue
		}
		switch v := f.Val.(type) {
		case string:
			// The stack in a panicking LogValuer's message names the
			// handler's own functions.
			if strings.HasPrefix(v, "LogValue panicked") {
				f.Val = "LogValue panicked"
			}
		case []field:
			f.Val = slogMeaning(v, false)
		}
		switch {
		case f.Key == "time":
			f.Val = "<time>"
		case f.Key == "level" && !ours && f.Val == "DEBUG-4":
			f.Val = "TRACE"
		case f.Key == "level" && !ours && f.Val == "ERROR+4":
			f.Val = "FATAL"
		}
		out = append(out, f)
	}
	return out
}

func sameMeaning(t testing.TB, ours, theirs []byte) {
	t.Helper()
	o := lines(t, ours)
	s := lines(t, theirs)
	if len(o) != len(s) {
		t.Fatalf("logweave wrote %d lines, slog %d\nlogweave: %s\nslog:     %s", len(o), len(s), ours, theirs)
	}
	for i := range o {
		a, b := slogMeaning(o[i], true), slogMeaning(s[i], false)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("line %d differs\nlogweave: %s\nslog:     %s\n(decoded %v vs %v)", i, ours, theirs, dump(a), dump(b))
		}
	}
}

func dump(fs []field) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s=%v ", f.Key, f.Val)
	}
	return b.String()
}

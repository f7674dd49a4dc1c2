package redact

import "log/slog"

// Redactor is the redaction stage as logweave's handler calls it
// (logweave.Options.Redact). *Policy implements it; another type can stand
// in for it, or wrap a Policy, and gets the same single pass over the
// record. Its methods run for every record and must be safe for
// concurrent use; none may retain its arguments.
type Redactor interface {
	// Key says whether the value of an attribute named key is scanned,
	// masked whole or kept as it is. It is called for every attribute,
	// so it must be cheap: Policy.Key is a table lookup.
	Key(key string) Action
	// MaskValue returns the text written for the value of a sensitive key.
	MaskValue(v slog.Value) string
	// String returns s with what is sensitive in it masked, and whether
	// anything was. It is called for the message and every string value
	// whose key is scanned.
	String(s string) (string, bool)
	// Any returns a redacted copy of a struct, map, slice or pointer
	// logged with slog.Any, and whether it differs from v. Values that
	// write themselves never reach it: an error is written as its Error()
	// text through String, an encoding.TextMarshaler's text likewise, and
	// a json.Marshaler's JSON through JSONRedactor's JSON when the
	// Redactor is one.
	Any(v any) (any, bool)
}

// JSONRedactor is a Redactor that also redacts JSON text: what a
// json.Marshaler logged as a value writes. *Policy implements it. With a
// Redactor that is not a JSONRedactor, that JSON is written as it is.
type JSONRedactor interface {
	Redactor
	// JSON appends src to dst with what is sensitive masked (by key and
	// by the detectors, as for attributes), and says whether anything
	// was. The output must be valid JSON, even when src is not (Policy
	// writes such a src as one scanned JSON string).
	JSON(dst, src []byte) ([]byte, bool)
}

var _ JSONRedactor = (*Policy)(nil)

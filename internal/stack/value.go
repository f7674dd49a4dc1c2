package stack

import (
	"fmt"
	"log/slog"
	"reflect"
)

// Value is what logweave's middleware logs for a recovered panic's value
// v. A string is logged as it is and an error as an error (the handler
// writes its Error() text). Any other value is logged as the value it is,
// not as fmt.Sprint's text, which drops field and key names: a panicking
// struct{User, Password string} or map[string]string{"token": ...} then
// reaches the handler's redaction with its names, and is masked by them.
// Values that encoding/json cannot write (complex numbers, channels,
// functions) have no names to lose and are logged as their text.
func Value(v any) slog.Value {
	switch x := v.(type) {
	case string:
		return slog.StringValue(x)
	case error:
		return slog.AnyValue(x)
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Complex64, reflect.Complex128, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return slog.StringValue(fmt.Sprint(v))
	}
	return slog.AnyValue(v)
}

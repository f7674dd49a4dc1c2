// Package pretty shows logweave's JSON lines as human-readable, coloured
// lines on a terminal, for development: the format users of zap's
// development configuration and zerolog's ConsoleWriter expect.
//
//	21:10:54.123 INFO  order placed  order_id=1042 user="Ada Lovelace" trace=4bf92f35
//
// It is never the production default, and nothing in logweave chooses it
// on its own: production writes JSON, which machines read. A program
// opts in, typically behind a flag or on a terminal:
//
//	var out io.Writer = os.Stdout
//	if *dev {
//		out = pretty.NewWriter(os.Stdout, nil)
//	}
//	logger := logweave.New(out, &logweave.Options{Service: "checkout", Level: slog.LevelDebug})
//
// # Why it renders the JSON
//
// A Writer is an io.Writer that sits between logweave's handler and the
// terminal, as zerolog's ConsoleWriter does: the handler writes its JSON
// line, one Write per record, and the Writer turns that line into the
// readable one. It is not a second handler, so what reaches the terminal
// is exactly what production would have written: the same redaction
// (a password is [REDACTED] here too), the same trace and request ids,
// the same ReplaceAttr, level and sampling decisions. Development shows
// what production logs, not something that merely looks like it.
//
// # The line
//
// In order: the time, converted to Options.Location (local time by
// default) in Options.TimeFormat (15:04:05.000); the level, padded to five
// columns (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, or INFO+2 and the like
// as written); the source, when the handler adds it, as file:line with
// the file's directory (logweave/handler.go:42), the function left out;
// the message; two spaces; the attributes as key=value in the order of
// the JSON line; and last trace= with the first Options.TraceIDLength (8)
// digits of trace_id, enough to find the trace by prefix. span_id and
// trace_flags are left out beside it (the JSON line keeps them);
// request_id is an attribute like the others. The service fields
// (service.name, service.version, deployment.environment.name), the same
// on every line, are left out unless Options.ShowService is set.
//
// Attributes: nested objects are flattened into group.key=value; arrays
// are shown as compact JSON; numbers as the JSON text they were written
// as, never rounded through float64; strings bare, or quoted in Go's
// strconv.Quote style when they must be (empty, or holding a space, '=',
// '"' or anything unprintable). A string that holds a newline, such as a
// panic's stack or errors.Join's text, is printed after the line, under
// its key, with its lines indented:
//
//	21:10:54.123 ERROR panic recovered  http.request.method=GET url.path=/boom trace=4bf92f35
//	  stack:
//	    goroutine 7 [running]:
//	    main.handler(...)
//	        /src/main.go:31 +0x1d
//
// A line lacking a field lacks its column (a ReplaceAttr that drops the
// time drops the time column); a field whose value is not of the usual
// form (a time that is not RFC 3339, a trace id that is not hex) is shown
// as it is, and a second field with the same key as an attribute.
//
// # Colour
//
// When colour is on, the level is coloured by severity (TRACE dim blue,
// DEBUG blue, INFO green, WARN yellow, ERROR red, FATAL bold magenta),
// the time, source and trace are dim, the message bold, keys cyan, and
// the fields of an error (error, err, panic, error.*, *.error), key and
// value, red. Options.Color decides when: ColorAuto, the default, colours
// a terminal only and honours NO_COLOR and FORCE_COLOR (see ColorAuto);
// ColorAlways and ColorNever override the environment.
//
// # Hostile and malformed input
//
// Log lines carry text from outside (a user agent, a path, an error
// from a peer), and a terminal obeys the escape sequences it is sent. No
// byte of a key or value reaches the output as it is unless it is
// printable: control characters (ESC among them), invalid UTF-8 and
// invisible format characters (bidirectional overrides) are written as
// Go escapes (\x1b, \u202e), a tab in unquoted text as four spaces. The
// only control bytes a Writer emits are '\n' ending its lines and, when
// colour is on, the ESC of its own colour sequences.
//
// Whatever is written to it, a Writer writes something and reports
// success: one Write that is one JSON object is one entry; otherwise
// each line is taken on its own, a line that is a JSON object rendered
// and any other line (not JSON, truncated JSON, an array, a number)
// written as the text it is, escaped as above. Every Write's output ends
// in a newline, and a Write's lines are never split from each other by
// another goroutine's. Work is linear in the input: an object nested
// under a key longer than 128 bytes is shown as JSON rather than
// flattened, so that repeating the key cannot multiply the output.
package pretty

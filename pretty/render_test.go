package pretty_test

import (
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/pretty"
)

// line is a logweave line with trace and service fields, as the handler
// writes it; tests add attributes in place of ATTRS.
const line = `{"time":"2026-11-21T10:22:33.123Z","level":"INFO","msg":"order placed","service.name":"checkout",` +
	`"service.version":"1.4.2","deployment.environment.name":"prod",` +
	`"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","trace_flags":"01","request_id":"req-42"ATTRS}` + "\n"

func withAttrs(attrs string) string { return strings.Replace(line, "ATTRS", attrs, 1) }

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string
	}{
		{"logweave line", withAttrs(`,"order_id":1042,"user":"Ada Lovelace"`),
			`10:22:33.123 INFO  order placed  request_id=req-42 order_id=1042 user="Ada Lovelace" trace=4bf92f35`},
		{"no attributes, no trace", `{"time":"2026-11-21T10:22:33.123Z","level":"INFO","msg":"started","service.name":"x"}`,
			`10:22:33.123 INFO  started`},
		{"no time", `{"level":"WARN","msg":"slow","ms":1250}`, `WARN  slow  ms=1250`},
		{"no level", `{"time":"2026-11-21T10:22:33Z","msg":"hi","a":1}`, `10:22:33.000 hi  a=1`},
		{"no message", `{"time":"2026-11-21T10:22:33.123Z","level":"INFO","a":1}`, `10:22:33.123 INFO  a=1`},
		{"empty message", `{"level":"INFO","msg":"","a":1}`, `INFO  a=1`},
		{"only attributes", `{"a":1,"b":"x"}`, `a=1 b=x`},
		{"empty object", `{}`, ``},
		{"whitespace", " {\"level\" : \"INFO\" ,\t\"msg\":\"x\" , \"a\" : [ 1 , 2 ] } \r\n", `INFO  x  a=[1,2]`},
		{"object over several lines", "{\n  \"level\": \"INFO\",\n  \"msg\": \"x\"\n}\n", `INFO  x`},

		// Levels.
		{"trace", `{"level":"TRACE","msg":"m"}`, `TRACE m`},
		{"debug", `{"level":"DEBUG","msg":"m"}`, `DEBUG m`},
		{"warn", `{"level":"WARN","msg":"m"}`, `WARN  m`},
		{"error", `{"level":"ERROR","msg":"m"}`, `ERROR m`},
		{"fatal", `{"level":"FATAL","msg":"m"}`, `FATAL m`},
		{"level with offset", `{"level":"INFO+2","msg":"m"}`, `INFO+2 m`},
		{"negative offset", `{"level":"DEBUG-2","msg":"m"}`, `DEBUG-2 m`},
		{"level as written", `{"level":"warning","msg":"m"}`, `warning m`},
		{"numeric level", `{"level":30,"msg":"m"}`, `30    m`},

		// Time.
		{"nanoseconds", `{"time":"2026-11-21T10:22:33.123456789Z","msg":"m"}`, `10:22:33.123 m`},
		{"offset", `{"time":"2026-11-21T11:22:33.5+01:00","msg":"m"}`, `10:22:33.500 m`},
		{"not RFC 3339", `{"time":"yesterday at noon","msg":"m"}`, `yesterday at noon m`},
		{"no such date", `{"time":"2026-02-30T10:22:33.123Z","msg":"m"}`, `2026-02-30T10:22:33.123Z m`},
		{"number", `{"time":1732184553,"msg":"m"}`, `1732184553 m`},

		// Values.
		{"numbers as written", `{"big":12345678901234567890,"f":0.1000,"e":1e400,"neg":-0}`,
			`big=12345678901234567890 f=0.1000 e=1e400 neg=-0`},
		{"literals", `{"t":true,"f":false,"n":null}`, `t=true f=false n=null`},
		{"quoting", `{"empty":"","space":"a b","eq":"a=b","quote":"say \"hi\"","backslash":"C:\\tmp","unicode":"café"}`,
			`empty="" space="a b" eq="a=b" quote="say \"hi\"" backslash=C:\tmp unicode=café`},
		{"string that looks like a number", `{"s":"42"}`, `s=42`},
		{"unicode escapes", `{"e":"caf\u00e9","smile":"\ud83d\ude00","lone":"\ud800x"}`, "e=café smile=\U0001F600 lone=\uFFFDx"},
		{"groups", `{"cart":{"items":3,"total":59.9,"owner":{"id":7}},"after":1}`,
			`cart.items=3 cart.total=59.9 cart.owner.id=7 after=1`},
		{"empty group", `{"g":{}}`, `g={}`},
		{"arrays", `{"tags":["a","b c",1,{"k":"v"},[]],"none":[]}`, `tags=["a","b c",1,{"k":"v"},[]] none=[]`},
		{"keys", `{"a b":1,"":2,"k=v":3,"x\"y":4}`, `"a b"=1 ""=2 "k=v"=3 "x\"y"=4`},
		{"escaped key", `{"m\u0073g":"hidden behind an escape","a":1}`, `hidden behind an escape  a=1`},
		{"non-string message", `{"msg":{"a":[1]},"b":2}`, `{"a":[1]}  b=2`},

		// Columns taken once.
		{"duplicate keys", `{"level":"INFO","msg":"first","msg":"second","level":"x"}`, `INFO  first  msg=second level=x`},
		{"time later in the line", `{"msg":"m","time":"2026-11-21T10:22:33.123Z"}`, `10:22:33.123 m`},

		// Source.
		{"source", `{"level":"INFO","source":{"function":"main.main","file":"/src/app/cmd/server/main.go","line":42},"msg":"m"}`,
			`INFO  server/main.go:42 m`},
		{"source without directory", `{"source":{"file":"main.go","line":7},"msg":"m"}`, `main.go:7 m`},
		{"source without line", `{"source":{"file":"/a/b/c.go"},"msg":"m"}`, `b/c.go m`},
		{"source that is a string", `{"msg":"m","source":"web"}`, `m  source=web`},
		{"source without file", `{"msg":"m","source":{"function":"f"}}`, `m  source.function=f`},

		// Trace and service fields.
		{"span without trace", `{"msg":"m","span_id":"00f067aa0ba902b7"}`, `m  span_id=00f067aa0ba902b7`},
		{"trace id not hex", `{"msg":"m","trace_id":"not-a-trace","span_id":"00f067aa0ba902b7"}`,
			`m  trace_id=not-a-trace span_id=00f067aa0ba902b7`},
		{"nested trace id", `{"msg":"m","peer":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}}`,
			`m  peer.trace_id=4bf92f3577b34da6a3ce929d0e0e4736`},
		{"service not a string", `{"msg":"m","service.name":{"x":1}}`, `m  service.name.x=1`},

		// Multi-line strings.
		{"stack", `{"level":"ERROR","msg":"panic","error.type":"panic","stack":"goroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\n","after":1}`,
			"ERROR panic  error.type=panic after=1\n" +
				"  stack:\n" +
				"    goroutine 1 [running]:\n" +
				"    main.main()\n" +
				"        /src/main.go:12 +0x1d"},
		{"joined errors", `{"msg":"m","error":"one\ntwo","db":{"query":"SELECT 1\r\nFROM t\r\n\r\nLIMIT 1"}}`,
			"m\n" +
				"  error:\n    one\n    two\n" +
				"  db.query:\n    SELECT 1\n    FROM t\n\n    LIMIT 1"},
		{"newline only", `{"msg":"m","nl":"\n"}`, "m\n  nl:\n"},
		{"newline in message", `{"msg":"two\nlines"}`, `two\nlines`},
		{"newline in an array", `{"a":["x\ny"]}`, `a=["x\ny"]`},

		// Several lines in one Write.
		{"batch", `{"msg":"one"}` + "\n" + `{"msg":"two"}` + "\n", "one\ntwo"},
		{"batch with text", `{"msg":"one"}` + "\nplain text\n\n" + `[1,2]` + "\n", "one\nplain text\n\n[1,2]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(t, plain(), tc.in); got != tc.want+"\n" {
				t.Errorf("in:   %s\ngot:  %q\nwant: %q", tc.in, got, tc.want+"\n")
			}
		})
	}
}

func TestOptions(t *testing.T) {
	in := withAttrs(`,"a":1`)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, tc := range []struct {
		name string
		opts pretty.Options
		want string
	}{
		{"defaults but UTC", pretty.Options{Location: time.UTC},
			`10:22:33.123 INFO  order placed  request_id=req-42 a=1 trace=4bf92f35`},
		{"location", pretty.Options{Location: paris},
			`11:22:33.123 INFO  order placed  request_id=req-42 a=1 trace=4bf92f35`},
		{"time format", pretty.Options{Location: time.UTC, TimeFormat: "2006-01-02 15:04:05"},
			`2026-11-21 10:22:33 INFO  order placed  request_id=req-42 a=1 trace=4bf92f35`},
		{"show service", pretty.Options{Location: time.UTC, ShowService: true},
			`10:22:33.123 INFO  order placed  service.name=checkout service.version=1.4.2 deployment.environment.name=prod request_id=req-42 a=1 trace=4bf92f35`},
		{"short trace", pretty.Options{Location: time.UTC, TraceIDLength: 4},
			`10:22:33.123 INFO  order placed  request_id=req-42 a=1 trace=4bf9`},
		{"whole trace", pretty.Options{Location: time.UTC, TraceIDLength: -1},
			`10:22:33.123 INFO  order placed  request_id=req-42 a=1 trace=4bf92f3577b34da6a3ce929d0e0e4736`},
		{"trace longer than the id", pretty.Options{Location: time.UTC, TraceIDLength: 99},
			`10:22:33.123 INFO  order placed  request_id=req-42 a=1 trace=4bf92f3577b34da6a3ce929d0e0e4736`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Color = pretty.ColorNever
			if got := render(t, &tc.opts, in); got != tc.want+"\n" {
				t.Errorf("got:  %q\nwant: %q", got, tc.want+"\n")
			}
		})
	}
}

func TestDefaultsAreLocalTime(t *testing.T) {
	want := time.Date(2026, 11, 21, 10, 22, 33, 123e6, time.UTC).Local().Format(pretty.DefaultTimeFormat)
	got := render(t, &pretty.Options{Color: pretty.ColorNever}, withAttrs(""))
	if !strings.HasPrefix(got, want+" INFO  order placed") {
		t.Errorf("got %q, want the local time %s first", got, want)
	}
	// A nil Options is the zero Options.
	if got := render(t, nil, `{"msg":"x"}`); !strings.Contains(got, "x") {
		t.Errorf("nil options: %q", got)
	}
}

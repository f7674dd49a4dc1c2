package bench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestBenchmarkOutputs runs every benchmark case once into a buffer and
// checks the line it writes, so a benchmark can't look fast because it
// silently writes nothing, writes broken JSON, or drops attributes or trace
// ids.
func TestBenchmarkOutputs(t *testing.T) {
	for _, sc := range scenarios {
		for _, hc := range handlers {
			t.Run("Core/"+sc.name+"/"+hc.name, func(t *testing.T) {
				var buf bytes.Buffer
				sc.log(newLogger(sc, hc, &buf))
				out := buf.String()
				if !hc.writes || sc.disabled {
					if out != "" {
						t.Fatalf("want no output, got %q", out)
					}
					return
				}
				checkLine(t, out, sc.attrs)
				if sc.traced && hc.traces {
					for _, id := range []string{traceIDHex, spanIDHex} {
						if !strings.Contains(out, id) {
							t.Errorf("output lacks trace/span id %s: %s", id, out)
						}
					}
				}
			})
		}
	}
	for _, sc := range nativeScenarios {
		for _, nc := range natives {
			t.Run("Native/"+sc.name+"/"+nc.name, func(t *testing.T) {
				var buf bytes.Buffer
				nc.new(&buf)[sc.name]()
				out := buf.String()
				if sc.disabled {
					if out != "" {
						t.Fatalf("want no output, got %q", out)
					}
					return
				}
				checkLine(t, out, sc.attrs)
			})
		}
	}
}

// checkLine checks that out is one newline-terminated JSON object holding
// the message and, if attrs is set, every key of vals.
func checkLine(t *testing.T, out string, attrs bool) {
	t.Helper()
	t.Log(out) // with -v, shows each handler's output format side by side
	line, ok := strings.CutSuffix(out, "\n")
	if !ok || strings.Contains(line, "\n") {
		t.Fatalf("want exactly one newline-terminated line, got %q", out)
	}
	if !json.Valid([]byte(line)) {
		t.Fatalf("invalid JSON: %s", line)
	}
	if !strings.Contains(line, `"`+msg+`"`) {
		t.Errorf("message %q missing: %s", msg, line)
	}
	if attrs {
		for _, k := range attrKeys {
			if !strings.Contains(line, `"`+k+`":`) {
				t.Errorf("attribute %q missing: %s", k, line)
			}
		}
	}
}

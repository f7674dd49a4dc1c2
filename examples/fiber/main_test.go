package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestRun runs the demo and checks its access lines.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	var statuses []float64
	for _, l := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if m["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
			t.Errorf("line without the trace: %s", l)
		}
		if m["msg"] == "http request" {
			statuses = append(statuses, m["http.response.status_code"].(float64))
		}
	}
	want := []float64{200, 404, 409, 500, 200}
	if len(statuses) != len(want) {
		t.Fatalf("statuses %v, want %v\n%s", statuses, want, out.String())
	}
	for i := range want {
		if statuses[i] != want[i] {
			t.Errorf("statuses %v, want %v", statuses, want)
			break
		}
	}
}

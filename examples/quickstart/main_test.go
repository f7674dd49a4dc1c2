package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestDemo checks what the README promises the demo shows: every line is a
// JSON object with a UTC millisecond time, the service name, and trace
// ids; the upstream trace is kept; a child call shares its job's trace.
func TestDemo(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf); err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %v: %s", err, l)
		}
		lines = append(lines, m)
	}
	if len(lines) != 7 {
		t.Fatalf("want 7 lines, got %d:\n%s", len(lines), buf.String())
	}
	for i, m := range lines {
		if ts, _ := m["time"].(string); len(ts) != len("2026-11-21T10:22:33.123Z") || !strings.HasSuffix(ts, "Z") {
			t.Errorf("line %d: time %v", i, m["time"])
		}
		if m["service.name"] != "orders" {
			t.Errorf("line %d: service.name %v", i, m["service.name"])
		}
	}
	if lines[0]["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" || lines[1]["request_id"] != "req-7f3a" {
		t.Errorf("upstream trace not kept: %v", lines[0])
	}
	if lines[2]["trace_id"] != lines[3]["trace_id"] || lines[2]["span_id"] == lines[3]["span_id"] {
		t.Errorf("child call: want the job's trace with a new span: %v / %v", lines[2], lines[3])
	}
	if lines[4]["level"] != "TRACE" {
		t.Errorf("level change at run time: %v", lines[4])
	}
	if p, _ := lines[5]["payload"].(string); !strings.HasPrefix(p, "LogValue panicked") {
		t.Errorf("panicking LogValue: %v", lines[5]["payload"])
	}
	for _, secret := range []string{"ann@example.com", "hunter2", "4242 4242 4242 4242", "13812345678", "11010519491231002X"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("%q is in the log", secret)
		}
	}
	if c, _ := lines[6]["customer"].(map[string]any); c["name"] != "Ann" || c["plan"] != "pro" || c["email"] == nil || c["id_card"] != nil {
		t.Errorf("customer: %v", lines[6]["customer"])
	}
}

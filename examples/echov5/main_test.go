package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestDemo runs the demo and checks the access line of each request: the
// status the client got, the route template, and the caller's trace.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status float64
		route  string
	}{
		"/users/42": {200, "/users/:id"}, "/orders/7": {404, "/orders/:id"}, "/nowhere": {404, ""}, "/panic": {500, "/panic"},
	}
	seen := 0
	for _, line := range strings.Split(out.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["msg"] != "http request" {
			continue
		}
		seen++
		path, _ := m["url.path"].(string)
		w, ok := want[path]
		route, _ := m["http.route"].(string)
		if !ok || m["http.response.status_code"] != w.status || route != w.route {
			t.Errorf("%s: status %v route %q, want %v %q", path, m["http.response.status_code"], route, w.status, w.route)
		}
		if m["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
			t.Errorf("%s: trace_id %v, want the caller's", path, m["trace_id"])
		}
	}
	if seen != len(want) {
		t.Errorf("%d access lines, want %d:\n%s", seen, len(want), out.String())
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
)

// TestRouteFromChi checks that http.route is chi's route template, for a
// nested router too, and that a 404 from chi has no route.
func TestRouteFromChi(t *testing.T) {
	var buf bytes.Buffer
	h := newRouter(logweave.New(&buf, nil))
	for _, path := range []string{"/users/42", "/admin/stats/monday", "/nowhere"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	var routes []string
	var statuses []float64
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["msg"] != httplog.AccessMessage {
			continue
		}
		route, _ := m["http.route"].(string)
		routes = append(routes, route)
		statuses = append(statuses, m["http.response.status_code"].(float64))
	}
	want := []string{"/users/{id}", "/admin/stats/{day}", ""}
	if strings.Join(routes, ",") != strings.Join(want, ",") {
		t.Fatalf("routes %q, want %q", routes, want)
	}
	if statuses[0] != http.StatusOK || statuses[1] != http.StatusServiceUnavailable || statuses[2] != http.StatusNotFound {
		t.Fatalf("statuses %v", statuses)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
)

// TestDemoRoutes checks the status and route each of the demo's requests
// is logged with.
func TestDemoRoutes(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	gin.DefaultErrorWriter = io.Discard
	var buf bytes.Buffer
	r := newEngine(logweave.New(&buf, nil))
	want := []struct {
		method, path, route string
		status              float64
	}{
		{"GET", "/users/42", "/users/:id", 200},
		{"GET", "/orders/7", "/orders/:id", 404},
		{"GET", "/report", "/report", 500},
		{"GET", "/nowhere", "", 404},
		{"DELETE", "/users/42", "", 405},
	}
	for _, w := range want {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(w.method, w.path, nil))
		if rec.Code != int(w.status) {
			t.Errorf("%s %s: client got %d", w.method, w.path, rec.Code)
		}
	}
	var got []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["msg"] == httplog.AccessMessage {
			got = append(got, m)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d access lines, want %d", len(got), len(want))
	}
	for i, w := range want {
		route, _ := got[i]["http.route"].(string)
		if route != w.route || got[i]["http.response.status_code"] != w.status {
			t.Errorf("%s %s: logged %v", w.method, w.path, got[i])
		}
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestService runs the service on loopback with the shipped configuration
// file (its log path moved into a temporary directory), sends requests,
// and reads back the rotated file and the metrics after a clean stop.
func TestService(t *testing.T) {
	dir := t.TempDir()
	conf, err := os.ReadFile("logweave.json")
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "logs", "app.log")
	confPath := filepath.Join(dir, "logweave.json")
	conf = []byte(strings.Replace(string(conf), `"logs/app.log"`, `"`+logPath+`"`, 1))
	if err := os.WriteFile(confPath, conf, 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var stdout bytes.Buffer // written before ready is sent
	go func() { done <- run(ctx, confPath, "", "127.0.0.1:0", &stdout, ready) }()
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr
	case err := <-done:
		t.Fatal(err)
	}
	for _, want := range []string{"serving on " + base, "POST /orders", "GET  /metrics", "logs: " + logPath, "kill -HUP"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}

	post := func(path string, form url.Values) int {
		resp, err := http.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/orders", url.Values{"email": {"ann@example.com"}, "card": {"4242424242424242"}}); code != http.StatusCreated {
		t.Errorf("POST /orders: %d", code)
	}
	postJSON := func(body string) int {
		resp, err := http.Post(base+"/orders", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := postJSON(`{"email": "bob@example.com", "card": "4242424242424242"}`); code != http.StatusCreated {
		t.Errorf("POST /orders with JSON: %d", code)
	}
	if code := postJSON(`{"email": `); code != http.StatusBadRequest {
		t.Errorf("POST /orders with broken JSON: %d, want 400", code)
	}
	// The X-Request-ID a customer would quote, for a request that sent
	// none: the lines are found by request_id.
	quoted := func() string {
		resp, err := http.PostForm(base+"/payments", nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.Header.Get("X-Request-ID")
	}()
	if code := post("/payments", nil); code != http.StatusPaymentRequired {
		t.Errorf("POST /payments: %d", code)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`logweave_records_total{level="INFO",stage="handler"}`, `logweave_redactions_total`, `logweave_dropped_total{reason="buffer_full",stage="async"} 0`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %s:\n%s", want, metrics)
		}
	}

	// SIGHUP: the level is reloaded, the new path takes a restart, and
	// the pipeline says both in a line.
	conf = []byte(strings.Replace(strings.Replace(string(conf), `"INFO"`, `"DEBUG"`, 1), logPath, logPath+".new", 1))
	if err := os.WriteFile(confPath, conf, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !slog.Default().Enabled(context.Background(), slog.LevelDebug) {
		if time.Now().After(deadline) {
			t.Fatal("level not reloaded 10s after SIGHUP")
		}
		time.Sleep(5 * time.Millisecond)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("service did not stop")
	}

	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byMsg := map[string]map[string]any{}
	orders := 0
	var byQuoted []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "ann@example.com") || strings.Contains(sc.Text(), "bob@example.com") || strings.Contains(sc.Text(), "4242424242424242") ||
			strings.Contains(sc.Text(), "4242 4242 4242 4242") {
			t.Errorf("personal data in the clear: %s", sc.Text())
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		byMsg[m["msg"].(string)] = m
		if m["msg"] == "order placed" {
			orders++
		}
		if m["request_id"] == quoted {
			byQuoted = append(byQuoted, m["msg"].(string))
		}
	}
	if orders != 2 {
		t.Errorf("%d orders logged, want the form's and the JSON one", orders)
	}
	if quoted == "" || fmt.Sprint(byQuoted) != "[payment failed http request]" {
		t.Errorf("lines with request_id %q (the X-Request-ID answered): %v, want the payment's and its access line", quoted, byQuoted)
	}
	reload := byMsg["configuration reloaded"]
	if reload == nil || fmt.Sprint(reload["applied"]) != "[level]" || fmt.Sprint(reload["restart_required"]) != "[output.path]" || reload["level"] != "WARN" {
		t.Errorf("reload line: %v", reload)
	}
	order, access := byMsg["order placed"], byMsg["http request"]
	if order == nil || access == nil || byMsg["payment failed"] == nil || byMsg["stopped"] == nil {
		t.Fatalf("lines missing: %v", byMsg)
	}
	if order["trace_id"] == nil || order["service.name"] != "orders" || order["service.version"] != "1.0.0" {
		t.Errorf("order line: %v", order)
	}
	if link, err := os.Readlink(filepath.Join(filepath.Dir(logPath), "current.log")); err != nil || filepath.Base(link) != "app.log" {
		t.Errorf("symlink current.log -> %q, %v", link, err)
	}
}

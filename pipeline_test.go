package logweave_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/redact"
	"github.com/logweave/logweave/sample"
	"github.com/logweave/logweave/stats"
	"github.com/logweave/logweave/tracectx"
	"github.com/logweave/logweave/units"
	"go.opentelemetry.io/otel/trace"
)

// TestSamplerDecidesBeforeWriting: records the sampler leaves out are
// neither written nor counted as written, errors are kept, and HandleAttrs
// is sampled like Handle.
func TestSamplerDecidesBeforeWriting(t *testing.T) {
	policy, err := sample.New(sample.Config{Burst: sample.BurstRule{First: 2, Interval: units.Duration(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	h := logweave.NewHandler(&out, &logweave.Options{Service: "t", Sampler: policy})
	logger := slog.New(h)
	for range 10 {
		logger.Info("hot loop")
		logger.Error("failure")
	}
	for range 5 {
		_ = h.HandleAttrs(context.Background(), time.Now(), slog.LevelInfo, "via attrs", []slog.Attr{slog.Int("i", 1)})
	}
	if n := strings.Count(out.String(), `"msg":"hot loop"`); n != 2 {
		t.Errorf("hot loop written %d times, want the burst's 2", n)
	}
	if n := strings.Count(out.String(), `"msg":"failure"`); n != 10 {
		t.Errorf("errors written %d times, want all 10", n)
	}
	if n := strings.Count(out.String(), `"msg":"via attrs"`); n != 2 {
		t.Errorf("HandleAttrs records written %d times, want 2", n)
	}
	cs := h.AppendCounters(nil)
	if got := counterOf(cs, stats.RecordsTotal, "INFO"); got != 4 {
		t.Errorf("records_total{INFO} = %d, want the 4 written", got)
	}
	if st := policy.Stats(); st.Dropped() != 8+3 {
		t.Errorf("sampler dropped %d, want 11", st.Dropped())
	}
}

type signup struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Phone    string `json:"phone" log:"-"`
	Internal string `json:"-"`
}

// TestRedactionByDefault: the default policy masks sensitive keys at any
// depth (record, group, With), secrets found in free text (the message
// included), errors' text and struct fields, and leaves the trace fields
// and ordinary values alone.
func TestRedactionByDefault(t *testing.T) {
	var out bytes.Buffer
	logger := logweave.New(&out, &logweave.Options{Service: "t"}).With("api_key", "k-123456")
	ctx := tracectx.NewRoot(context.Background())
	logger.InfoContext(ctx, "login by ann@example.com",
		"password", "hunter2",
		slog.Group("req", slog.String("authorization", "Bearer abc.def"), slog.String("path", "/login")),
		"note", "call me at ann@example.com",
		"err", errors.New("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig-sig-sig rejected"),
		"user", signup{Name: "Ann", Email: "ann@example.com", Password: "pw", Phone: "13812345678", Internal: "x"},
		"count", 3,
	)
	line := out.String()
	for _, secret := range []string{"hunter2", "k-123456", "abc.def", "ann@example.com", "eyJhbGciOiJIUzI1NiJ9", `"pw"`, "13812345678"} {
		if strings.Contains(line, secret) {
			t.Errorf("%q is in the line: %s", secret, line)
		}
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, line)
	}
	sc := trace.SpanContextFromContext(ctx)
	if m["trace_id"] != sc.TraceID().String() || m["count"] != 3.0 || m["req"].(map[string]any)["path"] != "/login" {
		t.Errorf("ordinary fields changed: %s", line)
	}
	if u := m["user"].(map[string]any); u["name"] != "Ann" || len(u) != 3 {
		t.Errorf("user = %v, want name kept, email and password masked, phone left out", u)
	}
}

// TestRedactionOffAndReplaced: NoRedaction writes values as they are; a
// policy of the user's own is used as given, and its Update applies to the
// records that follow.
func TestRedactionOffAndReplaced(t *testing.T) {
	var out bytes.Buffer
	logweave.New(&out, &logweave.Options{Redact: logweave.NoRedaction}).Info("m", "password", "hunter2")
	if !strings.Contains(out.String(), "hunter2") {
		t.Errorf("NoRedaction masked: %s", out.String())
	}

	policy, err := redact.New(redact.Config{Keys: []string{"pin"}, Mask: "***"})
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	logger := logweave.New(&out, &logweave.Options{Redact: policy})
	logger.Info("m", "pin", 1234, "color", "red")
	if !strings.Contains(out.String(), `"pin":"***"`) || !strings.Contains(out.String(), `"color":"red"`) {
		t.Errorf("custom policy: %s", out.String())
	}
	if err := policy.Update(redact.Config{Keys: []string{"color"}, Mask: "***"}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	logger.Info("m", "pin", 1234, "color", "red")
	if !strings.Contains(out.String(), `"pin":1234`) || !strings.Contains(out.String(), `"color":"***"`) {
		t.Errorf("after Update: %s", out.String())
	}
}

// TestRedactionAllowlistedValues: nothing inside an allowlisted key's value
// is redacted, a group's members included; redaction resumes after it.
func TestRedactionAllowlistedValues(t *testing.T) {
	policy, err := redact.New(redact.Config{Allow: []string{"audit"}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	logweave.New(&out, &logweave.Options{Redact: policy}).Info("m",
		"request_id", "ann@example.com",
		slog.Group("audit", "password", "hunter2", "note", "bob@example.com"),
		"password", "hunter2", "note", "bob@example.com")
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	audit, _ := m["audit"].(map[string]any)
	if m["request_id"] != "ann@example.com" || audit["password"] != "hunter2" || audit["note"] != "bob@example.com" {
		t.Errorf("allowlisted values redacted: %s", out.String())
	}
	if m["password"] != "[REDACTED]" || strings.Contains(m["note"].(string), "bob@") {
		t.Errorf("redaction did not resume after the allowlisted group: %s", out.String())
	}
}

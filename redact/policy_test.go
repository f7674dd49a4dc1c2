package redact_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/logweave/logweave/redact"
	"github.com/logweave/logweave/stats"
)

const testHMACKey = "0123456789abcdef-test-key"

// pseudonym computes the documented pseudonym independently of the
// package: "hmac:" and the first 16 hex digits of HMAC-SHA256.
func pseudonym(key, value string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(value))
	return "hmac:" + hex.EncodeToString(m.Sum(nil))[:16]
}

func TestNewErrors(t *testing.T) {
	noName := redact.DetectorFunc("", func(string) (int, int) { return -1, -1 })
	taken := redact.DetectorFunc(redact.Email, func(string) (int, int) { return -1, -1 })
	for _, tc := range []struct {
		name string
		c    redact.Config
		want []string // fragments of the error
	}{
		{"unknown detector", redact.Config{Detectors: map[string]bool{"emial": false}}, []string{`"emial"`, "email, phone"}},
		{"counter as detector", redact.Config{Detectors: map[string]bool{"key": false}}, []string{`"key"`}},
		{"unknown style name", redact.Config{Styles: map[string]redact.Style{"phon": redact.Partial}}, []string{`"phon"`}},
		{"unknown style", redact.Config{Styles: map[string]redact.Style{"phone": "partal"}}, []string{`"partal"`, `"full", "partial" or "hmac"`}},
		{"hmac without key", redact.Config{Styles: map[string]redact.Style{"email": redact.HMAC}}, []string{"HMACKey"}},
		{"short hmac key", redact.Config{HMACKey: "short"}, []string{"5 bytes", "at least 16"}},
		{"partial key style", redact.Config{Styles: map[string]redact.Style{"key": redact.Partial}}, []string{`"key"`, "nothing safe to keep"}},
		{"empty key", redact.Config{Keys: []string{"ok", "-_."}}, []string{`"-_."`, "empty"}},
		{"empty allow", redact.Config{Allow: []string{""}}, []string{`""`, "empty"}},
		{"invalid mask", redact.Config{Mask: "\xff"}, []string{"Mask", "UTF-8"}},
		{"nil custom", redact.Config{Custom: []redact.Detector{nil}}, []string{"Custom[0]", "nil"}},
		{"unnamed custom", redact.Config{Custom: []redact.Detector{noName}}, []string{"Custom[0]", "empty Name"}},
		{"custom name taken", redact.Config{Custom: []redact.Detector{taken}}, []string{"Custom[0]", `"email"`, "taken"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := redact.New(tc.c)
			if err == nil {
				t.Fatalf("New succeeded: %v", p)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "redact: ") {
				t.Errorf("error %q does not say where it comes from", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestUpdateKeepsRulesOnError(t *testing.T) {
	p := redact.Default()
	if err := p.Update(redact.Config{Styles: map[string]redact.Style{"phone": "nope"}}); err == nil {
		t.Fatal("Update accepted an invalid style")
	}
	if got, _ := p.String("call 13812345678"); got != "call [REDACTED]" {
		t.Fatalf("after a failed Update: %q", got)
	}
}

func TestUpdateChangesRules(t *testing.T) {
	p := redact.Default()
	if err := p.Update(redact.Config{Detectors: map[string]bool{redact.Phone: false}, Mask: "***", Keys: []string{"color"}}); err != nil {
		t.Fatal(err)
	}
	if got, ok := p.String("call 13812345678 or mail a@b.example"); ok != true || got != "call 13812345678 or mail ***" {
		t.Fatalf("String = %q, %v", got, ok)
	}
	if p.Key("favourite_color") != redact.Mask {
		t.Fatal("the new key is not sensitive")
	}
}

// TestUpdateConcurrent swaps two policies while other goroutines use the
// policy: every answer must be one of the two policies' answers, and the
// race detector must see no race.
func TestUpdateConcurrent(t *testing.T) {
	a := redact.Config{Keys: []string{"color"}}
	b := redact.Config{Mask: "<gone>", Detectors: map[string]bool{redact.Email: false}}
	p, err := redact.New(a)
	if err != nil {
		t.Fatal(err)
	}
	const text = "mail bob@example.com from 13812345678"
	wantA := "mail [REDACTED] from [REDACTED]"
	wantB := "mail bob@example.com from <gone>"
	type rec struct {
		Color string
		Email string
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan string, 100)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if got, _ := p.String(text); got != wantA && got != wantB {
					errs <- "String: " + got
				}
				if k := p.Key("color"); k != redact.Mask && k != redact.Scan {
					errs <- "Key: " + k.String()
				}
				out, _ := p.Any(rec{Color: "red", Email: "bob@example.com"})
				_ = out
				_ = p.Counts()
				_ = p.AppendCounters(nil)
			}
		})
	}
	for i := range 200 {
		c := a
		if i%2 == 1 {
			c = b
		}
		if err := p.Update(c); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestCounts(t *testing.T) {
	p := redact.Default()
	p.String("a@b.example and c@d.example, 13812345678")
	p.String("nothing here")
	p.MaskValue(slog.StringValue("x"))
	p.Any(struct {
		Secret string `log:"redact"`
		Token  string
	}{"s", "t"})
	got := p.Counts()
	want := map[string]uint64{redact.Email: 2, redact.Phone: 1, redact.KeyCounter: 2, redact.TagCounter: 1}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("Counts()[%q] = %d, want %d (all: %v)", name, got[name], n, got)
		}
	}
	if _, ok := got[redact.IP]; ok {
		t.Errorf("Counts reports the IP detector, which is off: %v", got)
	}
	for _, name := range redact.Detectors() {
		if _, ok := got[name]; !ok && name != redact.IP {
			t.Errorf("Counts lacks %q, which is on: %v", name, got)
		}
	}

	// Counts carry on through an Update, also for a detector turned off.
	if err := p.Update(redact.Config{Detectors: map[string]bool{redact.Email: false}}); err != nil {
		t.Fatal(err)
	}
	p.String("13912345678")
	got = p.Counts()
	if got[redact.Email] != 2 || got[redact.Phone] != 2 {
		t.Errorf("after Update: %v", got)
	}

	cs := p.AppendCounters([]stats.Counter{{Name: "before"}})
	if cs[0].Name != "before" {
		t.Fatal("AppendCounters overwrote dst")
	}
	cs = cs[1:]
	names := make([]string, len(cs))
	for i, c := range cs {
		if c.Name != stats.RedactionsTotal || c.Label != stats.LabelDetector {
			t.Errorf("counter %+v: want %s{%s=...}", c, stats.RedactionsTotal, stats.LabelDetector)
		}
		if c.Count != got[c.Value] {
			t.Errorf("counter %s = %d, Counts says %d", c.Value, c.Count, got[c.Value])
		}
		names[i] = c.Value
	}
	if !slices.IsSorted(names) || len(names) != len(got) {
		t.Errorf("AppendCounters names %v: want all of Counts, sorted", names)
	}
}

func TestNilAndZeroPolicy(t *testing.T) {
	var nilP *redact.Policy
	if s, ok := nilP.String("a@b.example"); ok || s != "a@b.example" {
		t.Errorf("nil String = %q, %v", s, ok)
	}
	if nilP.Key("password") != redact.Scan {
		t.Error("nil Key masks")
	}
	if v, ok := nilP.Any(struct{ Password string }{"x"}); ok || v == nil {
		t.Error("nil Any changed the value")
	}
	if nilP.Update(redact.Config{}) == nil {
		t.Error("Update on nil succeeded")
	}
	if len(nilP.Counts()) != 0 || len(nilP.AppendCounters(nil)) != 0 {
		t.Error("nil policy counts")
	}

	var zero redact.Policy // behaves as Default
	if s, _ := zero.String("mail a@b.example"); s != "mail [REDACTED]" {
		t.Errorf("zero Policy String = %q", s)
	}
	if zero.Key("password") != redact.Mask {
		t.Error("zero Policy does not mask password")
	}
}

func TestMaskValue(t *testing.T) {
	p := redact.Default()
	if got := p.MaskValue(slog.IntValue(1234)); got != redact.DefaultMask {
		t.Errorf("MaskValue = %q", got)
	}
	p, err := redact.New(redact.Config{HMACKey: testHMACKey, Styles: map[string]redact.Style{redact.KeyCounter: redact.HMAC}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		v    slog.Value
		text string
	}{
		{slog.StringValue("hunter2"), "hunter2"},
		{slog.IntValue(1234), "1234"},
		{slog.AnyValue(valuer{"lazy"}), "lazy"}, // resolved first
	} {
		if got, want := p.MaskValue(tc.v), pseudonym(testHMACKey, tc.text); got != want {
			t.Errorf("MaskValue(%v) = %q, want %q", tc.v, got, want)
		}
	}
	if n := p.Counts()[redact.KeyCounter]; n != 3 {
		t.Errorf("key count %d, want 3", n)
	}
}

type valuer struct{ s string }

func (v valuer) LogValue() slog.Value { return slog.StringValue(v.s) }

func TestDetectorsList(t *testing.T) {
	names := redact.Detectors()
	if len(names) != 16 || names[0] != redact.Email || names[len(names)-1] != redact.IP {
		t.Fatalf("Detectors() = %v", names)
	}
	names[0] = "x"
	if redact.Detectors()[0] != redact.Email {
		t.Fatal("Detectors returns the package's own slice")
	}
	// Every name can be turned off on its own.
	for _, name := range redact.Detectors() {
		if _, err := redact.New(redact.Config{Detectors: map[string]bool{name: false}}); err != nil {
			t.Errorf("turning %s off: %v", name, err)
		}
	}
}

// TestConfigJSONNames keeps the JSON names of Config stable: they are read
// from configuration files.
func TestConfigJSONNames(t *testing.T) {
	want := map[string]string{
		"Keys": "keys,omitempty", "Allow": "allow,omitempty", "Detectors": "detectors,omitempty",
		"Styles": "styles,omitempty", "Mask": "mask,omitempty", "HMACKey": "hmac_key,omitempty", "Custom": "-",
	}
	typ := reflect.TypeFor[redact.Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if got := f.Tag.Get("json"); got != want[f.Name] {
			t.Errorf("Config.%s json tag %q, want %q", f.Name, got, want[f.Name])
		}
	}
}

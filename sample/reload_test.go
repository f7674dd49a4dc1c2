package sample

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/units"
)

func writeFile(t testing.TB, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const goodFile = `{
  "level": "WARN",
  "sampling": {
    "keep_level": "ERROR",
    "keep_attrs": [{"key": "event", "value": "payment_failed"}],
    "trace": {"keep_sampled": true, "rate": 0.1},
    "level_rates": {"DEBUG": 0, "INFO": 0.5},
    "burst": {"first": 100, "thereafter": 10, "interval": "2s", "key": "user_id", "slots": 1024},
    "overload": {"enter_above": 5000, "exit_below": 1000, "window": "500ms", "keep_level": "WARN"}
  }
}`

func TestLoad(t *testing.T) {
	f, err := Load(writeFile(t, goodFile))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		KeepLevel:  new(slog.LevelError),
		KeepAttrs:  []Match{{Key: "event", Value: "payment_failed"}},
		Trace:      TraceRule{KeepSampled: true, Rate: 0.1},
		LevelRates: map[slog.Level]float64{slog.LevelDebug: 0, slog.LevelInfo: 0.5},
		Burst:      BurstRule{First: 100, Thereafter: 10, Interval: units.Duration(2 * time.Second), Key: "user_id", Slots: 1024},
		Overload:   OverloadRule{EnterAbove: 5000, ExitBelow: 1000, Window: units.Duration(500 * time.Millisecond), KeepLevel: new(slog.LevelWarn)},
	}
	if f.Level == nil || *f.Level != slog.LevelWarn || f.Sampling == nil || !reflect.DeepEqual(*f.Sampling, want) {
		t.Errorf("Load = level %v, sampling %+v\nwant WARN, %+v", f.Level, f.Sampling, want)
	}

	// The JSON form round-trips.
	b, err := json.Marshal(File{Level: f.Level, Sampling: &want})
	if err != nil {
		t.Fatal(err)
	}
	g, err := parseFile(b)
	if err != nil || !reflect.DeepEqual(*g.Sampling, want) {
		t.Errorf("round trip of %s: %+v, %v", b, g.Sampling, err)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, content string
		want          []string
	}{
		{"empty", "  \n", []string{"empty: want a JSON object"}},
		{"syntax", "{\n  \"level\": \"WARN\",\n  \"sampling\": {,}\n}", []string{"line 3, column 16", "invalid character ','"}},
		{"unclosed", `{"level": "WARN"`, []string{"ends too soon"}},
		{"unknown field", `{"sampling": {"burst": {"frist": 10}}}`, []string{`unknown field "frist"`}},
		{"bad level", `{"level": "LOUD"}`, []string{`"LOUD"`}},
		{"bad rate key", `{"sampling": {"level_rates": {"LOUD": 0.5}}}`, []string{`"LOUD"`}},
		{"number for duration", `{"sampling": {"burst": {"first": 1, "interval": 10}}}`, []string{`duration 10: want a string such as "10s"`}},
		{"bad duration", `{"sampling": {"overload": {"enter_above": 1, "window": "soon"}}}`, []string{`duration "soon"`}},
		{"wrong type", `{"sampling": {"burst": {"first": "ten"}}}`, []string{"line 1", "burst.first"}},
		{"invalid value", `{"sampling": {"trace": {"rate": 2}}}`, []string{"sampling: trace.rate 2: want a fraction"}},
		{"two objects", `{"level": "INFO"} {"level": "WARN"}`, []string{"more after the JSON object"}},
		{"not an object", `["INFO"]`, []string{"cannot unmarshal array"}},
	}
	for _, c := range cases {
		path := writeFile(t, c.content)
		_, err := Load(path)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "sample: settings file "+path+": ") {
			t.Errorf("%s: %q does not name the file", c.name, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q does not say %q", c.name, msg, w)
			}
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "sample: reading settings: open ") {
		t.Errorf("missing file: %v", err)
	}
}

func TestReloadAllOrNothing(t *testing.T) {
	p := mustNew(t, Config{})
	var level slog.LevelVar
	path := writeFile(t, `{"level": "DEBUG", "sampling": {"level_rates": {"INFO": 0}}}`)
	if err := Reload(path, p, &level); err != nil {
		t.Fatal(err)
	}
	if level.Level() != slog.LevelDebug || p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0)) {
		t.Fatal("Reload did not apply the file")
	}
	// A file with a good level and a bad policy changes neither.
	if err := os.WriteFile(path, []byte(`{"level": "ERROR", "sampling": {"burst": {"first": -1}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Reload(path, p, &level); err == nil || !strings.Contains(err.Error(), "sampling: burst.first -1") {
		t.Errorf("bad file: %v", err)
	}
	if level.Level() != slog.LevelDebug || p.Keep(context.Background(), rec(slog.LevelInfo, "m", t0)) {
		t.Error("a bad file changed the level or the policy")
	}
	// Absent parts are left alone; nil targets are skipped.
	if err := os.WriteFile(path, []byte(`{"level": "WARN"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Reload(path, p, &level); err != nil || level.Level() != slog.LevelWarn || p.Config().LevelRates[slog.LevelInfo] != 0 {
		t.Errorf("level-only file: err %v, level %v, rates %v", err, level.Level(), p.Config().LevelRates)
	}
	if err := Reload(path, nil, nil); err != nil {
		t.Errorf("nil policy and level: %v", err)
	}
}

// FuzzParseFile: any content gives a File or an error, never a panic;
// a File that parses compiles, and its JSON form parses to the same File.
func FuzzParseFile(f *testing.F) {
	f.Add([]byte(goodFile))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"level": "DEBUG-4"}`))
	f.Add([]byte(`{"sampling": {"burst": {"first": 1, "slots": 3}}}`))
	f.Add([]byte(`{"sampling": {"trace": {"drop_others": true}}}`))
	f.Add([]byte(`{"sampling": {"overload": {"enter_above": 1e308, "exit_below": 1e-308}}}`))
	f.Add([]byte(`{"sampling": {"level_rates": {"WARN": 0.000001}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := parseFile(b)
		if err != nil {
			return
		}
		if file.Sampling == nil {
			return
		}
		if _, err := New(*file.Sampling); err != nil {
			t.Fatalf("parseFile accepted a Config New refuses: %v", err)
		}
		out, err := json.Marshal(file)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := parseFile(out)
		if err != nil || !reflect.DeepEqual(normalize(again), normalize(file)) {
			t.Fatalf("round trip of %s: %+v, %v; want %+v", out, again, err, file)
		}
	})
}

// normalize makes empty maps and slices nil, which omitempty writes the
// same way.
func normalize(f File) File {
	if f.Sampling != nil {
		c := f.Sampling.clone()
		if len(c.LevelRates) == 0 {
			c.LevelRates = nil
		}
		if len(c.KeepAttrs) == 0 {
			c.KeepAttrs = nil
		}
		f.Sampling = &c
	}
	return f
}

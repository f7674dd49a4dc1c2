package units_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/logweave/logweave/units"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]units.Size{
		"4096": 4096, "1KB": 1024, "100MiB": 100 << 20, "2 gb": 2 << 30, " 7B ": 7, "3k": 3072,
	} {
		if got, err := units.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MB", "-1KB", "1.5MB", "99999999999999999999", "1000000000000000000GB", "1TB"} {
		if _, err := units.ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q): no error", bad)
		}
	}
}

func TestSizeJSON(t *testing.T) {
	var s struct{ A, B, C units.Size }
	s.C = 5
	if err := json.Unmarshal([]byte(`{"A": 10, "B": "2MiB", "C": null}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.A != 10 || s.B != 2<<20 || s.C != 5 {
		t.Errorf("decoded %+v, want 10, 2MiB and 5 kept by null", s)
	}
	if b, err := json.Marshal(units.Size(1 << 20)); err != nil || string(b) != "1048576" {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	for _, bad := range []string{`-1`, `1.5`, `"1 TB"`, `true`, `{}`} {
		var v units.Size
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("Unmarshal %s: no error", bad)
		}
	}
}

// FuzzParseSize: no input panics, and an accepted size is a whole number
// of its unit.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1", "100MiB", "1 KB", "GB", "999999999999999999G", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := units.ParseSize(s)
		if err == nil && n < 0 {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
	})
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(units.Duration(90 * time.Second))
	if err != nil || string(b) != `"1m30s"` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var d units.Duration
	if err := json.Unmarshal([]byte(`"250ms"`), &d); err != nil || time.Duration(d) != 250*time.Millisecond {
		t.Errorf("Unmarshal 250ms = %v, %v", time.Duration(d), err)
	}
	for _, bad := range []string{`10`, `"10"`, `null`, `true`, `"1 hour"`} {
		d = 0
		if err := json.Unmarshal([]byte(bad), &d); bad != "null" && err == nil {
			t.Errorf("Unmarshal %s: no error", bad)
		}
		if d != 0 {
			t.Errorf("Unmarshal %s changed the duration to %v", bad, time.Duration(d))
		}
	}
}

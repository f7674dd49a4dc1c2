package rotate

import (
	"strconv"
	"testing"
	"time"
)

// FuzzBackupName: whatever a directory holds, a name read as a backup is
// exactly the name the File would give that backup, so retention never
// removes a file it did not make; and names the File makes read back.
func FuzzBackupName(f *testing.F) {
	for _, s := range []string{
		"app-2026-11-21T10-00-00.000Z.log", "app-2026-11-21T10-00-00.000Z_3.log.gz",
		"app-2026-11-21T10-00-00.000-0500.log", "app-2026-11-21T10-00-00.000Z_0.log",
		"app-2026-11-21T10-00-00.000Z_01.log", "app-2026-11-21T25-00-00.000Z.log",
		"app-2026-11-21T10-00-00.000+0000.log", "app-.log", "app.log", "",
	} {
		f.Add(s, int64(1795255200123), 2)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	f.Fuzz(func(t *testing.T, name string, ms int64, seq int) {
		for _, loc := range []*time.Location{time.UTC, ny} {
			c, _ := validate("/var/log/app.log", Options{LocalTime: loc != time.UTC, Location: loc})
			if b, ok := c.parseBackup(name); ok {
				want := c.prefix + b.t.Format(timeLayout)
				if b.seq > 0 {
					want += "_" + strconv.Itoa(b.seq)
				}
				want += c.ext
				if b.compressed {
					want += gzSuffix
				}
				if name != want {
					t.Fatalf("%q read as %v #%d, which is named %q", name, b.t, b.seq, want)
				}
			}
			if seq < 0 || seq > 1e6 || ms < 0 || ms > 1e14 {
				continue
			}
			at := time.UnixMilli(ms)
			made := c.backupName(at, seq)
			b, ok := c.parseBackup(made)
			if !ok || !b.t.Equal(at) || b.seq != seq || b.compressed {
				t.Fatalf("made %q, read back %v %v #%d", made, ok, b.t, b.seq)
			}
			if !c.isTemp(tempName(made)) || c.isTemp(made) {
				t.Fatalf("temporary of %q not told apart", made)
			}
		}
	})
}

// FuzzTimeOfDay: At entries are read strictly, and read ones are valid.
func FuzzTimeOfDay(f *testing.F) {
	for _, s := range []string{"00:00", "23:59:59", "24:00", "7:30", "07:30:", "12:00:00:00", "-1:00", "+1:00", "aa:bb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tod, ok := parseTimeOfDay(s)
		if !ok {
			return
		}
		if tod.hour > 23 || tod.min > 59 || tod.sec > 59 || tod.hour < 0 || tod.min < 0 || tod.sec < 0 {
			t.Fatalf("%q read as %+v", s, tod)
		}
		if len(s) != 5 && len(s) != 8 {
			t.Fatalf("%q accepted", s)
		}
	})
}

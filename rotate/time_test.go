package rotate_test

import (
	"os"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests do not depend on the machine's zoneinfo

	"github.com/logweave/logweave/rotate"
)

// expect checks that dir holds exactly the backups want (name: content)
// and that the current file app.log holds current.
func expect(t *testing.T, dir string, want map[string]string, current string) {
	t.Helper()
	got := backups(t, dir, "app")
	var wantNames []string
	for n := range want {
		wantNames = append(wantNames, n)
	}
	slices.Sort(wantNames)
	if !slices.Equal(got, wantNames) {
		t.Fatalf("backups %v, want %v", got, wantNames)
	}
	for n, c := range want {
		if g := content(t, join(dir, n)); g != c {
			t.Errorf("%s holds %q, want %q", n, g, c)
		}
	}
	if g := content(t, join(dir, "app.log")); g != current {
		t.Errorf("app.log holds %q, want %q", g, current)
	}
}

func TestIntervalRotation(t *testing.T) {
	dir := t.TempDir()
	clock := newClock(time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC))
	f := open(t, join(dir, "app.log"), rotate.Options{Interval: time.Hour, Uncompressed: true, Now: clock.Now})

	// An empty file is not rotated: no empty backups.
	clock.Set(time.Date(2026, 11, 21, 11, 30, 0, 0, time.UTC))
	f.Tick()
	write(t, f, "a\n")
	clock.Set(time.Date(2026, 11, 21, 11, 59, 59, 999e6, time.UTC))
	f.Tick()
	write(t, f, "b\n")
	expect(t, dir, nil, "a\nb\n")

	clock.Set(time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC))
	f.Tick()
	write(t, f, "c\n")
	expect(t, dir, map[string]string{"app-2026-11-21T12-00-00.000Z.log": "a\nb\n"}, "c\n")

	// Idle over 13:00 and 14:00: the rotation on the next write is named
	// for 13:00, when its file stopped receiving lines, and the next one
	// is due at 15:00.
	clock.Set(time.Date(2026, 11, 21, 14, 20, 0, 0, time.UTC))
	f.Tick()
	write(t, f, "d\n")
	clock.Set(time.Date(2026, 11, 21, 14, 59, 0, 0, time.UTC))
	f.Tick()
	write(t, f, "e\n")
	clock.Set(time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC))
	f.Tick()
	write(t, f, "f\n")
	expect(t, dir, map[string]string{
		"app-2026-11-21T12-00-00.000Z.log": "a\nb\n",
		"app-2026-11-21T13-00-00.000Z.log": "c\n",
		"app-2026-11-21T15-00-00.000Z.log": "d\ne\n",
	}, "f\n")
}

// TestTimesOfDayAcrossDST: rotations at midnight and noon in New York, over
// the night clocks go forward: the day has 23 hours, and the rotations
// happen at local midnight and noon, not 12 and 24 hours apart.
func TestTimesOfDayAcrossDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, ny) }
	dir := t.TempDir()
	clock := newClock(at(7, 23, 0))
	f := open(t, join(dir, "app.log"), rotate.Options{At: []string{"12:00", "00:00"}, Location: ny, Uncompressed: true, Now: clock.Now})
	write(t, f, "a\n")
	clock.Set(at(8, 0, 0)) // midnight EST = 05:00 UTC
	f.Tick()
	write(t, f, "b\n")
	clock.Set(at(8, 11, 59)) // 02:00-03:00 skipped
	f.Tick()
	write(t, f, "c\n")
	clock.Set(at(8, 12, 0)) // noon EDT = 16:00 UTC, 11 hours after midnight
	f.Tick()
	write(t, f, "d\n")
	clock.Set(at(9, 0, 0)) // midnight EDT = 04:00 UTC
	f.Tick()
	write(t, f, "e\n")
	expect(t, dir, map[string]string{
		"app-2026-03-08T05-00-00.000Z.log": "a\n",
		"app-2026-03-08T16-00-00.000Z.log": "b\nc\n",
		"app-2026-03-09T04-00-00.000Z.log": "d\n",
	}, "e\n")
}

// TestSkippedTimeOfDay: 02:30 does not exist on the spring-forward night;
// the rotation happens once, when the clock jumps over it (03:00 EDT).
func TestSkippedTimeOfDay(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	clock := newClock(time.Date(2026, 3, 8, 1, 0, 0, 0, ny))
	f := open(t, join(dir, "app.log"), rotate.Options{At: []string{"02:30"}, Location: ny, Uncompressed: true, Now: clock.Now})
	write(t, f, "a\n")
	clock.Set(time.Date(2026, 3, 8, 1, 59, 59, 0, ny))
	f.Tick()
	write(t, f, "b\n")
	clock.Set(time.Date(2026, 3, 8, 3, 0, 0, 0, ny))
	f.Tick()
	write(t, f, "c\n")
	clock.Set(time.Date(2026, 3, 8, 23, 0, 0, 0, ny))
	f.Tick()
	write(t, f, "d\n")
	expect(t, dir, map[string]string{"app-2026-03-08T07-00-00.000Z.log": "a\nb\n"}, "c\nd\n")
	// The next day, 02:30 exists again.
	clock.Set(time.Date(2026, 3, 9, 2, 30, 0, 0, ny))
	f.Tick()
	write(t, f, "e\n")
	expect(t, dir, map[string]string{
		"app-2026-03-08T07-00-00.000Z.log": "a\nb\n",
		"app-2026-03-09T06-30-00.000Z.log": "c\nd\n",
	}, "e\n")
}

// TestLocalTimeNames: with LocalTime, names carry Location's time and
// offset, and retention orders them by time even where the names do not
// sort (the hour after the fall-back repeats the hour before it).
func TestLocalTimeNames(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	first := time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)  // 01:30 EDT
	second := time.Date(2026, 11, 1, 6, 10, 0, 0, time.UTC) // 01:10 EST, 40 minutes later
	clock := newClock(first)
	f := open(t, join(dir, "app.log"), rotate.Options{LocalTime: true, Location: ny, MaxBackups: 1, Uncompressed: true, Now: clock.Now})
	write(t, f, "a\n")
	f.Rotate()
	f.Settle()
	expect(t, dir, map[string]string{"app-2026-11-01T01-30-00.000-0400.log": "a\n"}, "")
	clock.Set(second)
	write(t, f, "b\n")
	f.Rotate()
	f.Settle()
	expect(t, dir, map[string]string{"app-2026-11-01T01-10-00.000-0500.log": "b\n"}, "")
}

// TestOverdueAtOpen: a file last written before a rotation time that passed
// while the program was down is rotated by Open, named for that time.
func TestOverdueAtOpen(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "app.log")
	if err := writeFile(path, "yesterday\n"); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2026, 11, 20, 23, 10, 0, 0, time.UTC)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	clock := newClock(t0)
	f := open(t, path, rotate.Options{At: []string{"00:00"}, Location: time.UTC, Uncompressed: true, Now: clock.Now})
	write(t, f, "today\n")
	expect(t, dir, map[string]string{"app-2026-11-21T00-00-00.000Z.log": "yesterday\n"}, "today\n")

	// Reopened the same day: nothing is due, the file is appended to.
	f.Close()
	f = open(t, path, rotate.Options{At: []string{"00:00"}, Location: time.UTC, Uncompressed: true, Now: clock.Now})
	write(t, f, "again\n")
	expect(t, dir, map[string]string{"app-2026-11-21T00-00-00.000Z.log": "yesterday\n"}, "today\nagain\n")
}

// TestTimekeeper: the goroutine sleeps until the next rotation as the clock
// tells it, but never longer than CheckInterval (or a minute without
// one), so a jump of the wall clock is noticed; a rotation time passing
// with no Write rotates the file anyway.
func TestTimekeeper(t *testing.T) {
	dir := t.TempDir()
	clock := newClock(time.Date(2026, 11, 21, 10, 59, 30, 0, time.UTC))
	f := open(t, join(dir, "app.log"), rotate.Options{Interval: time.Hour, CheckInterval: -1, Uncompressed: true, Now: clock.Now})
	write(t, f, "a\n")

	clock.Set(time.Date(2026, 11, 21, 10, 59, 50, 0, time.UTC))
	f.Tick() // early (the clock moved less than the timer): nothing
	expect(t, dir, nil, "a\n")

	clock.Set(time.Date(2026, 11, 21, 11, 0, 0, 0, time.UTC))
	f.Tick()
	f.Settle()
	expect(t, dir, map[string]string{"app-2026-11-21T11-00-00.000Z.log": "a\n"}, "")
	want := []time.Duration{30 * time.Second, 10 * time.Second, time.Minute}
	if !slices.Equal(f.slept, want) {
		t.Errorf("slept %v, want %v", f.slept, want)
	}

	// With a path check, sleeps are CheckInterval at most.
	g := open(t, join(dir, "other.log"), rotate.Options{Interval: time.Hour, CheckInterval: 5 * time.Second, Now: clock.Now})
	clock.Set(time.Date(2026, 11, 21, 11, 59, 58, 0, time.UTC))
	g.Tick()
	if want := []time.Duration{5 * time.Second, 2 * time.Second}; !slices.Equal(g.slept, want) {
		t.Errorf("with a check: slept %v, want %v", g.slept, want)
	}
}

package rotate

import (
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Options configure a File. The zero value is valid: a file that never
// rotates by itself (Reopen and the deleted-file check still work, for an
// external logrotate), with gzipped backups, UTC names, mode 0640.
type Options struct {
	// MaxSize rotates the file before a write that would take it past
	// MaxSize bytes. 0 means no size limit. A single record larger than
	// MaxSize is not cut: it goes alone into a fresh file.
	MaxSize int64

	// Interval rotates the file every Interval, on multiples of Interval
	// since the Unix epoch: 1h rotates on the hour, 15m at :00, :15, :30
	// and :45, 24h at midnight UTC (use At for local midnight). 0 means
	// none; otherwise at least one second.
	Interval time.Duration

	// At rotates the file at these times of day in Location, written
	// "15:04" or "15:04:05". A time that a DST change skips rotates when
	// the clock jumps over it (02:30 on a spring-forward night rotates at
	// 03:00); a time that occurs twice (the end of DST) rotates once.
	// With Interval as well, the earlier of the two wins.
	At []string

	// Location is the time zone of At and, with LocalTime, of backup
	// names. nil means time.Local.
	Location *time.Location

	// MaxBackups keeps at most this many backups, the newest; 0 keeps
	// any number.
	MaxBackups int
	// MaxAge removes backups older than MaxAge, judged by the time in
	// their names against the clock; 0 keeps them whatever their age.
	MaxAge time.Duration
	// MaxTotalSize bounds the total bytes of the backups on disk (after
	// compression), removing the oldest first; the current file, up to
	// MaxSize, comes on top. 0 means no bound.
	MaxTotalSize int64

	// Uncompressed keeps backups as plain files; by default they are
	// compressed with gzip in the background, at gzip's fastest level:
	// JSON access lines with random trace ids shrink 5 to 6× (8× at the
	// default level, for 2.2 times the CPU), lines that repeat more up to
	// 11×. See CompressCPU for what compression may take.
	Uncompressed bool

	// CompressCPU bounds the share of the process's processors
	// (GOMAXPROCS of them) that compressing backups takes while the File
	// is open, so that a burst of rotations does not slow the goroutines
	// that serve: the compressing goroutine pauses between pieces of
	// 256 KiB as long as the share asks. 0 means DefaultCompressCPU, 5 %:
	// with one processor (a 2.5 GHz Xeon) that compresses 3.5 to 8 MB/s
	// of JSON access lines with trace ids (BenchmarkCompress measures the
	// unpaced rate, 70 to 160 MB/s), 20 000 to 40 000 lines a second, and
	// four times that with four. A share that comes to a whole processor or
	// more (1, say) removes the bound. A File that logs faster than its
	// share compresses keeps backups uncompressed until the rate falls
	// (each pass compresses the newest first); retention bounds them all
	// the same, counting their plain size. Close compresses what is left
	// without pausing.
	CompressCPU float64

	// LocalTime writes backup names in Location's time instead of UTC.
	// UTC names sort lexicographically in time order; local names do
	// too except across a change to an earlier UTC offset (the end of
	// DST). Retention reads the times, so it is right either way.
	LocalTime bool

	// FileMode is the permission of a file Open creates, applied exactly
	// (the umask does not narrow it); 0 means 0640. A file that exists is
	// kept as it is, and each new file after a rotation (or a deletion)
	// gets the mode of the file it replaces, and its owner and group when
	// the process may give files away (as root; otherwise chown's EPERM is
	// ignored and the new file belongs to the process). Compressed
	// backups keep their file's mode and owner the same way.
	FileMode fs.FileMode
	// DirMode is the permission of directories Open creates for the file
	// (before the umask); 0 means 0755.
	DirMode fs.FileMode

	// Symlink, if set, is a symbolic link made to point at the file, for
	// tools that want a fixed name elsewhere. A relative Symlink is in
	// the file's directory. It is replaced atomically (a new link under a
	// temporary name, then a rename) by Open and Reopen; Open refuses to
	// replace anything there that is not a symbolic link.
	Symlink string

	// CheckInterval is how often the File's goroutine checks (one stat)
	// that the path still names the open file. When the file was deleted
	// or moved away (logrotate without a SIGHUP), the path is opened
	// again: lines written up to CheckInterval after the change still go
	// to the old file (lost with it, if it was deleted), later ones to the
	// path. When the file was truncated (copytruncate), its size is read
	// again. 0 means one second; negative turns the check off (use
	// Reopen).
	//
	// When the whole directory was deleted, the path check (or the next
	// rotation, or Reopen) makes it again, with DirMode. A backup being
	// compressed at that moment is abandoned, and OnError says so: the
	// compressor still holds the deleted backup open, but it writes only
	// in the directory it found the backup in, and keeps its .gz only if
	// the backup was still there, under its name, when the .gz took its
	// place. So nothing written before the deletion comes back, neither
	// in the new directory nor (for a backup deleted alone) beside it.
	CheckInterval time.Duration

	// Now is the clock, for rotation times, backup names and retention
	// by age; nil means time.Now. It must be safe for concurrent use.
	// Writes do not read it (only to name a backup): a goroutine of the
	// File's sleeps until the next rotation time or path check as Now
	// tells it, at most CheckInterval (or a minute) at a time, and then
	// rotates or checks. So a time rotation happens on time even when no
	// one writes, a line written at the very moment may still go to the
	// old file, and a jump of the wall clock is noticed within
	// CheckInterval. Tests with a fake clock fire that goroutine's timer
	// (export_test.go) rather than sleep.
	Now func() time.Time

	// OnError receives errors that no Write returns: a failed rotation,
	// compression, removal or symlink update, and a compression abandoned
	// because its backup was deleted meanwhile (see CheckInterval). The
	// File keeps going (a rotation that failed is tried again a second
	// later, a compression at the next rotation). nil prints them to
	// standard error. It may be called with the File's lock held, by a
	// Write that rotates or by the File's goroutine: it must be quick and
	// must not call the File.
	OnError func(error)

	// openFile, newTimer and pause replace the file system's open, the
	// idle timer and the compressor's pause in tests (export_test.go);
	// compressing, if set, is called by the compressor at step "opened"
	// (it has opened the backup, not made the temporary) and "renaming"
	// (it has checked that the backup is still there and is about to
	// rename the .gz into place), so that a test can change the directory
	// at those moments.
	openFile    func(name string, flag int, perm fs.FileMode) (file, error)
	newTimer    func(d time.Duration) (<-chan time.Time, func() bool)
	pause       func(d time.Duration, quit <-chan struct{}) bool
	compressing func(backup, step string)
}

// timeOfDay is one entry of Options.At, as seconds after midnight.
type timeOfDay struct{ hour, min, sec int }

// on returns the time a on day y-m-d in loc. When a DST change skips a
// (02:30 on a spring-forward night), the result is the end of the skipped
// hour (03:00), when the clock jumps over a; time.Date alone may land an
// hour early or late.
func (a timeOfDay) on(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, a.hour, a.min, a.sec, 0, loc)
	if h, mi, s := t.Clock(); h == a.hour && mi == a.min && s == a.sec {
		return t
	}
	start, end := t.ZoneBounds()
	if h, mi, s := t.Clock(); h*3600+mi*60+s < a.hour*3600+a.min*60+a.sec {
		return end // t is before the gap; its zone ends where the gap does
	}
	return start
}

// parseTimeOfDay reads "15:04" or "15:04:05".
func parseTimeOfDay(s string) (timeOfDay, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return timeOfDay{}, false
	}
	var v [3]int
	limits := [3]int{23, 59, 59}
	for i, p := range parts {
		if len(p) != 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' {
			return timeOfDay{}, false
		}
		n := int(p[0]-'0')*10 + int(p[1]-'0')
		if n > limits[i] {
			return timeOfDay{}, false
		}
		v[i] = n
	}
	return timeOfDay{v[0], v[1], v[2]}, true
}

// config is Options checked and with defaults filled in.
type config struct {
	Options
	path, dir, base   string // the file; its directory; its name
	prefix, ext       string // backup names are prefix + time + ext
	symlink           string // absolute or relative to the process, "" for none
	at                []timeOfDay
	checkEvery        time.Duration // 0: no path check
	compressCPU       float64       // CompressCPU with its default
	timeRotation      bool
	nameLoc           *time.Location
	fileMode, dirMode fs.FileMode
}

// validate checks opts for path and fills in the defaults. Errors name the
// field, the bad value and what is wanted. Each group of fields is checked
// and filled in by a method of its own, in this order; the first error
// stops it.
func validate(path string, opts Options) (*config, error) {
	c := &config{Options: opts}
	if err := c.setPath(path); err != nil {
		return nil, err
	}
	if err := c.checkMaxSize(); err != nil {
		return nil, err
	}
	if err := c.setSchedule(); err != nil {
		return nil, err
	}
	if err := c.checkRetention(); err != nil {
		return nil, err
	}
	if err := c.setCompressCPU(); err != nil {
		return nil, err
	}
	if err := c.setModes(); err != nil {
		return nil, err
	}
	c.setLocation()
	if err := c.setSymlink(); err != nil {
		return nil, err
	}
	c.setCheckInterval()
	c.setHooks()
	return c, nil
}

// setPath checks the file's path and sets its directory, its name and the
// prefix and extension of its backups' names.
func (c *config) setPath(path string) error {
	if path == "" {
		return fmt.Errorf("rotate: empty path: want the log file's name")
	}
	if strings.HasSuffix(path, string(filepath.Separator)) {
		return fmt.Errorf("rotate: path %q: want a file name, not a directory", path)
	}
	c.path = filepath.Clean(path)
	c.dir, c.base = filepath.Split(c.path)
	if c.dir == "" {
		c.dir = "."
	}
	if c.base == "." || c.base == ".." || c.base == string(filepath.Separator) {
		return fmt.Errorf("rotate: path %q: want a file name, not a directory", path)
	}
	c.ext = filepath.Ext(c.base)
	c.prefix = strings.TrimSuffix(c.base, c.ext) + "-"
	return nil
}

// checkMaxSize checks MaxSize.
func (c *config) checkMaxSize() error {
	if c.Options.MaxSize < 0 {
		return fmt.Errorf("rotate: MaxSize %d: want a size in bytes > 0 (or 0 for no size limit)", c.Options.MaxSize)
	}
	return nil
}

// setSchedule checks the rotation times, Interval and At, and sets the
// times of day of At, sorted and each once.
func (c *config) setSchedule() error {
	if c.Options.Interval < 0 || (c.Options.Interval > 0 && c.Options.Interval < time.Second) {
		return fmt.Errorf("rotate: Interval %v: want at least 1s (or 0 for no interval)", c.Options.Interval)
	}
	for _, s := range c.Options.At {
		tod, ok := parseTimeOfDay(s)
		if !ok {
			return fmt.Errorf("rotate: At %q: want a time of day as \"15:04\" or \"15:04:05\"", s)
		}
		c.at = append(c.at, tod)
	}
	slices.SortFunc(c.at, func(a, b timeOfDay) int {
		return (a.hour*3600 + a.min*60 + a.sec) - (b.hour*3600 + b.min*60 + b.sec)
	})
	c.at = slices.Compact(c.at)
	c.timeRotation = c.Options.Interval > 0 || len(c.at) > 0
	return nil
}

// checkRetention checks the bounds on the backups: MaxBackups, MaxAge and
// MaxTotalSize.
func (c *config) checkRetention() error {
	if c.Options.MaxBackups < 0 {
		return fmt.Errorf("rotate: MaxBackups %d: want a count >= 0 (0 keeps any number)", c.Options.MaxBackups)
	}
	if c.Options.MaxAge < 0 {
		return fmt.Errorf("rotate: MaxAge %v: want a duration >= 0 (0 keeps any age)", c.Options.MaxAge)
	}
	if c.Options.MaxTotalSize < 0 {
		return fmt.Errorf("rotate: MaxTotalSize %d: want a size in bytes >= 0 (0 for no bound)", c.Options.MaxTotalSize)
	}
	return nil
}

// setCompressCPU checks CompressCPU and sets the compressor's share of
// the processors, DefaultCompressCPU for 0.
func (c *config) setCompressCPU() error {
	switch cpu := c.Options.CompressCPU; {
	case !(cpu >= 0) || math.IsInf(cpu, 1):
		return fmt.Errorf("rotate: CompressCPU %v: want a share of the processors >= 0, such as 0.05 (0 for the default, 1 for no bound)", cpu)
	case cpu == 0:
		c.compressCPU = DefaultCompressCPU
	default:
		c.compressCPU = cpu
	}
	return nil
}

// setModes checks FileMode and DirMode and sets the permissions of new
// files (0640 for 0) and directories (0755 for 0).
func (c *config) setModes() error {
	if c.Options.FileMode&^fs.ModePerm != 0 {
		return fmt.Errorf("rotate: FileMode %v: want permission bits only, such as 0640", c.Options.FileMode)
	}
	if c.Options.DirMode&^fs.ModePerm != 0 {
		return fmt.Errorf("rotate: DirMode %v: want permission bits only, such as 0755", c.Options.DirMode)
	}
	c.fileMode, c.dirMode = c.Options.FileMode, c.Options.DirMode
	if c.fileMode == 0 {
		c.fileMode = 0o640
	}
	if c.dirMode == 0 {
		c.dirMode = 0o755
	}
	return nil
}

// setLocation sets the time zone of At (time.Local for nil) and that of
// backup names: UTC, or with LocalTime the Location.
func (c *config) setLocation() {
	if c.Location == nil {
		c.Location = time.Local
	}
	c.nameLoc = time.UTC
	if c.LocalTime {
		c.nameLoc = c.Location
	}
}

// setSymlink checks Symlink and sets the link's path: a relative Symlink
// is in the file's directory (setPath comes first).
func (c *config) setSymlink() error {
	if c.Options.Symlink == "" {
		return nil
	}
	c.symlink = c.Options.Symlink
	if !filepath.IsAbs(c.symlink) {
		c.symlink = filepath.Join(c.dir, c.symlink)
	}
	c.symlink = filepath.Clean(c.symlink)
	if c.symlink == c.path {
		return fmt.Errorf("rotate: Symlink %q: names the log file itself; want another name", c.Options.Symlink)
	}
	return nil
}

// setCheckInterval sets how often the path is checked: every second for
// 0, never for a negative CheckInterval.
func (c *config) setCheckInterval() {
	switch {
	case c.Options.CheckInterval == 0:
		c.checkEvery = time.Second
	case c.Options.CheckInterval > 0:
		c.checkEvery = c.Options.CheckInterval
	}
}

// setHooks fills in the clock, and the file system's open, the idle timer
// and the compressor's pause that tests may replace.
func (c *config) setHooks() {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.openFile == nil {
		c.openFile = openOSFile
	}
	if c.newTimer == nil {
		c.newTimer = func(d time.Duration) (<-chan time.Time, func() bool) {
			t := time.NewTimer(d)
			return t.C, t.Stop
		}
	}
	if c.pause == nil {
		c.pause = sleepUnlessClosed
	}
}

// nextRotation returns the first rotation time strictly after t, or the
// zero time when no time-based rotation is set.
func (c *config) nextRotation(t time.Time) time.Time {
	var next time.Time
	if c.Interval > 0 {
		iv := int64(c.Interval)
		ns := t.UnixNano()
		q := ns / iv
		if ns < 0 && ns%iv != 0 {
			q-- // floor, for clocks before 1970
		}
		next = time.Unix(0, (q+1)*iv)
	}
	if len(c.at) > 0 {
		lt := t.In(c.Location)
		y, m, d := lt.Date()
		for _, a := range c.at {
			cand := a.on(y, m, d, c.Location)
			if !cand.After(t) {
				cand = a.on(y, m, d+1, c.Location)
			}
			if next.IsZero() || cand.Before(next) {
				next = cand
			}
		}
	}
	return next
}

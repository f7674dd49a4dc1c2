package rotate

import (
	"strconv"
	"strings"
	"time"
)

// Backup names. For a file app.log a backup is
//
//	app-2026-11-21T10-00-00.000Z.log      (before compression)
//	app-2026-11-21T10-00-00.000Z.log.gz   (after)
//	app-2026-11-21T10-00-00.000Z_1.log.gz (a second backup in the same millisecond)
//	.app-2026-11-21T10-00-00.000Z.log.gz.tmp (being compressed; hidden from "*" globs)
//
// The time is when the file stopped receiving lines (a size rotation's
// clock time, a time rotation's scheduled time), in UTC with a "Z", or with
// LocalTime in Location's time with its offset ("+0100"). It has no colons,
// so it is a valid name everywhere, and fixed width, so names sort in time
// order; the counter "_N" sorts after the plain name ('_' > '.'), so names
// stay in order up to nine backups in one millisecond, and retention, which
// reads the time and counter, does not depend on the order at all.

// timeLayout is the time in backup names.
const timeLayout = "2006-01-02T15-04-05.000Z0700"

const (
	gzSuffix  = ".gz"
	tmpSuffix = ".tmp"
)

// backup is one rotated file found in the directory.
type backup struct {
	name       string // in the file's directory
	t          time.Time
	seq        int // collision counter, 0 for none
	compressed bool
	size       int64
}

// backupName returns the name of the seq-th backup made at t.
func (c *config) backupName(t time.Time, seq int) string {
	ts := t.In(c.nameLoc).Format(timeLayout)
	if seq > 0 {
		ts += "_" + strconv.Itoa(seq)
	}
	return c.prefix + ts + c.ext
}

// tempName is where the compressed copy of backup is written before it is
// renamed to backup + ".gz".
func tempName(backup string) string { return "." + backup + gzSuffix + tmpSuffix }

// parseBackup reads a directory entry's name as one of this file's backups.
// Names that are not exactly what backupName makes (another file's, a
// user's) are not backups, so retention never touches them.
func (c *config) parseBackup(name string) (backup, bool) {
	rest, ok := strings.CutPrefix(name, c.prefix)
	if !ok {
		return backup{}, false
	}
	b := backup{name: name}
	if r, ok := strings.CutSuffix(rest, c.ext+gzSuffix); ok {
		rest, b.compressed = r, true
	} else if r, ok := strings.CutSuffix(rest, c.ext); ok {
		rest = r
	} else {
		return backup{}, false
	}
	ts, seq, hasSeq := strings.Cut(rest, "_")
	if hasSeq {
		n, err := strconv.Atoi(seq)
		if err != nil || n < 1 || strconv.Itoa(n) != seq {
			return backup{}, false
		}
		b.seq = n
	}
	t, err := time.Parse(timeLayout, ts)
	if err != nil || t.Format(timeLayout) != ts {
		return backup{}, false
	}
	b.t = t
	return b, true
}

// isTemp reports whether name is a compression temporary of this file's.
func (c *config) isTemp(name string) bool {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return false
	}
	rest, ok = strings.CutSuffix(rest, tmpSuffix)
	if !ok {
		return false
	}
	b, ok := c.parseBackup(rest)
	return ok && b.compressed
}

// newer orders backups newest first: by time, then by counter.
func newer(a, b backup) int {
	if c := b.t.Compare(a.t); c != 0 {
		return c
	}
	return b.seq - a.seq
}

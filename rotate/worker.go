package rotate

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// The File's goroutines, started by Open and stopped by Close: the
// housekeeper compresses backups and applies retention after rotations;
// the timekeeper does what is due at a time, so that Writes never read the
// clock. They are two so that compressing a large backup does not delay a
// rotation.

// housekeeper runs housekeep whenever a rotation asks for it, and a last
// time when the File closes.
func (f *File) housekeeper() {
	defer f.wg.Done()
	for {
		select {
		case <-f.quit:
			f.housekeep()
			return
		case <-f.wake:
			f.housekeep()
		case done := <-f.settle:
			f.housekeep()
			close(done)
		}
	}
}

// timekeeper sleeps until the next time rotation or path check and runs
// it. It wakes at least every maxSleep, so that when the wall clock jumps
// (a VM resumed, NTP stepped it) a rotation is late by maxSleep at most:
// the timer runs on the monotonic clock, the schedule on the wall clock.
func (f *File) timekeeper() {
	defer f.wg.Done()
	maxSleep := time.Minute
	if f.c.checkEvery > 0 {
		maxSleep = f.c.checkEvery
	}
	for {
		f.mu.Lock()
		next := f.checkAt
		if f.c.timeRotation {
			next = min(next, max(f.rotateAt, f.retryAt))
		}
		f.mu.Unlock()
		d := min(time.Duration(next-f.c.Now().UnixNano()), maxSleep)
		if d <= 0 {
			d = retryRotation // due but not done (a clock that stands still): never spin
		}
		timer, stop := f.c.newTimer(d)
		select {
		case <-f.quit:
			stop()
			return
		case <-timer:
		}
		f.mu.Lock()
		if !f.closed {
			f.onTime(f.c.Now())
		}
		f.mu.Unlock()
	}
}

// housekeep brings the directory in line with the options: it removes
// compression temporaries (only this goroutine writes them, and it is not
// writing one now), backups that retention drops, and compresses the rest.
// Errors go to OnError; what failed is tried again at the next pass.
func (f *File) housekeep() {
	backups := f.scan(true)
	if f.c.Uncompressed {
		f.prune(backups, true)
		return
	}
	// The total size is judged after compression, which shrinks it.
	backups = f.prune(backups, false)
	for i, b := range backups {
		if b.compressed {
			continue
		}
		size, err := f.compress(b)
		if err != nil {
			f.report(err) // counted at its plain size below
			continue
		}
		backups[i].name += gzSuffix
		backups[i].compressed, backups[i].size = true, size
	}
	// Backups made since the scan wait for the next pass: counted before
	// compression, they would push older ones out early.
	f.prune(backups, true)
}

// scan lists the backups in the directory, newest first, removing
// compression temporaries if sweep is set.
func (f *File) scan(sweep bool) []backup {
	entries, err := os.ReadDir(f.c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed under us; the next Write makes it again
	}
	if err != nil {
		f.report(fmt.Errorf("rotate: list backups: %w", err))
		return nil
	}
	var backups []backup
	for _, e := range entries {
		name := e.Name()
		if sweep && f.c.isTemp(name) {
			if err := os.Remove(filepath.Join(f.c.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				f.report(fmt.Errorf("rotate: remove temporary: %w", err))
			}
			continue
		}
		b, ok := f.c.parseBackup(name)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed since the listing
		}
		b.size = info.Size()
		backups = append(backups, b)
	}
	slices.SortFunc(backups, newer)
	return backups
}

// prune removes the backups that MaxBackups, MaxAge and (with total set)
// MaxTotalSize drop from backups (newest first) and returns the others.
func (f *File) prune(backups []backup, total bool) []backup {
	var cutoff time.Time
	if f.c.MaxAge > 0 {
		cutoff = f.c.Now().Add(-f.c.MaxAge)
	}
	var sum int64
	kept := backups[:0]
	for i, b := range backups {
		sum += b.size
		drop := (f.c.MaxBackups > 0 && i >= f.c.MaxBackups) ||
			(f.c.MaxAge > 0 && b.t.Before(cutoff)) ||
			(total && f.c.MaxTotalSize > 0 && sum > f.c.MaxTotalSize)
		if !drop {
			kept = append(kept, b)
			continue
		}
		if err := os.Remove(filepath.Join(f.c.dir, b.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			f.report(fmt.Errorf("rotate: remove old backup: %w", err))
		}
	}
	return kept
}

// compress writes b's gzipped copy under a temporary name, syncs it and
// renames it to b.name + ".gz", so that whoever sees a .gz sees all of it;
// then it removes b and returns the .gz's size. The copy keeps b's mode,
// owner and modification time.
func (f *File) compress(b backup) (size int64, err error) {
	src := filepath.Join(f.c.dir, b.name)
	tmp := filepath.Join(f.c.dir, tempName(b.name))
	defer func() {
		if err != nil {
			os.Remove(tmp)
			err = fmt.Errorf("rotate: compress %s: %w (left uncompressed, trying again at the next rotation)", src, err)
		}
	}()
	in, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil // removed since the scan, by someone else
	}
	if err != nil {
		return 0, err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return 0, err
	}
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return 0, err
	}
	defer out.Close()
	if err := out.Chmod(info.Mode().Perm()); err != nil { // past the umask
		return 0, err
	}
	if uid, gid := owner(info); uid >= 0 {
		if err := out.Chown(uid, gid); err != nil && !errors.Is(err, fs.ErrPermission) {
			return 0, err
		}
	}
	gz := gzipPool.Get().(*gzipper)
	defer gzipPool.Put(gz)
	zw := gz.w
	zw.Reset(out)
	zw.Name, zw.ModTime = b.name, info.ModTime()
	pace := f.newPacer()
	for {
		start := pace.now()
		n, rerr := io.ReadFull(in, gz.chunk[:])
		if n > 0 {
			if _, err := zw.Write(gz.chunk[:n]); err != nil {
				return 0, err
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return 0, rerr
		}
		pace.worked(pace.now().Sub(start))
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	if err := out.Sync(); err != nil {
		return 0, err
	}
	zinfo, err := out.Stat()
	if err != nil {
		return 0, err
	}
	if err := out.Close(); err != nil {
		return 0, err
	}
	if err := os.Chtimes(tmp, info.ModTime(), info.ModTime()); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, src+gzSuffix); err != nil {
		return 0, err
	}
	if err := os.Remove(src); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	return zinfo.Size(), nil
}

// gzipper is a gzip writer with its read buffer. They are pooled: a writer
// holds a megabyte of compressor tables, which a burst of rotations reuses
// and an idle process gives back to the garbage collector.
type gzipper struct {
	w     *gzip.Writer
	chunk [256 << 10]byte // what is read of a backup at a time, between pauses
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed) // a valid level: no error
	return &gzipper{w: w}
}}

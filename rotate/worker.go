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
//
// The whole pass works through one handle on the directory, opened at its
// start: every name it reads, writes, renames or removes is looked up in
// the directory it listed, never in one made again at the path since. So
// when the directory is deleted during the pass (and the File makes it
// again for its next lines), a backup being compressed cannot come back as
// a .gz in the new directory, and retention cannot remove the new
// directory's files by the old one's names: in a deleted directory every
// such operation fails with "no such file" (issue 13).
func (f *File) housekeep() {
	root, err := os.OpenRoot(f.c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return // removed under us; the next Write makes it again
	}
	if err != nil {
		f.report(fmt.Errorf("rotate: list backups: %w", err))
		return
	}
	defer root.Close()
	backups := f.scan(root, true)
	if f.c.Uncompressed {
		f.prune(root, backups, true)
		return
	}
	// The total size is judged after compression, which shrinks it.
	backups = f.prune(root, backups, false)
	kept := backups[:0]
	for _, b := range backups {
		if !b.compressed {
			size, err := f.compress(root, b)
			switch {
			case err == nil:
				b.name += gzSuffix
				b.compressed, b.size = true, size
			case errors.Is(err, errNoBackup):
				continue // removed since the scan: nothing was begun
			case errors.Is(err, errRemoved):
				f.report(err) // abandoned: it is not on disk any more
				continue
			default:
				f.report(err) // counted at its plain size below
			}
		}
		kept = append(kept, b)
	}
	// Backups made since the scan wait for the next pass: counted before
	// compression, they would push older ones out early.
	f.prune(root, kept, true)
}

// scan lists the backups in root, the File's directory, newest first,
// removing compression temporaries if sweep is set.
func (f *File) scan(root *os.Root, sweep bool) []backup {
	entries, err := fs.ReadDir(root.FS(), ".")
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
			if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				f.report(fmt.Errorf("rotate: remove temporary: %w", err))
			}
			continue
		}
		b, ok := f.c.parseBackup(name)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		// In root, not by path as e.Info would: the path may name another
		// directory by now.
		info, err := root.Lstat(name)
		if err != nil {
			continue // removed since the listing
		}
		b.size = info.Size()
		backups = append(backups, b)
	}
	slices.SortFunc(backups, newer)
	return backups
}

// prune removes from root the backups that MaxBackups, MaxAge and (with
// total set) MaxTotalSize drop from backups (newest first) and returns the
// others.
func (f *File) prune(root *os.Root, backups []backup, total bool) []backup {
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
		if err := root.Remove(b.name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			f.report(fmt.Errorf("rotate: remove old backup: %w", err))
		}
	}
	return kept
}

var (
	// errNoBackup: the backup was gone before its compression began.
	errNoBackup = errors.New("backup removed since the listing")
	// errRemoved: the backup, or its directory, was deleted while it was
	// being compressed; its .gz is not made (or is taken back).
	errRemoved = errors.New("removed while it was being compressed (deleted, or its directory was); compression abandoned, no .gz kept")
)

// compress writes b's gzipped copy under a temporary name in root (the
// directory b was listed in), syncs it and renames it to b.name + ".gz",
// so that whoever sees a .gz sees all of it; then it removes b and returns
// the .gz's size. The copy keeps b's mode, owner and modification time.
//
// A backup deleted while it is compressed stays deleted: compress reads
// it through a descriptor, which outlives the deletion, but writes only in
// root, so a directory deleted and made again at the path never gets the
// copy (creating, renaming in a deleted directory fails); and before the
// rename it checks that b's name still holds the file it read, so a
// backup deleted alone (or replaced) gets no .gz either. A deletion
// between that check and the rename is caught after it: the removal of b
// then finds nothing, and the .gz is removed again, so it is visible for
// that moment only. The error is then errRemoved, for OnError.
func (f *File) compress(root *os.Root, b backup) (size int64, err error) {
	src := filepath.Join(f.c.dir, b.name) // for messages
	tmp := tempName(b.name)
	var info fs.FileInfo // of the backup, once it is open
	defer func() {
		switch {
		case err == nil || errors.Is(err, errNoBackup):
		case errors.Is(err, errRemoved) || (info != nil && removed(root, b.name, info)):
			root.Remove(tmp)
			err = fmt.Errorf("rotate: compress %s: %w", src, errRemoved)
		default:
			root.Remove(tmp)
			err = fmt.Errorf("rotate: compress %s: %w (left uncompressed, trying again at the next rotation)", src, err)
		}
	}()
	in, err := root.Open(b.name)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, errNoBackup // removed since the scan, by someone else
	}
	if err != nil {
		return 0, err
	}
	defer in.Close()
	if info, err = in.Stat(); err != nil {
		return 0, err
	}
	if f.c.compressing != nil {
		f.c.compressing(b.name, "opened")
	}
	out, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
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
	if err := root.Chtimes(tmp, info.ModTime(), info.ModTime()); err != nil {
		return 0, err
	}
	if removed(root, b.name, info) {
		return 0, errRemoved
	}
	if f.c.compressing != nil {
		f.c.compressing(b.name, "renaming")
	}
	if err := root.Rename(tmp, b.name+gzSuffix); err != nil {
		return 0, err
	}
	if err := root.Remove(b.name); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// Deleted since the check: the deletion stands.
			root.Remove(b.name + gzSuffix)
			return 0, errRemoved
		}
		return 0, err
	}
	return zinfo.Size(), nil
}

// removed reports whether name in root no longer holds the file of info:
// it was deleted (alone, or with the directory) or replaced.
func removed(root *os.Root, name string, info fs.FileInfo) bool {
	now, err := root.Lstat(name)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	return !os.SameFile(now, info)
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

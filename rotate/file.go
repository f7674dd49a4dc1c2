package rotate

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logweave/logweave/stats"
)

// file is what a File writes to: an *os.File, or a stand-in in tests.
type file interface {
	io.WriteCloser
	Stat() (fs.FileInfo, error)
	Truncate(size int64) error
	Chmod(mode fs.FileMode) error
	Chown(uid, gid int) error
	Sync() error
}

func openOSFile(name string, flag int, perm fs.FileMode) (file, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// retryRotation is how long a File waits before trying again a rotation
// that failed (a rename refused, say), so a persistent failure costs one
// attempt a second rather than one per Write.
const retryRotation = time.Second

// File is a log file that rotates itself: an io.WriteCloser safe for
// concurrent use. Each Write is one record and goes whole into one file,
// in the order of the Writes; a rotation happens between two Writes,
// never inside one. Make one with Open.
//
// A Write takes a lock, compares the size with MaxSize, and writes with
// one write system call to a file opened with O_APPEND: it reads no clock
// and allocates nothing. Rotation renames the file to a backup, opens a
// new one with the old one's mode and owner, and hands the backup to the
// File's housekeeping goroutine, which compresses it and applies retention
// while writes go on; a second goroutine does what is due at a time (time
// rotations, the path check of Options.CheckInterval).
//
// A failed Write returns the error and is counted (write_errors_total);
// when the disk is full, a record written only in part is cut off again,
// so the file never holds half a line, and writing resumes as soon as
// there is room. One process writes a File's path: two Files (or two
// processes) on one path rotate each other's lines away.
type File struct {
	c *config

	mu       sync.Mutex
	f        file        // nil after a failed open: the next Write opens again
	info     fs.FileInfo // of f, to see that the path still names it
	mode     fs.FileMode // permission and owner for the next new file
	uid, gid int         // -1: leave the owner as created
	size     int64       // bytes in f that hold whole records
	dirty    bool        // f has a partial record after size: cut it first
	regular  bool        // f is a regular file, so it can be cut
	closed   bool
	rotateAt int64 // Unix ns of the next time rotation, or never
	checkAt  int64 // Unix ns of the next path check, or never
	retryAt  int64 // Unix ns before which a failed rotation is not retried

	rotations   atomic.Uint64
	writeErrors atomic.Uint64

	closedErr error

	wake   chan struct{}      // a rotation happened: compress, prune
	settle chan chan struct{} // tests: run a pass and say when done
	quit   chan struct{}      // closed by Close: goroutines, stop
	wg     sync.WaitGroup     // the goroutines
}

const never = int64(^uint64(0) >> 1)

// Open opens (or creates, with its directories) the log file at path for
// appending and starts the File's goroutines, which Close stops. A file
// already there is kept and appended to; when a time rotation is set and
// the file's last write is from before the latest scheduled rotation (the
// program was down over it), it is rotated at once. Open also removes
// compression temporaries left by a crash, compresses backups left
// uncompressed, and applies retention.
func Open(path string, opts Options) (*File, error) {
	c, err := validate(path, opts)
	if err != nil {
		return nil, err
	}
	f := &File{
		c:         c,
		mode:      c.fileMode,
		uid:       -1,
		gid:       -1,
		rotateAt:  never,
		checkAt:   never,
		closedErr: fmt.Errorf("rotate: %s: %w", c.path, os.ErrClosed),
		wake:      make(chan struct{}, 1),
		settle:    make(chan chan struct{}),
		quit:      make(chan struct{}),
	}
	if err := os.MkdirAll(c.dir, c.dirMode); err != nil {
		return nil, fmt.Errorf("rotate: create directory: %w", err)
	}
	if c.symlink != "" {
		if err := f.checkSymlink(); err != nil {
			return nil, err
		}
	}
	if err := f.openLocked(); err != nil {
		return nil, err
	}
	if c.symlink != "" {
		f.updateSymlink()
	}
	now := c.Now()
	if c.timeRotation {
		last := now
		if f.size > 0 {
			last = f.info.ModTime()
		}
		f.rotateAt = c.nextRotation(last).UnixNano()
		if f.size > 0 && f.rotateAt <= now.UnixNano() {
			f.rotateLocked(time.Unix(0, f.rotateAt), now)
		}
	}
	if c.checkEvery > 0 {
		f.checkAt = now.Add(c.checkEvery).UnixNano()
	}
	select {
	case f.wake <- struct{}{}: // the first pass tidies up after earlier runs
	default: // a rotation in Open asked for it already
	}
	f.wg.Add(1)
	go f.housekeeper()
	if c.timeRotation || c.checkEvery > 0 {
		f.wg.Add(1)
		go f.timekeeper()
	}
	return f, nil
}

// Write writes p, one record, to the current file, rotating first when p
// would take the file past MaxSize (time rotations happen apart from
// Writes, in the File's goroutine). A record is never cut: on an error the
// part written is removed again (see File).
func (f *File) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		f.writeErrors.Add(1)
		return 0, f.closedErr
	}
	if f.c.MaxSize > 0 && f.size > 0 && f.size+int64(len(p)) > f.c.MaxSize {
		f.rotateForSize()
	}
	if f.f == nil || f.dirty {
		if err := f.recoverLocked(); err != nil {
			f.writeErrors.Add(1)
			return 0, err
		}
	}
	n, err := f.f.Write(p)
	if err != nil {
		return f.failed(n, err)
	}
	f.size += int64(n)
	return n, nil
}

// failed handles a Write that wrote n bytes of a record and then err: it
// counts the error and cuts the partial record off, so the next record
// starts on a line of its own.
func (f *File) failed(n int, err error) (int, error) {
	f.writeErrors.Add(1)
	if n == 0 || !f.regular {
		f.size += int64(n)
		return n, err
	}
	if terr := f.f.Truncate(f.size); terr != nil {
		f.dirty = true // cut before the next write
		return n, err
	}
	return 0, err
}

// recoverLocked opens the file again after a failed open, or cuts off a
// partial record that an earlier failed write left.
func (f *File) recoverLocked() error {
	if f.f == nil {
		return f.openLocked()
	}
	if err := f.f.Truncate(f.size); err != nil {
		return fmt.Errorf("rotate: cut a partly written record from %s: %w", f.c.path, err)
	}
	f.dirty = false
	return nil
}

// onTime runs what the clock says is due: a time rotation, a path check.
func (f *File) onTime(t time.Time) {
	now := t.UnixNano()
	if f.c.timeRotation && now >= f.rotateAt && now >= f.retryAt {
		if f.size > 0 {
			f.rotateLocked(time.Unix(0, f.rotateAt), t)
		} else {
			// Nothing to keep: no empty backup, just the next time.
			f.rotateAt = f.c.nextRotation(t).UnixNano()
		}
	}
	if f.c.checkEvery > 0 && now >= f.checkAt {
		f.checkPath()
		f.checkAt = now + int64(f.c.checkEvery)
	}
}

// rotateForSize rotates before a write that would pass MaxSize, unless a
// rotation failed less than retryRotation ago.
func (f *File) rotateForSize() {
	now := f.c.Now()
	if now.UnixNano() < f.retryAt {
		return
	}
	f.rotateLocked(now, now)
}

// rotateLocked moves the current file to a backup named for at (when it
// stopped receiving lines) and opens a new one. Its errors go to OnError:
// when the rename fails the File keeps writing to the current file and
// tries again after retryRotation; when only the new open fails, Writes
// return that error until an open succeeds.
func (f *File) rotateLocked(at, now time.Time) {
	if f.f == nil {
		return // nothing open to rotate; the next Write opens
	}
	name, err := f.freeBackupName(at)
	if err == nil {
		err = os.Rename(f.c.path, filepath.Join(f.c.dir, name))
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		f.retryAt = now.Add(retryRotation).UnixNano()
		f.report(fmt.Errorf("rotate: rotate %s: %w (writing on to it, trying again in %v)", f.c.path, err, retryRotation))
		return
	}
	// Renamed, or the path was deleted under us: either way the lines so
	// far are where they will stay, and the path gets a new file.
	f.retryAt = 0
	if f.c.timeRotation {
		f.rotateAt = f.c.nextRotation(now).UnixNano()
	}
	if err == nil {
		f.rotations.Add(1)
	}
	f.closeCurrent()
	if err := f.openLocked(); err != nil {
		f.report(err)
	}
	select {
	case f.wake <- struct{}{}:
	default: // a pass is already due; it will see this backup too
	}
}

// freeBackupName returns a backup name for at that no file has, with a
// counter after the time if at's millisecond is taken.
func (f *File) freeBackupName(at time.Time) (string, error) {
	for seq := 0; seq < 1000; seq++ {
		name := f.c.backupName(at, seq)
		if !f.exists(name) && !f.exists(name+gzSuffix) && !f.exists(tempName(name)) {
			return name, nil
		}
	}
	return "", fmt.Errorf("no free backup name for %v", at)
}

func (f *File) exists(name string) bool {
	_, err := os.Lstat(filepath.Join(f.c.dir, name))
	return !errors.Is(err, fs.ErrNotExist)
}

// closeCurrent closes the open file, reporting a failure (the data was
// written; a close error can only mean it did not reach the disk).
func (f *File) closeCurrent() {
	if f.f == nil {
		return
	}
	if err := f.f.Close(); err != nil {
		f.report(fmt.Errorf("rotate: close %s: %w", f.c.path, err))
	}
	f.f, f.info, f.size = nil, nil, 0
}

// openLocked opens the path for appending. A file it creates gets the mode
// and owner of the one it replaces (at first, Options.FileMode and the
// process's owner), set explicitly so the umask does not change them.
func (f *File) openLocked() error {
	const flags = os.O_WRONLY | os.O_APPEND
	fl, err := f.c.openFile(f.c.path, flags|os.O_CREATE|os.O_EXCL, f.mode)
	if errors.Is(err, fs.ErrNotExist) {
		// The directory went away (or never was): make it again.
		if merr := os.MkdirAll(f.c.dir, f.c.dirMode); merr == nil {
			fl, err = f.c.openFile(f.c.path, flags|os.O_CREATE|os.O_EXCL, f.mode)
		}
	}
	created := err == nil
	if errors.Is(err, fs.ErrExist) {
		fl, err = f.c.openFile(f.c.path, flags, f.mode)
	}
	if err != nil {
		return fmt.Errorf("rotate: %w", err) // "open <path>: <why>"
	}
	if created {
		if err := fl.Chmod(f.mode); err != nil {
			f.report(fmt.Errorf("rotate: chmod %s: %w", f.c.path, err))
		}
		if f.uid >= 0 {
			// As root the new file gets the old one's owner; anyone else
			// may not give files away (EPERM), and keeps their own.
			if err := fl.Chown(f.uid, f.gid); err != nil && !errors.Is(err, fs.ErrPermission) {
				f.report(fmt.Errorf("rotate: chown %s: %w", f.c.path, err))
			}
		}
	}
	info, err := fl.Stat()
	if err != nil {
		fl.Close()
		return fmt.Errorf("rotate: %w", err)
	}
	f.f, f.info = fl, info
	f.size, f.dirty = info.Size(), false
	f.regular = info.Mode().IsRegular()
	f.mode = info.Mode().Perm()
	f.uid, f.gid = owner(info)
	return nil
}

// checkPath sees whether the path still names the open file: if it was
// deleted or moved away, the path is opened (created) again; if the file
// was truncated under us, the size is read again.
func (f *File) checkPath() {
	info, err := os.Stat(f.c.path)
	switch {
	case err == nil && f.info != nil && os.SameFile(info, f.info):
		if info.Size() < f.size {
			f.size = info.Size() // copytruncate: O_APPEND writes at the new end
		}
	case err == nil || errors.Is(err, fs.ErrNotExist):
		f.closeCurrent()
		if err := f.openLocked(); err != nil {
			f.report(err)
		}
	default:
		f.report(fmt.Errorf("rotate: check %s: %w", f.c.path, err))
	}
}

// Reopen closes the file and opens its path again, creating it if needed:
// call it on SIGHUP after an external tool (logrotate) moved the file, so
// lines go to the new file at once rather than after CheckInterval.
func (f *File) Reopen() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return f.closedErr
	}
	f.closeCurrent()
	if err := f.openLocked(); err != nil {
		return err
	}
	if f.c.symlink != "" {
		f.updateSymlink()
	}
	return nil
}

// Rotate rotates the file now, whatever its size and the time (an empty
// file is not rotated). Errors go to OnError as for automatic rotations;
// Rotate returns an error only when the File is closed.
func (f *File) Rotate() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return f.closedErr
	}
	if f.size > 0 {
		now := f.c.Now()
		f.rotateLocked(now, now)
	}
	return nil
}

// Sync commits the current file's contents to stable storage.
func (f *File) Sync() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return f.closedErr
	}
	if f.f == nil {
		return nil
	}
	return f.f.Sync()
}

// Close closes the file, finishes the compression and retention due (so
// no temporary is left), and stops the File's goroutines before it returns.
// Writes after Close return an error wrapping os.ErrClosed, and so does a
// second Close.
func (f *File) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return f.closedErr
	}
	f.closed = true
	var err error
	if f.f != nil {
		err = f.f.Close()
		f.f = nil
	}
	f.mu.Unlock()
	close(f.quit)
	f.wg.Wait()
	if err != nil {
		return fmt.Errorf("rotate: close %s: %w", f.c.path, err)
	}
	return nil
}

// AppendCounters implements stats.Source: rotations_total counts the
// rotations, write_errors_total the Writes that returned an error
// (including those after Close).
func (f *File) AppendCounters(dst []stats.Counter) []stats.Counter {
	return append(dst,
		stats.Counter{Name: stats.RotationsTotal, Count: f.rotations.Load()},
		stats.Counter{Name: stats.WriteErrorsTotal, Count: f.writeErrors.Load()},
	)
}

// report hands an error no Write returns to OnError.
func (f *File) report(err error) {
	if f.c.OnError != nil {
		f.c.OnError(err)
		return
	}
	fmt.Fprintln(os.Stderr, err)
}

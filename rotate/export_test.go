package rotate

import (
	"io/fs"
	"time"
)

// OSFile is what a File writes to, for stand-ins in tests.
type OSFile = file

// OpenOSFile is the default open.
var OpenOSFile = openOSFile

// WithOpenFile returns opts with open in place of the file system's.
func WithOpenFile(opts Options, open func(name string, flag int, perm fs.FileMode) (OSFile, error)) Options {
	opts.openFile = open
	return opts
}

// WithTimer returns opts with newTimer in place of the idle timer.
func WithTimer(opts Options, newTimer func(time.Duration) (<-chan time.Time, func() bool)) Options {
	opts.newTimer = newTimer
	return opts
}

// WithPause returns opts with pause in place of the compressor's pause
// between pieces of a backup.
func WithPause(opts Options, pause func(d time.Duration, quit <-chan struct{}) bool) Options {
	opts.pause = pause
	return opts
}

// WithCompressing returns opts with hook called by the compressor at each
// step of a backup's compression: "opened" (the backup is open, the
// temporary not made yet) and "renaming" (the backup was checked to be
// still there; the .gz is renamed into place next).
func WithCompressing(opts Options, hook func(backup, step string)) Options {
	opts.compressing = hook
	return opts
}

// Settle waits until the File's goroutine has made a pass over the
// directory (compression, retention) that started after the call.
func (f *File) Settle() {
	done := make(chan struct{})
	select {
	case f.settle <- done:
		<-done
	case <-f.quit:
	}
}

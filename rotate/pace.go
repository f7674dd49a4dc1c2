package rotate

import (
	"runtime"
	"time"
)

// DefaultCompressCPU is the share of the process's processors that
// compressing backups may take when Options.CompressCPU is 0.
const DefaultCompressCPU = 0.05

// minPause is the shortest pause a pacer sleeps: shorter waits are left to
// add up, so that the compressor does not wake the scheduler for nothing.
const minPause = time.Millisecond

// maxPause is the longest a pacer sleeps at once (a tiny share asks for
// more, and gets it in pieces).
const maxPause = time.Minute

// pacer keeps a goroutine's running time under a share of the time that
// passes, so that background work (compressing a backup) leaves the
// processors to the goroutines that serve: after each piece of work it
// pauses until the work done so far, divided by the share, fits in the
// time since the start. Work is measured on the monotonic wall clock, so
// time the goroutine spent waiting for a processor counts as work and the
// share is never exceeded, only undershot.
type pacer struct {
	share float64 // of one processor, in (0, 1); 0 means no pauses
	now   func() time.Time
	// pause sleeps d; it returns false when woken early because the File
	// is closing, after which the pacer no longer pauses.
	pause func(d time.Duration) bool
	start time.Time
	busy  time.Duration
}

// newPacer paces f's compression, by Options.CompressCPU of GOMAXPROCS
// processors, until Close; Close's last pass runs unpaced, since nothing
// writes any more.
func (f *File) newPacer() *pacer {
	share := f.c.compressCPU * float64(runtime.GOMAXPROCS(0))
	p := &pacer{now: time.Now, pause: func(d time.Duration) bool { return f.c.pause(d, f.quit) }}
	if share < 1 && !f.closing() {
		p.share = share
	}
	p.start = p.now()
	return p
}

// worked adds d, the time of one piece of work, and pauses as long as the
// share asks.
func (p *pacer) worked(d time.Duration) {
	if p.share == 0 {
		return
	}
	p.busy += d
	// In floating point, so that a tiny share cannot overflow a Duration.
	wait := float64(p.busy)/p.share - float64(p.now().Sub(p.start))
	if wait >= float64(minPause) && !p.pause(time.Duration(min(wait, float64(maxPause)))) {
		p.share = 0
	}
}

// sleepUnlessClosed is the default pause: it sleeps d unless quit is
// closed first, and reports whether it slept all of d.
func sleepUnlessClosed(d time.Duration, quit <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-quit:
		return false
	}
}

// closing reports whether Close has been called.
func (f *File) closing() bool {
	select {
	case <-f.quit:
		return true
	default:
		return false
	}
}

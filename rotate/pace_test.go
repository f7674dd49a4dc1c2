package rotate

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// fakePace is a clock that moves only by the work and pauses a test
// reports to a pacer, and the pauses it asked for.
type fakePace struct {
	t      time.Time
	paused []time.Duration
	wake   bool // what pause answers: false as if Close woke it
}

func (c *fakePace) now() time.Time { return c.t }

func (c *fakePace) pause(d time.Duration) bool {
	c.paused = append(c.paused, d)
	c.t = c.t.Add(d)
	return c.wake
}

// TestPacerShare: a pacer keeps running time at its share of the elapsed
// time, pauses under minPause are left to add up, and once a pause is cut
// short (the File is closing) it pauses no more.
func TestPacerShare(t *testing.T) {
	c := &fakePace{t: time.Unix(0, 0), wake: true}
	p := &pacer{share: 0.05, now: c.now, pause: c.pause, start: c.t}
	work := func(d time.Duration) {
		c.t = c.t.Add(d)
		p.worked(d)
	}
	work(10 * time.Microsecond) // 190µs of pause due: under minPause
	if len(c.paused) != 0 {
		t.Fatalf("paused %v after 10µs of work, want no pause under %v", c.paused, minPause)
	}
	work(990 * time.Microsecond) // 1ms in all: 19ms of pause due
	if len(c.paused) != 1 || c.paused[0] != 19*time.Millisecond {
		t.Fatalf("paused %v after 1ms of work at 5%%, want [19ms]", c.paused)
	}
	for range 100 {
		work(time.Millisecond)
	}
	if busy, elapsed := p.busy, c.t.Sub(p.start); busy != 101*time.Millisecond || elapsed != 20*busy {
		t.Errorf("%v of work in %v, want 101ms in 20 times that", busy, elapsed)
	}

	// Time spent off the processor counts as work: waiting longer than the
	// share asks leaves nothing to pause.
	n := len(c.paused)
	c.t = c.t.Add(time.Second)
	work(time.Millisecond)
	if len(c.paused) != n {
		t.Errorf("paused %v after a second of waiting, want no pause", c.paused[n:])
	}

	c.wake = false
	work(100 * time.Millisecond)
	work(100 * time.Millisecond)
	if got := len(c.paused) - n; got != 1 || p.share != 0 {
		t.Errorf("%d pauses after one was cut short (share %v), want 1 and no share", got, p.share)
	}
}

// TestPacerTinyShare: a share too small to pause for in one Duration
// pauses for maxPause at a time.
func TestPacerTinyShare(t *testing.T) {
	c := &fakePace{t: time.Unix(0, 0), wake: true}
	p := &pacer{share: 1e-300, now: c.now, pause: c.pause, start: c.t}
	c.t = c.t.Add(time.Millisecond)
	p.worked(time.Millisecond)
	if len(c.paused) != 1 || c.paused[0] != maxPause {
		t.Errorf("paused %v, want [%v]", c.paused, maxPause)
	}
}

// TestPacerShareOfProcessors: CompressCPU is a share of GOMAXPROCS
// processors, and one that comes to a whole processor does not pause.
func TestPacerShareOfProcessors(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	for _, tc := range []struct {
		opt  float64
		want float64
	}{
		{0, DefaultCompressCPU * float64(procs)},
		{0.01, 0.01 * float64(procs)},
		{1.5 / float64(procs), 0}, // a processor and a half: no bound
		{1, 0},
		{5, 0},
	} {
		c, err := validate("/var/log/app.log", Options{CompressCPU: tc.opt})
		if err != nil {
			t.Fatal(err)
		}
		f := &File{c: c, quit: make(chan struct{})}
		if got := f.newPacer().share; got != tc.want {
			t.Errorf("CompressCPU %v with %d processors: share %v of one, want %v", tc.opt, procs, got, tc.want)
		}
		close(f.quit)
		if got := f.newPacer().share; got != 0 {
			t.Errorf("CompressCPU %v after Close: share %v, want no pauses", tc.opt, got)
		}
	}
}

// accessLines returns size bytes (or a line more) of JSON access lines as
// a service writes them, with random trace and span ids (which do not
// compress) and varied values.
func accessLines(size int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	paths := []string{"/api/v1/users/%d/orders", "/api/v1/items/%d", "/healthz", "/api/v2/cart/%d/checkout"}
	msgs := []string{"request completed", "cache miss", "db query", "payment authorized"}
	var b []byte
	for len(b) < size {
		b = fmt.Appendf(b, `{"time":"2026-11-21T10:%02d:%02d.%03dZ","level":"INFO","msg":%q,"service.name":"checkout",`+
			`"trace_id":"%016x%016x","span_id":"%016x","http.request.method":"GET","url.path":"`+paths[r.IntN(4)]+`",`+
			`"http.response.status_code":%d,"http.server.request.duration":%.6f,"client.address":"10.%d.%d.%d"}`+"\n",
			r.IntN(60), r.IntN(60), r.IntN(1000), msgs[r.IntN(4)], r.Uint64(), r.Uint64(), r.Uint64(), r.IntN(100000),
			[]int{200, 200, 200, 404, 500}[r.IntN(5)], r.Float64()/10, r.IntN(256), r.IntN(256), r.IntN(256))
	}
	return b
}

// BenchmarkCompress compresses a 10 MB backup of access lines the way the
// File's goroutine does, unpaced: MB/s here times CompressCPU is what a
// paced File compresses per processor (Options.CompressCPU's 3.5 to
// 8 MB/s are 5 % of this on a 2.5 GHz Xeon, quiet or loaded: the read and
// the gzip count, the fsync and rename barely). It reports the ratio too.
func BenchmarkCompress(b *testing.B) {
	dir := b.TempDir()
	c, err := validate(filepath.Join(dir, "app.log"), Options{CompressCPU: 1, OnError: func(err error) { b.Error(err) }})
	if err != nil {
		b.Fatal(err)
	}
	f := &File{c: c, quit: make(chan struct{})}
	data := accessLines(10 << 20)
	bk := backup{name: c.backupName(time.Unix(0, 0), 0)}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	b.SetBytes(int64(len(data)))
	var size int64
	for b.Loop() {
		b.StopTimer()
		writeSynced(b, filepath.Join(dir, bk.name), data) // so compress's fsync is its own
		b.StartTimer()
		if size, err = f.compress(root, bk); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data))/float64(size), "ratio")
}

// writeSynced writes data to a new file at path and commits it to disk.
func writeSynced(tb testing.TB, path string, data []byte) {
	out, err := os.Create(path)
	if err == nil {
		_, err = out.Write(data)
		err = errors.Join(err, out.Sync(), out.Close())
	}
	if err != nil {
		tb.Fatal(err)
	}
}

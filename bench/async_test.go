package bench

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/logweave/logweave/async"
	plog "github.com/phuslu/log"
	"github.com/rs/zerolog/diode"
)

// asyncRecord is one 200-byte log line, the record of the bar.
var asyncRecord = func() []byte {
	line := []byte(`{"time":"2026-11-21T10:22:33.123Z","level":"INFO","msg":"request completed","service.name":"bench",` +
		`"http.request.method":"GET","url.path":"/api/v1/users/12345/orders","pad":"`)
	for len(line) < 197 {
		line = append(line, 'x')
	}
	return append(line, "\"}\n"...)
}()

// Every async writer gets room for the same number of 200-byte records:
// diode and phuslu/log count their buffer in records, logweave in bytes.
const (
	asyncRecords  = 8192
	asyncBufBytes = asyncRecords * 200
)

// asyncDest is where the async writers write: the benchmark needs a
// destination that does real work, and to know afterwards how many bytes
// reached it.
type asyncDest struct {
	name string
	// open returns the destination's io.Writer, the path of the file it
	// writes to ("" if none), and how to read the bytes that arrived once
	// the async writer is closed.
	open func(tb testing.TB) (w io.Writer, path string, arrived func() int64)
}

var asyncDests = []asyncDest{
	// count: the bench's countingWriter, which counts the newlines of
	// every byte it gets (a pass over the data, like a copy).
	{name: "count", open: func(testing.TB) (io.Writer, string, func() int64) {
		w := &countingWriter{}
		return w, "", func() int64 { return w.bytes }
	}},
	// file: a file in a temporary directory, one write(2) per Write call
	// (phuslu/log opens it itself, to use writev).
	{name: "file", open: func(tb testing.TB) (io.Writer, string, func() int64) {
		// A directory per run: RunParallel benchmarks run several times
		// with the same TempDir, and phuslu/log names its file by the second.
		dir, err := os.MkdirTemp(tb.TempDir(), "run")
		if err != nil {
			tb.Fatal(err)
		}
		return nil, filepath.Join(dir, "app.log"), func() int64 {
			// phuslu/log writes to a file named after app.log and the time.
			entries, err := os.ReadDir(dir)
			if err != nil {
				tb.Fatal(err)
			}
			var size int64
			for _, e := range entries {
				if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
					size += fi.Size()
				}
			}
			return size
		}
	}},
}

// asyncWriter is one async writer under test, wrapping a destination.
type asyncWriter struct {
	name string
	// lossless writers must deliver every record in the benchmarks: they
	// wait rather than drop when full. The others' losses are measured
	// from what reached the destination.
	lossless bool
	// open wraps dst, or opens path if dst is nil. close writes out what
	// is buffered and stops the writer.
	open func(tb testing.TB, dst io.Writer, path string) (w io.Writer, close func() error)
}

// asyncWriters are configured for no loss where they can: logweave and
// phuslu/log wait for room (logweave's Block, with a timeout longer than
// any run); zerolog's diode can only drop when full.
var asyncWriters = []asyncWriter{
	{name: "logweave", lossless: true, open: logweaveAsync(async.Options{})},
	// phuslu/log's AsyncWriter over its FileWriter uses writev(2), up to
	// 1024 records per call: its fastest path. Over another io.Writer it
	// makes one Write call per record. Its Write keeps the caller's slice
	// instead of copying it (safe here: the record never changes).
	{name: "phuslu", lossless: true, open: func(tb testing.TB, dst io.Writer, path string) (io.Writer, func() error) {
		var pw plog.Writer = plog.IOWriter{Writer: dst}
		if dst == nil {
			// ProcessID and a Cleaner that keeps everything stop it from
			// making a symlink and removing files in a goroutine it does
			// not wait for, which races with TempDir's cleanup.
			pw = &plog.FileWriter{Filename: path, ProcessID: true, Cleaner: func(string, int, []os.FileInfo) {}}
		}
		w := &plog.AsyncWriter{Writer: pw, ChannelSize: asyncRecords}
		return w, w.Close
	}},
	// zerolog's diode: a lock-free ring of records written one per Write
	// call; pollInterval 0 selects its waiter (woken on each record), which
	// loses less than the 10ms poller of its documentation. Its alerter's
	// count of drops is not exact (it was off by a few records in our
	// runs), so losses are counted from what arrived instead.
	//
	// When its ring laps, the diode logs "Diode set collision" through the
	// standard library's log package, into the middle of benchmark result
	// lines; that output is discarded while it runs.
	{name: "diode", open: func(tb testing.TB, dst io.Writer, path string) (io.Writer, func() error) {
		if dst == nil {
			dst = createFile(tb, path)
		}
		prev := log.Writer()
		log.SetOutput(io.Discard)
		w := diode.NewWriter(dst, asyncRecords, 0, nil)
		return w, func() error {
			defer log.SetOutput(prev)
			return w.Close()
		}
	}},
}

// logweaveAsync opens an async.Writer with opts over the benchmarks'
// buffer size, waiting (Block) rather than dropping, and closing the
// file it opened; the run fails if it dropped anything.
func logweaveAsync(opts async.Options) func(tb testing.TB, dst io.Writer, path string) (io.Writer, func() error) {
	return func(tb testing.TB, dst io.Writer, path string) (io.Writer, func() error) {
		if dst == nil {
			dst = createFile(tb, path)
		}
		opts.BufferSize = asyncBufBytes
		opts.OnFull = async.Block
		opts.BlockTimeout, opts.CloseTimeout = time.Hour, time.Hour
		opts.CloseUnderlying = true
		w, err := async.NewWriter(dst, opts)
		if err != nil {
			tb.Fatal(err)
		}
		return w, func() error {
			if err := w.Close(); err != nil {
				return err
			}
			if st := w.Stats(); st.Dropped() != 0 || st.Written != st.Offered {
				return fmt.Errorf("logweave dropped records: %+v", st)
			}
			return nil
		}
	}
}

func createFile(tb testing.TB, path string) *os.File {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// BenchmarkAsync writes 200-byte records through each async writer, from
// one goroutine (caller=serial) or GOMAXPROCS goroutines (caller=parallel,
// so run it with -cpu 1,2), to each destination.
//
//   - ns/op and allocs/op are what one Write costs its caller; they include
//     waiting for room when the destination is slower than the caller.
//   - records/s is the sustained throughput: records that reached the
//     destination per second, from the first Write until Close returned
//     with everything written.
//   - lost/op is the fraction of records that never reached the
//     destination, counted from the bytes that arrived. The run fails if
//     a lossless writer loses any, or if what arrived is not whole records.
func BenchmarkAsync(b *testing.B) {
	for _, dest := range asyncDests {
		for _, caller := range []string{"serial", "parallel"} {
			for _, aw := range asyncWriters {
				b.Run("dest="+dest.name+"/caller="+caller+"/writer="+aw.name, func(b *testing.B) {
					benchAsync(b, dest, aw, caller == "parallel")
				})
			}
		}
	}
}

func benchAsync(b *testing.B, dest asyncDest, aw asyncWriter, parallel bool) {
	dst, path, arrived := dest.open(b)
	w, closeW := aw.open(b, dst, path)
	// A private copy: phuslu/log keeps the slices it is given, and puts
	// them back into its entry pool, for its loggers to write into later.
	rec := bytes.Clone(asyncRecord)
	b.ReportAllocs()
	var n int64
	start := time.Now()
	if parallel {
		b.ResetTimer()
		start = time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := w.Write(rec); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.StopTimer()
		n = int64(b.N)
	} else {
		for b.Loop() {
			if _, err := w.Write(rec); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	if err := closeW(); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	got := arrived()
	delivered := got / int64(len(rec))
	if got%int64(len(rec)) != 0 || delivered > n || aw.lossless && delivered != n {
		b.Fatalf("%d bytes reached the destination: want %d records of %d bytes", got, n, len(rec))
	}
	b.ReportMetric(float64(delivered)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(n-delivered)/float64(n), "lost/op")
}

// TestAsyncBenchmarkOutputs runs each async writer of BenchmarkAsync on a
// few thousand records into a file and checks what arrived: whole records
// only, as many as were not reported lost.
func TestAsyncBenchmarkOutputs(t *testing.T) {
	for _, aw := range asyncWriters {
		t.Run(aw.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			w, closeW := aw.open(t, nil, path)
			const n = 5000
			rec := bytes.Clone(asyncRecord) // see benchAsync
			for range n {
				if _, err := w.Write(rec); err != nil {
					t.Fatal(err)
				}
			}
			if err := closeW(); err != nil {
				t.Fatal(err)
			}
			var out []byte
			entries, _ := os.ReadDir(filepath.Dir(path))
			for _, e := range entries { // phuslu/log's file is named after path
				b, err := os.ReadFile(filepath.Join(filepath.Dir(path), e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, b...)
			}
			if len(out)%len(rec) != 0 || !bytes.Equal(out, bytes.Repeat(rec, len(out)/len(rec))) {
				t.Fatalf("%d bytes arrived: not whole, intact records of %d bytes", len(out), len(rec))
			}
			if aw.lossless && len(out) != n*len(rec) {
				t.Fatalf("%d records arrived, want %d", len(out)/len(rec), n)
			}
		})
	}
}

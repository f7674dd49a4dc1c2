package bench

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/DeRuina/timberjack"
	"github.com/logweave/logweave/rotate"
	"gopkg.in/natefinch/lumberjack.v2"
)

// rotateLine is the 200-byte record every file writer gets, a JSON log
// line like the handler writes.
var rotateLine = func() []byte {
	head := `{"time":"2026-11-21T10:00:00.000Z","level":"INFO","msg":"request completed","http.request.method":"GET","url.path":"/api/v1/users/12345/orders","pad":"`
	tail := "\"}\n"
	return []byte(head + strings.Repeat("x", 200-len(head)-len(tail)) + tail)
}()

// fileScenario is one way of writing a log file, run by every writer.
type fileScenario struct {
	name string
	// maxSize in bytes: the file rotates every maxSize/200 records (0: never).
	maxSize int64
	// gzip compresses the backups, in each writer's background goroutine.
	gzip bool
}

// fileScenarios: a file that never rotates (the writers' own cost against
// a plain *os.File); one that rotates every 10 MB, two backups kept, so
// rotation and retention run during the loop; and the same with gzipped
// backups, where compression competes for the CPU (with -cpu 1, for the
// writer's own processor).
var fileScenarios = []fileScenario{
	{name: "NoRotation"},
	{name: "Rotate10MB", maxSize: 10 << 20},
	{name: "Rotate10MBGzip", maxSize: 10 << 20, gzip: true},
}

// fileWriter is one writer under comparison.
type fileWriter struct {
	name string
	// runs reports whether the writer takes part in a scenario.
	runs func(fileScenario) bool
	open func(tb testing.TB, path string, sc fileScenario) io.WriteCloser
}

func neverRotates(sc fileScenario) bool  { return sc.maxSize == 0 }
func compresses(sc fileScenario) bool    { return sc.gzip }
func rotatesPlain(sc fileScenario) bool  { return sc.maxSize > 0 && !sc.gzip }
func everyScenario(sc fileScenario) bool { return true }

// renamingFile is the least a rotating writer must do, as the baseline of
// the rotating scenarios: a plain *os.File that is renamed and replaced
// when it reaches maxSize, keeping two backups, with no lock, no clock, no
// goroutine. What a rotating writer costs beyond it is its own overhead;
// what it costs beyond a plain file that never rotates is the file
// system's (new files, removals of old ones).
type renamingFile struct {
	*os.File
	path    string
	size    int64
	maxSize int64
	n       int
}

func (f *renamingFile) Write(p []byte) (int, error) {
	if f.size+int64(len(p)) > f.maxSize {
		f.n++
		f.File.Close()
		if err := os.Rename(f.path, f.path+"."+strconv.Itoa(f.n)); err != nil {
			return 0, err
		}
		os.Remove(f.path + "." + strconv.Itoa(f.n-2))
		var err error
		if f.File, err = os.OpenFile(f.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640); err != nil {
			return 0, err
		}
		f.size = 0
	}
	n, err := f.File.Write(p)
	f.size += int64(n)
	return n, err
}

// mb converts a size to the whole megabytes lumberjack and timberjack take
// (and, for no rotation, a size no benchmark reaches).
func mb(n int64) int {
	if n == 0 {
		return 1 << 20
	}
	return int(n >> 20)
}

var fileWriters = []fileWriter{
	{name: "os.File", runs: neverRotates, open: func(tb testing.TB, path string, _ fileScenario) io.WriteCloser {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
		if err != nil {
			tb.Fatal(err)
		}
		return f
	}},
	{name: "os.File-renamed", runs: rotatesPlain, open: func(tb testing.TB, path string, sc fileScenario) io.WriteCloser {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
		if err != nil {
			tb.Fatal(err)
		}
		return &renamingFile{File: f, path: path, maxSize: sc.maxSize}
	}},
	{name: "logweave", runs: everyScenario, open: func(tb testing.TB, path string, sc fileScenario) io.WriteCloser {
		return openRotate(tb, path, rotate.Options{MaxSize: sc.maxSize, MaxBackups: 2, Uncompressed: !sc.gzip})
	}},
	// logweave with its compression unpaced (rotate.Options.CompressCPU 1):
	// what compressing costs the writer when it takes all the processor
	// time it can, as lumberjack's and timberjack's do.
	{name: "logweave-unpaced", runs: compresses, open: func(tb testing.TB, path string, sc fileScenario) io.WriteCloser {
		return openRotate(tb, path, rotate.Options{MaxSize: sc.maxSize, MaxBackups: 2, CompressCPU: 1})
	}},
	{name: "lumberjack", runs: everyScenario, open: func(_ testing.TB, path string, sc fileScenario) io.WriteCloser {
		return &lumberjack.Logger{Filename: path, MaxSize: mb(sc.maxSize), MaxBackups: 2, Compress: sc.gzip}
	}},
	{name: "timberjack", runs: everyScenario, open: func(_ testing.TB, path string, sc fileScenario) io.WriteCloser {
		compression := "none"
		if sc.gzip {
			compression = "gzip"
		}
		return &timberjack.Logger{Filename: path, MaxSize: mb(sc.maxSize), MaxBackups: 2, Compression: compression}
	}},
}

// openRotate opens a rotate.File or fails tb.
func openRotate(tb testing.TB, path string, opts rotate.Options) *rotate.File {
	f, err := rotate.Open(path, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// settledDir is a temporary directory for one benchmark, removed once
// nothing writes in it any more. b.TempDir's cleanup fails when a file
// appears while it removes the directory, and lumberjack's compressing
// goroutine outlives Close (it is never stopped) and may still be writing
// a .gz then.
func settledDir(b *testing.B) string {
	dir, err := os.MkdirTemp("", "rotate-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		for range 100 {
			if err = os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.Errorf("remove %s: %v", dir, err)
	})
	return dir
}

// BenchmarkRotate writes 200-byte records to a file in b.TempDir() through
// each writer: a plain *os.File (the bar: rotate.File must reach 90 % of
// its throughput), a plain *os.File renamed by hand at 10 MB (the bar when
// files rotate), logweave's rotate.File (and, with gzip, the same with
// compression unpaced), natefinch/lumberjack and DeRuina/timberjack. Names are scenario=X/writer=Y so that
// `benchstat -col /writer` puts writers side by side.
func BenchmarkRotate(b *testing.B) {
	for _, sc := range fileScenarios {
		for _, fw := range fileWriters {
			if !fw.runs(sc) {
				continue
			}
			b.Run("scenario="+sc.name+"/writer="+fw.name, func(b *testing.B) {
				w := fw.open(b, filepath.Join(settledDir(b), "app.log"), sc)
				b.SetBytes(int64(len(rotateLine)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := w.Write(rotateLine); err != nil {
						b.Fatal(err)
					}
				}
				// Close is reported on its own (ms per Close, whatever the
				// number of writes): it is paid once, not per write, and
				// logweave's compresses there what its paced compressor
				// left (two backups at most here).
				start := time.Now()
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(time.Since(start).Microseconds())/1e3, "close-ms")
			})
		}
	}
}

// TestRotateWriters checks that every writer of BenchmarkRotate really
// writes every record to the file, so none can look fast by losing lines.
func TestRotateWriters(t *testing.T) {
	const n = 1000 // 200 KB: no rotation
	for _, sc := range fileScenarios {
		for _, fw := range fileWriters {
			if !fw.runs(sc) {
				continue
			}
			t.Run(sc.name+"/"+fw.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "app.log")
				w := fw.open(t, path, sc)
				for range n {
					if _, err := w.Write(rotateLine); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, bytes.Repeat(rotateLine, n)) {
					t.Fatalf("file holds %d bytes, want %d records of %d", len(got), n, len(rotateLine))
				}
			})
		}
	}
}

package bench

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	// rotates is false for the plain file, which runs NoRotation only.
	rotates bool
	open    func(tb testing.TB, path string, sc fileScenario) io.WriteCloser
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
	{name: "os.File", open: func(tb testing.TB, path string, _ fileScenario) io.WriteCloser {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
		if err != nil {
			tb.Fatal(err)
		}
		return f
	}},
	{name: "logweave", rotates: true, open: func(tb testing.TB, path string, sc fileScenario) io.WriteCloser {
		f, err := rotate.Open(path, rotate.Options{MaxSize: sc.maxSize, MaxBackups: 2, Uncompressed: !sc.gzip})
		if err != nil {
			tb.Fatal(err)
		}
		return f
	}},
	{name: "lumberjack", rotates: true, open: func(_ testing.TB, path string, sc fileScenario) io.WriteCloser {
		return &lumberjack.Logger{Filename: path, MaxSize: mb(sc.maxSize), MaxBackups: 2, Compress: sc.gzip}
	}},
	{name: "timberjack", rotates: true, open: func(_ testing.TB, path string, sc fileScenario) io.WriteCloser {
		compression := "none"
		if sc.gzip {
			compression = "gzip"
		}
		return &timberjack.Logger{Filename: path, MaxSize: mb(sc.maxSize), MaxBackups: 2, Compression: compression}
	}},
}

// BenchmarkRotate writes 200-byte records to a file in b.TempDir() through
// each writer: a plain *os.File (the bar: rotate.File must reach 90 % of
// its throughput), logweave's rotate.File, natefinch/lumberjack and
// DeRuina/timberjack. Names are scenario=X/writer=Y so that
// `benchstat -col /writer` puts writers side by side.
func BenchmarkRotate(b *testing.B) {
	for _, sc := range fileScenarios {
		for _, fw := range fileWriters {
			if sc.maxSize > 0 && !fw.rotates {
				continue
			}
			b.Run("scenario="+sc.name+"/writer="+fw.name, func(b *testing.B) {
				w := fw.open(b, filepath.Join(b.TempDir(), "app.log"), sc)
				b.SetBytes(int64(len(rotateLine)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := w.Write(rotateLine); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// TestRotateWriters checks that every writer of BenchmarkRotate really
// writes every record to the file, so none can look fast by losing lines.
func TestRotateWriters(t *testing.T) {
	const n = 1000
	for _, fw := range fileWriters {
		t.Run(fw.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			w := fw.open(t, path, fileScenarios[0])
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

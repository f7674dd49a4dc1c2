package rotate_test

import (
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/logweave/logweave/rotate"
)

func Example() {
	dir, err := os.MkdirTemp("", "rotate-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A clock that stands still, so the backup name is the same every run.
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	f, err := rotate.Open(filepath.Join(dir, "app.log"), rotate.Options{
		MaxSize:    70,                // bytes, for the example; 100 << 20 in production
		At:         []string{"00:00"}, // and every midnight
		Location:   time.UTC,
		MaxBackups: 7,
		Now:        func() time.Time { return now },
	})
	if err != nil {
		log.Fatal(err)
	}
	for i := range 4 {
		fmt.Fprintf(f, `{"msg":"request %d","status":200}`+"\n", i) // 33 bytes: two a file
	}
	// Close waits for the backups' compression.
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}

	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// app-2026-11-21T10-00-00.000Z.log.gz
	// app.log
}

// A File reopens its path on SIGHUP, after logrotate moved the file away.
func ExampleFile_Reopen() {
	f, err := rotate.Open(filepath.Join(os.TempDir(), "example-reopen.log"), rotate.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			if err := f.Reopen(); err != nil {
				log.Print(err)
			}
		}
	}()
	fmt.Fprintln(f, `{"msg":"started"}`)
}

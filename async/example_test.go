package async_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/logweave/logweave/async"
)

// A logger writes through an async.Writer: the log call only copies the
// line into the buffer; Close writes what is left before the program
// ends, and Stats says what happened to every line.
func Example() {
	w, err := async.NewWriter(os.Stdout, async.Options{
		BufferSize: 1 << 20,          // hold up to 1 MiB of lines
		OnFull:     async.DropNewest, // never make the caller wait; count and report drops
	})
	if err != nil {
		panic(err)
	}
	logger := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable for this example
			}
			return a
		},
	}))
	logger.Info("order placed", "order_id", 42)
	logger.Warn("payment retried", "attempt", 2)

	// Before exiting: write everything out, waiting at most 5 seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.CloseContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	st := w.Stats()
	fmt.Printf("offered %d, written %d, dropped %d\n", st.Offered, st.Written, st.Dropped())
	// Output:
	// {"level":"INFO","msg":"order placed","order_id":42}
	// {"level":"WARN","msg":"payment retried","attempt":2}
	// offered 2, written 2, dropped 0
}

package rotate_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/internal/logtest"
)

// TestMain fails the run if a File's goroutine outlives the tests (every
// test closes its Files).
func TestMain(m *testing.M) {
	code := m.Run()
	if leaked := logtest.Leaked(time.Second, "rotate.(*File)"); code == 0 && len(leaked) > 0 {
		fmt.Fprintf(os.Stderr, "goroutines left running:\n%s\n", strings.Join(leaked, "\n\n"))
		code = 1
	}
	os.Exit(code)
}

// leakedNow returns the goroutines that mention match, without waiting.
func leakedNow(match string) []string { return logtest.Leaked(0, match) }

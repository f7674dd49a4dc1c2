package rotate_test

import (
	"testing"
	"time"

	"github.com/logweave/logweave/internal/logtest"
)

// TestMain fails the run if a File's goroutine outlives the tests (every
// test closes its Files).
func TestMain(m *testing.M) { logtest.Main(m, time.Second, "rotate.(*File)") }

// leakedNow returns the goroutines that mention match, without waiting.
func leakedNow(match string) []string { return logtest.Leaked(0, match) }

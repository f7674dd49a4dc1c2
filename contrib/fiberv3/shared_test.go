package logweavefiberv3

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// sharedFiles work on fasthttp alone and are the same in contrib/fiber,
// the Fiber v2 adapter, but for the package clause; see exchange.go.
var sharedFiles = []string{"exchange.go", "carrier.go", "stream.go", "handler.go", "internal_test.go"}

// TestSharedFilesMatchFiberV2 fails when one copy of a shared file was
// changed without the other. It runs in the repository, where
// contrib/fiber is next to this module; from a module cache it skips.
func TestSharedFilesMatchFiberV2(t *testing.T) {
	for _, name := range sharedFiles {
		v2, err := os.ReadFile(filepath.Join("..", "fiber", name))
		if os.IsNotExist(err) {
			t.Skipf("no contrib/fiber next to this module: %v", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		v3, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		v2 = bytes.Replace(v2, []byte("package logweavefiber\n"), []byte("package logweavefiberv3\n"), 1)
		if !bytes.Equal(v2, v3) {
			t.Errorf("%s differs from ../fiber/%s beyond the package clause: change both", name, name)
		}
	}
}

//go:build !race

// The race detector allocates on its own account, so these checks run only
// without it, as in the core module.

package access_test

import (
	"testing"

	"github.com/logweave/logweave/httplog/internal/access"
)

// TestMaskQueryDoesNotAllocate: a query with nothing to mask costs no
// allocation, whatever maskQuery has to decode to know it: bracket keys,
// percent-encoded keys, values that are URLs with a query of their own.
func TestMaskQueryDoesNotAllocate(t *testing.T) {
	sensitive := defaultSensitive()
	for _, q := range []string{
		"fields=name&sort=asc&page=2",
		"filter%5Bstatus%5D=open&filter[name]=bob&a%5Bb%5D%5Bc%5D=1",
		"next=%2Fa%3Fpage%3D2&cb=https%3A%2F%2Fx%2Fcb%3Fstate%3D1&redirect=/b?x=1#y",
		"next=%252Fa%253Fpage%253D2&q=%E2%82%AC",
	} {
		if n := testing.AllocsPerRun(100, func() { _ = access.MaskQuery(q, sensitive) }); n != 0 {
			t.Errorf("maskQuery(%q): %v allocations, want 0", q, n)
		}
	}
}

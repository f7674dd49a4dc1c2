//go:build !race

// The race detector allocates on its own account, so these checks run only
// without it, as in the core module.

package logweavegrpc_test

import (
	"testing"

	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	"google.golang.org/grpc/metadata"
)

// TestMetadataCarrierDoesNotAllocate: reading the keys the propagators ask
// for, the mixed-case request-id names included, allocates nothing.
func TestMetadataCarrierDoesNotAllocate(t *testing.T) {
	c := logweavegrpc.MetadataCarrier(metadata.Pairs("traceparent", tp, "x-request-id", "a"))
	n := testing.AllocsPerRun(100, func() {
		_ = c.Values("traceparent")
		_ = c.Values("X-Request-ID") // a known mixed-case name
		_ = c.Get("X-Correlation-ID")
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

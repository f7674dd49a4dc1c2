package access_test

import (
	"testing"

	"github.com/logweave/logweave/httplog/internal/access"
)

// BenchmarkMaskQuery measures the query masking alone, on a query with
// nothing sensitive (the common case, which must not allocate) and on one
// with a token.
func BenchmarkMaskQuery(b *testing.B) {
	sensitive := defaultSensitive()
	for _, q := range []struct{ name, query string }{
		{"plain", "fields=name&sort=asc&page=2&filter%5Bstatus%5D=open&next=%2Fhome"},
		{"token", "fields=name&token=s3cret&page=2"},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = access.MaskQuery(q.query, sensitive)
			}
		})
	}
}

// VisitAll is deprecated in newer fasthttp releases for All, which the
// fasthttp versions this module supports (1.51 and later, as Fiber v2
// requires) do not all have.
//lint:file-ignore SA1019 All is missing from fasthttp before 1.6x, and Fiber v2 requires 1.51.

package logweavefasthttp

import "github.com/valyala/fasthttp"

// visitRequestHeaders calls f with each header of h.
func visitRequestHeaders(h *fasthttp.RequestHeader, f func(k, v []byte)) {
	h.VisitAll(f)
}

// visitResponseHeaders calls f with each header of h.
func visitResponseHeaders(h *fasthttp.ResponseHeader, f func(k, v []byte)) {
	h.VisitAll(f)
}

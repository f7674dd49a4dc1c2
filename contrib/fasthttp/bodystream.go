package logweavefasthttp

// This file is the one place that reaches into fasthttp's unexported
// state.
//
// To see how much of a streamed body was sent and whether the client
// went away meanwhile, the stream the handler set is wrapped after the
// handler has returned (see stream.go). fasthttp's public API cannot do
// that: Response.SetBodyStream, and every other method that sets a body,
// first closes the stream already set (Response.ResetBody), which would
// end the handler's stream (a SetBodyStreamWriter's writer, an open
// file) before a byte of it is sent; and the server offers no hook that
// runs when a response has been written. So the response's bodyStream
// field is written directly.
//
// Its offset is looked up by name and type when the package loads. If a
// fasthttp release renames or retypes the field, canSwapBodyStream is
// false, nothing is written, and streamed responses are logged when the
// handler returns, with the declared Content-Length as their size and no
// client aborts; TestBodyStreamSwap fails then, to say so.

import (
	"io"
	"reflect"
	"unsafe"

	"github.com/valyala/fasthttp"
)

var bodyStreamOffset, canSwapBodyStream = func() (uintptr, bool) {
	f, ok := reflect.TypeFor[fasthttp.Response]().FieldByName("bodyStream")
	if !ok || len(f.Index) != 1 || f.Type != reflect.TypeFor[io.Reader]() {
		return 0, false
	}
	return f.Offset, true
}()

// swapBodyStream replaces resp's body stream with r, without closing the
// one set, which r now owns. The caller checked canSwapBodyStream.
func swapBodyStream(resp *fasthttp.Response, r io.Reader) {
	*(*io.Reader)(unsafe.Add(unsafe.Pointer(resp), bodyStreamOffset)) = r
}

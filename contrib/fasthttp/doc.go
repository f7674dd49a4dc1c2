// Package logweavefasthttp logs fasthttp requests and carries their trace
// context, as package httplog does for net/http, with the same options,
// fields, names and levels (it drives an adapter.Recorder, of package
// httplog/adapter).
//
//	logger := logweave.New(os.Stdout, &logweave.Options{Service: "users"})
//	handler := func(fctx *fasthttp.RequestCtx) {
//		ctx := logweavefasthttp.Context(fctx)
//		logger.InfoContext(ctx, "loading user") // carries the trace
//		fctx.SetBodyString(`{"id":42}`)
//	}
//	mw := logweavefasthttp.Middleware(logger, nil)
//	fasthttp.ListenAndServe(":8080", mw(handler))
//
// It is also the fasthttp half of the Fiber adapters (contrib/fiber for
// Fiber v2, contrib/fiberv3 for Fiber v3), which add only what is
// Fiber's: the route it matched, its error handler, its contexts. An
// adapter for another framework built on fasthttp does the same with a
// Recorder: Recorder.Begin when a request arrives, Exchange.End when the
// framework's handlers have returned.
//
// # What is logged
//
// Middleware (or Recorder.Begin) reads the trace context and request id
// that arrive with a request (W3C traceparent/tracestate, B3,
// X-Request-ID by default), or starts a trace, and returns it as a
// context.Context: Context(fctx) under Middleware, every line logged
// with which carries trace_id, span_id and request_id. The response gets
// X-Request-ID (the client's, or the trace id). Logger(fctx) returns a
// logger whose lines carry them without passing the context.
//
// When the handler returns it writes one access line with the status the
// client got, the body sizes, the duration and the client's address
// (Options.ClientIP, a clientip.Strategy; the socket peer by default,
// never the client's own X-Forwarded-For). fasthttp has no router, so
// http.route is what Options.Route returns, asked after the handler with
// the request as an *http.Request (see Copies), and absent without it.
// A panic in the handler is recovered by Middleware: the line has the
// panic and a bounded stack at ERROR, and the client gets a 500 (with
// Options.RePanic the panic goes on after that, which ends the program
// unless something outside recovers: fasthttp does not).
//
// # Streaming, and clients that go away
//
// fasthttp reads the whole request before the handler runs, does not
// watch the connection while the handler runs (there is no context that
// is canceled when the client leaves) and writes a buffered response
// after the handler has returned. A client that goes away during a
// buffered response therefore cannot be seen: its line has the status
// the handler answered.
//
// A streamed body (RequestCtx.SetBodyStreamWriter for server-sent events,
// SetBodyStream, SendFile) is sent after the handler returns too, and
// fasthttp's public API, the only part of fasthttp this package uses,
// offers no way to watch it: a stream cannot be wrapped once the handler
// has set it (Response.SetBodyStream closes the stream set before), and
// the server runs no hook once a response is written. So a streamed
// response is logged when the handler returns, as a buffered one is:
//   - its http.response.body.size is its declared length (the
//     Content-Length, or the N of an *io.LimitedReader, which fasthttp
//     sends as the Content-Length), and 0 when it declares none (a
//     chunked stream, as SetBodyStreamWriter's);
//   - its duration is the handler's, not the time until the stream was
//     sent;
//   - its body is not captured (Options.MaxBodyBytes);
//   - a client that goes away while it is sent is not seen: the line has
//     the status the handler answered, not 499.
//
// A handler that wants the end of a long stream logged (the events it
// sent, the client gone) logs it from the stream writer, with
// Logger(fctx) or Context(fctx) taken before it returns, so that the
// line carries the request's trace.
//
// # Copies
//
// fasthttp reuses a request's memory once the handler returns. What
// outlives the request is copied: the request id in the context, and the
// access line's strings (a slog handler may keep a record), all in one
// allocation. The *http.Request that Options.Skip, Options.Route and a
// custom clientip.Strategy are given, made only when they are configured,
// is not a copy and must not be kept after the call; it has the method,
// URL, Host, RemoteAddr and headers of the request, and
// context.Background() as its context.
//
// # Package name
//
// The import path ends in fasthttp, but the package is named
// logweavefasthttp, so that it does not clash with
// github.com/valyala/fasthttp in the files that use both. Import it as
//
//	import logweavefasthttp "github.com/logweave/logweave/contrib/fasthttp"
package logweavefasthttp

// Package adapter is what framework adapters (Gin, Echo, Fiber, ...)
// build on to log requests as httplog.Middleware does: the same Options,
// trace handling and access line, with what only the framework knows (the
// route it matched, the error a handler returned, a panic its recovery
// caught) told by the adapter.
//
// A Recorder holds the compiled Options. An adapter for a framework that
// runs on net/http calls Recorder.Start when a request arrives, runs the
// framework's chain with the Flight's Request and ResponseWriter, and
// calls Flight.End with the route when the chain returns. An adapter for
// a framework with its own request type (fasthttp) calls Recorder.Begin
// for the trace context and Recorder.Log with an Exchange it fills in.
// BindLogger gives handlers a logger whose lines carry the request's trace
// without a context.
//
// Applications use the adapters, or httplog.Middleware, not this package.
package adapter

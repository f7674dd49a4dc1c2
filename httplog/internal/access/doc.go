// Package access is the machinery that httplog's Middleware and the
// framework adapters' Recorder (package httplog/adapter) share: options
// compiled once (config.go), the trace context a request brings and the
// ids it is answered with (propagation.go), a request on its way through
// the handlers (flight.go, writer.go, body.go), the access line
// (line.go, emit.go) and what is masked in it (mask.go).
//
// The types the public packages document, httplog.Options and
// adapter.Exchange, stand here field for field, as Options and Exchange,
// without their documentation: httplog and adapter convert a pointer to
// their own type into a pointer to this package's, (*access.Options)(opts),
// which costs nothing, and stops compiling when a field is added to one and
// not the other. The keys and constants of the line are declared here and
// re-exported by httplog, which documents them.
package access

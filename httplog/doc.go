// Package httplog logs net/http requests and carries their trace context.
//
// Middleware wraps a handler: it reads the trace context and request id
// that arrive with a request (or starts a trace), puts them in the
// request's context so that every line the handler logs with it carries
// them, and writes one access line when the request ends, with the status
// the client really got, the bytes, the duration and the client's address,
// under OpenTelemetry's semantic-convention names. Transport does the same
// for the calls a program makes.
//
// Framework adapters (Gin, Echo, Fiber, ...) build the same access line
// with the same Options through package httplog/adapter.
package httplog

// Package logweavegin logs Gin requests and carries their trace context,
// as package httplog does for net/http, with the same options, fields,
// levels and masking (it is built on package httplog/adapter).
//
//	logger := logweave.New(os.Stdout, &logweave.Options{Service: "users"})
//	r := gin.New()
//	r.Use(gin.Recovery(), logweavegin.Middleware(logger, nil))
//
// For each request the middleware reads the trace context and request id
// that arrive with it (W3C traceparent/tracestate, B3, X-Request-ID), or
// starts a new trace, and puts them in c.Request.Context(): lines logged
// with that context (logger.InfoContext(c.Request.Context(), ...)) carry
// trace_id, span_id and request_id. The request id goes back to the client
// in X-Request-ID. When the request ends it writes one access line:
//
//   - http.route is Gin's route template, c.FullPath() ("/users/:id"),
//     and is absent when no route matched;
//   - the status is the one the client got: Gin's own 404 and 405
//     (Engine.HandleMethodNotAllowed) answers, which run the global
//     middleware, are logged as 404 and 405 with Gin's default body size;
//     a handler that records errors with c.Error is logged with the status
//     it wrote, not a blanket 500, and the errors' text as error.message; a
//     client that went away before the response was complete is 499;
//   - a panic is recovered, logged with its value and a bounded stack, and
//     answered with an empty 500, as gin.Recovery does. Registered inside
//     gin.Recovery (after it, as above) or around it, the line has the same
//     status, level, error.type and stack: when gin.Recovery is the inner
//     one and recovers the panic itself, the middleware sees the 5xx it
//     writes while the panic is being recovered and takes the stack there.
//     Only the panic's value then stays with gin.Recovery, which logs it
//     itself; the line's panic field says so (ErrRecoveredInside). A panic
//     of a client gone (a broken pipe, http.ErrAbortHandler) is a 499 with
//     no stack, as gin.Recovery takes it;
//   - client.address comes from Options.ClientIP (package clientip), never
//     from Gin's c.ClientIP(), whose trust of forwarding headers depends on
//     Engine.SetTrustedProxies and is easy to get wrong.
//
// Logger returns a *slog.Logger for a handler whose lines carry the
// request's trace context even when written with Info or Error, which pass
// no context.
//
// # Gin's context as a context.Context
//
// *gin.Context implements context.Context, but by default its Value does
// not look into c.Request.Context(), so logger.InfoContext(c, ...) loses
// the trace. Pass c.Request.Context(), use Logger, or set
// Engine.ContextWithFallback = true, which makes c answer with the
// request context's values.
//
// # What the middleware cannot see
//
// Gin answers some requests without running any middleware: the redirects
// of Engine.RedirectTrailingSlash and Engine.RedirectFixedPath (301, or 307
// for methods other than GET). They get no access line. Options.Skip,
// SkipPaths and SkipPrefixes work as in httplog; SkipRoutes and
// SampleRoutes take Gin's route templates ("/healthz", "/users/:id"),
// which have no method.
//
// # Package name
//
// The import path ends in gin, but the package is named logweavegin: a
// package named gin would shadow github.com/gin-gonic/gin in every file
// that uses both. Import it as
//
//	import logweavegin "github.com/logweave/logweave/contrib/gin"
package logweavegin

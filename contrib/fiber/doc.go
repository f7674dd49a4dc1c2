// Package logweavefiber logs Fiber v2 requests and carries their trace
// context, as package httplog does for net/http, with the same options,
// fields, names and levels (it drives a logweavefasthttp.Recorder, which
// drives an adapter.Recorder of package httplog/adapter).
//
//	logger := logweave.New(os.Stdout, &logweave.Options{Service: "users"})
//	app := fiber.New()
//	app.Use(logweavefiber.Middleware(logger, nil)) // first, before other middleware
//	app.Get("/users/:id", func(c *fiber.Ctx) error {
//		logger.InfoContext(c.UserContext(), "loading user", "id", c.Params("id"))
//		return c.JSON(user)
//	})
//
// For Fiber v3 use contrib/fiberv3.
//
// # What the middleware does
//
// It reads the trace context and request id that arrive with a request
// (W3C traceparent/tracestate, B3, X-Request-ID by default), or starts a
// trace, and puts them in c.UserContext(), where Fiber code looks for a
// request's context.Context: every line logged with
// logger.InfoContext(c.UserContext(), ...) carries trace_id, span_id and
// request_id. The response gets X-Request-ID (the client's, or the trace
// id). Logger(c) returns a logger whose lines carry them without passing
// the context.
//
// When the request ends it writes one access line with the route Fiber
// matched (http.route "/users/:id", as Options.SkipRoutes and
// SampleRoutes name it; none for a 404, a 405 or what only middleware
// answered, app.Static's files included), the status the client got, the
// body sizes, the duration and the client's address:
//
//   - A handler's returned error goes to the application's ErrorHandler
//     (a mounted sub-application's for its routes) inside the middleware,
//     so the status logged is the one the error handler wrote, a
//     *fiber.Error's code with the default handler: 404 is 404, not 500.
//     The middleware then returns nil, so Fiber does not run the error
//     handler again; middleware registered before it sees no error.
//     Fiber's own 404 (no route) and 405 (the path exists with other
//     methods) are errors of the same kind.
//   - A panic in a handler is recovered: the line has the panic and a
//     bounded stack at ERROR, and the error handler renders
//     fiber.ErrInternalServerError (a 500 with a generic message; the
//     panic's text stays in the log). With Options.RePanic the panic goes
//     on after it is logged (as a 500) to an outer recover; without one
//     it ends the program, as any panic in a fasthttp handler does.
//   - With Fiber's recover middleware registered before this one (outer),
//     this one sees the panic first, as above. Registered after it
//     (inner), recover has already turned the panic into an error, which
//     is logged as any error: status 500 at ERROR, without the panic and
//     stack. Either way the client and the line get 500.
//   - Client IP: Options.ClientIP, a clientip.Strategy, never Fiber's
//     c.IP() or c.IPs(), whose first entry is whatever the client wrote
//     into X-Forwarded-For. The default is the socket peer.
//
// # Streaming, and clients that go away
//
// fasthttp reads the whole request before the handler runs, does not
// watch the connection while the handler runs (there is no context that
// is canceled when the client leaves) and writes a buffered response
// after the middleware has returned. A client that goes away during a
// buffered response therefore cannot be seen: its line has the status the
// handler answered.
//
// A streamed body (c.Context().SetBodyStreamWriter for server-sent
// events, c.SendStream, files) is sent after the middleware returns too,
// and fasthttp's public API offers no way to watch it (see
// contrib/fasthttp's documentation, "Streaming"). So a streamed response
// is logged when the handler returns: its http.response.body.size is its
// declared length, 0 when it declares none (a chunked stream); its
// duration is the handler's; its body is not captured; and a client that
// goes away while it is sent is not seen (no 499). A handler that wants
// the end of a long stream logged logs it from the stream writer, with
// the request's context taken before it returns.
//
// # fasthttp
//
// What is not Fiber's (the trace headers, the access line, the copies,
// the streams) is package logweavefasthttp (contrib/fasthttp), which the
// middleware drives and which logs plain fasthttp handlers too. Both
// Fiber adapters share it; it needs fasthttp only, so a Fiber v2 user
// does not pull in Fiber v3.
//
// # Copies
//
// fasthttp reuses a request's memory once the handler returns, and Fiber
// hands out strings that point into it. What outlives the request is
// copied: the request id in the context, and the access line's strings
// (a slog handler may keep a record), all in one allocation. The
// *http.Request that Options.Skip and a custom clientip.Strategy are
// given, made only when they are configured, is not a copy and must not
// be kept after the call; it has the method, URL, Host, RemoteAddr and
// headers of the request, and context.Background() as its context.
//
// # Package name
//
// The import path ends in fiber, but the package is named logweavefiber:
// a package named fiber would clash with github.com/gofiber/fiber/v2 in
// every file that uses both. Import it as
//
//	import logweavefiber "github.com/logweave/logweave/contrib/fiber"
package logweavefiber

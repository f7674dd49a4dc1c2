// Package logweaveecho logs Echo v4 requests and carries their trace
// context, as package httplog does for net/http, with the same options,
// fields, names and levels: it is an adapter.Recorder (package
// httplog/adapter) told what Echo knows.
//
//	logger := logweave.New(os.Stdout, &logweave.Options{Service: "api"})
//	e := echo.New()
//	e.Use(logweaveecho.Middleware(logger, nil)) // first, see "Errors" below
//	e.GET("/users/:id", func(c echo.Context) error {
//		logweaveecho.Logger(c).Info("loading user", "id", c.Param("id"))
//		return c.JSON(http.StatusOK, user)
//	})
//
// Middleware reads the trace context and request id that arrive with a
// request (W3C traceparent, B3, X-Request-ID by default) or starts a trace,
// answers with X-Request-ID, and puts the context in the request
// (c.SetRequest), so c.Request().Context() carries it to every line logged
// with it. When the request ends it writes one access line with:
//
//   - http.route: the route template as Echo matched it (c.Path(), e.g.
//     "/users/:id"); none when Echo's router found no route (404) or no
//     route for the method (405), as net/http's ServeMux does (for a 405
//     c.Path() names the route that exists for other methods). Options
//     SkipRoutes and SampleRoutes take Echo's templates, which name no
//     method; a request without a route is matched by its path, so a 404
//     under a skipped route is logged, but a 405 for the very path of a
//     skipped static route (POST /healthz) is skipped with it;
//   - http.response.status_code: the status the client got, as it reaches
//     the server below Echo's response: what the HTTPErrorHandler sent
//     for a returned error (an *echo.HTTPError's code, 500 for a plain
//     error, or whatever a custom handler chose), 101 for a hijacked
//     (WebSocket) connection, even when the handler returned an error or
//     panicked after the hijack (see "Errors"), 499 when the client went
//     away first;
//   - client.address by Options.ClientIP (package clientip), never by
//     Echo's RealIP, which trusts X-Forwarded-For from anyone by default.
//
// # Errors
//
// A handler's error is handled where it is seen: Middleware calls
// c.Error(err), as Echo's own logger middleware does, reads the status the
// HTTPErrorHandler wrote, and returns nil, so the error handler runs
// exactly once (Echo's ServeHTTP would otherwise call it a second time,
// and a custom handler that reports errors would report each twice).
// Middleware registered before this one therefore sees no error: register
// Middleware first (outermost) so that it times and logs everything, or at
// least outside any middleware that needs to see errors. The access line
// has the error's text as error.message, beside the status the error
// handler chose.
//
// A handler that hijacked the connection (a WebSocket upgrade) owns it:
// an error it returns, or a panic, after the hijack is not handed to the
// HTTPErrorHandler, whose response could not reach the client (net/http
// would refuse it and log "hijacked connection" warnings). The access line
// has the 101 the client got, with error.message, or the panic at ERROR.
// (middleware.Recover registered inside Middleware calls the error
// handler itself, unless its DisableErrorHandler is set.)
//
// # Panics
//
// A panic below Middleware is recovered and handed to the HTTPErrorHandler
// as an error, as Echo's middleware.Recover does, so the client gets the
// application's usual 500 response; the access line has the panic value
// and a bounded stack at ERROR. Options.RePanic lets it go on to an outer
// recoverer after that. http.ErrAbortHandler is logged as 499 and always
// passed on, for net/http to drop the connection.
//
// The line does not depend on the order relative to middleware.Recover:
// registered before Middleware (outside), Recover never sees the panic.
// Registered after it (inside), Recover catches the panic first and calls
// the error handler itself, so Middleware sees only the 500 it wrote; set
// RecoverConfig.LogErrorFunc to RecoverLogErrorFunc and Middleware gets
// the panic and Recover's stack too. Without it that order still logs the
// right status and level, but not the panic value.
//
// # Logging in handlers
//
// Logger(c) returns a logger whose lines carry the request's trace and
// request id even when called without a context (Info rather than
// InfoContext); see Logger.
//
// # Package name
//
// The import path ends in echo, but the package is named logweaveecho: a
// package named echo would shadow github.com/labstack/echo/v4 in every file
// that uses both. Echo v5 has its own adapter, contrib/echov5.
package logweaveecho

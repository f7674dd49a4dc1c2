package logweavefiberv3

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v3"
	"github.com/logweave/logweave/httplog"
	"github.com/valyala/fasthttp"
)

// Middleware returns Fiber middleware that logs each request with logger
// and carries its trace context, with httplog's options, fields and
// levels; see the package documentation. A nil logger is slog.Default(),
// a nil opts the zero Options. Options.Route is not used: the route is
// the one Fiber matched (c.Route().Path). Register it first, with
// app.Use, so that it sees every request and every error.
func Middleware(logger *slog.Logger, opts *httplog.Options) fiber.Handler {
	c := newCore(logger, opts)
	return func(fc fiber.Ctx) error { return serve(c, fc) }
}

// serve handles one request: it reads the trace context, runs the rest
// of the chain, the error handler for what it returns and the recovery for
// a panic, and writes the access line (or hands that to the body stream).
func serve(core *core, c fiber.Ctx) (err error) {
	fctx := c.RequestCtx()
	ex := core.acquire(fctx)
	ctx := core.rec.Begin(c.Context(), &ex.carrier, (*responseCarrier)(&fctx.Response.Header))
	c.SetContext(ctx)
	fctx.SetUserValue(coreKey{}, core)
	if ex.skipped(fctx) {
		ex.release()
		return c.Next() // Fiber handles what it returns, as without us
	}
	ex.ctx = ctx
	ex.snapshot(fctx)

	const (
		handling = iota
		handlingError
		done
	)
	phase := handling
	defer func() {
		if phase == done {
			return
		}
		p := recover()
		if p == nil {
			// runtime.Goexit, not a panic: the response is what the
			// handler left.
			ex.end(fctx, route(c))
			return
		}
		ex.panicked(p, core.rec.PanicStack())
		if core.rePanic {
			// An outer recover (Fiber's) turns the panic into an error
			// for the error handler, which answers 500.
			ex.status = fiber.StatusInternalServerError
			ex.route = route(c)
			ex.finish(false)
			panic(p)
		}
		if phase == handling {
			// The error handler renders the 500 as it renders any
			// error, with a generic message: the panic's text is for
			// the log, not for the client.
			handleError(c, fiber.ErrInternalServerError)
		} else {
			// The error handler itself panicked: answer as Fiber does
			// when it fails.
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
		ex.end(fctx, route(c))
		err = nil
	}()
	if err := c.Next(); err != nil {
		// Run the error handler here, so that the status it writes is
		// the status logged; returning nil keeps Fiber from running it a
		// second time.
		phase = handlingError
		handleError(c, err)
	}
	phase = done
	ex.end(fctx, route(c))
	return nil
}

// handleError passes err to the application's error handler (a mounted
// sub-application's, for its routes), and answers 500 when that fails, as
// Fiber does.
func handleError(c fiber.Ctx, err error) {
	if c.App().ErrorHandler(c, err) != nil {
		_ = c.SendStatus(fiber.StatusInternalServerError)
	}
}

// route returns the route template Fiber matched ("/users/:id"), or ""
// when none did, as for a 404 or a 405: then the route last entered is a
// middleware's, whose path ("/") is no route template.
func route(c fiber.Ctx) string {
	if !c.Matched() {
		return ""
	}
	return c.Route().Path
}

// visitRequestHeaders calls f with each header of h.
func visitRequestHeaders(h *fasthttp.RequestHeader, f func(k, v []byte)) {
	for k, v := range h.All() {
		f(k, v)
	}
}

// visitResponseHeaders calls f with each header of h.
func visitResponseHeaders(h *fasthttp.ResponseHeader, f func(k, v []byte)) {
	for k, v := range h.All() {
		f(k, v)
	}
}

// isFiberContext reports whether ctx is a Fiber context: a fiber.Ctx is a
// context.Context whose values are fasthttp's user values, which do not
// hold the trace.
func isFiberContext(ctx context.Context) bool {
	_, ok := ctx.(fiber.Ctx)
	return ok
}

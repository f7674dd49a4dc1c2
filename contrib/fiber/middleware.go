package logweavefiber

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
	logweavefasthttp "github.com/logweave/logweave/contrib/fasthttp"
	"github.com/logweave/logweave/httplog"
)

// Middleware returns Fiber middleware that logs each request with logger
// and carries its trace context, with httplog's options, fields and
// levels; see the package documentation. A nil logger is slog.Default(),
// a nil opts the zero Options. Options.Route is not used: the route is
// the one Fiber matched (c.Route().Path). Register it first, with
// app.Use, so that it sees every request and every error.
func Middleware(logger *slog.Logger, opts *httplog.Options) fiber.Handler {
	m := &middleware{rec: logweavefasthttp.NewRecorder(logger, opts)}
	if opts != nil {
		m.rePanic = opts.RePanic
	}
	return m.serve
}

// middleware is the Fiber glue around a logweavefasthttp.Recorder, which
// does the rest: the trace context and the access line.
type middleware struct {
	rec     *logweavefasthttp.Recorder
	rePanic bool
	routes  routeIndex
}

// serve handles one request: it reads the trace context, runs the rest
// of the chain, the error handler for what it returns and the recovery for
// a panic, and writes the access line.
func (m *middleware) serve(c *fiber.Ctx) (err error) {
	ctx, ex := m.rec.Begin(c.UserContext(), c.Context())
	c.SetUserContext(ctx)
	if ex == nil {
		return c.Next() // skipped: Fiber handles what it returns, as without us
	}

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
			ex.End(m.routes.route(c))
			return
		}
		ex.Panicked(p)
		if m.rePanic {
			// An outer recover (Fiber's) turns the panic into an error
			// for the error handler, which answers 500.
			ex.EndStatus(m.routes.route(c), fiber.StatusInternalServerError)
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
		ex.End(m.routes.route(c))
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
	ex.End(m.routes.route(c))
	return nil
}

// handleError passes err to the application's error handler (a mounted
// sub-application's, for its routes), and answers 500 when that fails, as
// Fiber does.
func handleError(c *fiber.Ctx, err error) {
	if c.App().ErrorHandler(c, err) != nil {
		_ = c.SendStatus(fiber.StatusInternalServerError)
	}
}

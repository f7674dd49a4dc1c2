package logweaveecho

import "github.com/labstack/echo/v4"

// recoveredKey is the echo.Context key under which RecoverLogErrorFunc
// leaves a recovered panic for Middleware.
const recoveredKey = "logweaveecho.recovered"

// recovered is a panic middleware.Recover caught, as its LogErrorFunc
// gets it.
type recovered struct {
	value any
	stack string
}

// RecoverLogErrorFunc is a LogErrorFunc for Echo's middleware.Recover
// (middleware.RecoverConfig) that hands the panic it recovered to
// Middleware, for when Recover is registered after (inside) Middleware:
// Recover then catches the panic first and calls the error handler itself,
// and Middleware would see only the 500 it wrote. With it the access line
// has the panic value and Recover's stack, as when Middleware recovers the
// panic itself. It returns err, so Recover goes on to call the error
// handler; Recover's own "[PANIC RECOVER]" print is left out, since the
// access line says it.
//
//	e.Use(logweaveecho.Middleware(logger, nil))
//	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
//		LogErrorFunc: logweaveecho.RecoverLogErrorFunc,
//	}))
func RecoverLogErrorFunc(c echo.Context, err error, stack []byte) error {
	c.Set(recoveredKey, &recovered{value: err, stack: string(stack)})
	return err
}

package bench

import (
	"log/slog"
	"testing"
	"time"

	ginzap "github.com/gin-contrib/zap"
	"github.com/gin-gonic/gin"
	logweavegin "github.com/logweave/logweave/contrib/gin"
	sloggin "github.com/samber/slog-gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// ginMiddlewareCase is one Gin middleware compared in BenchmarkGin. The
// slog ones (logweave's and samber/slog-gin, defaults) log through the
// same logweave handler; gin-contrib/zap takes a *zap.Logger and cannot
// use a slog handler, so it gets zap's JSON core (production encoder
// config) on the same kind of counting writer.
type ginMiddlewareCase struct {
	name string
	// new returns the middleware logging to w at level (the access line
	// is INFO: above it, the line is not written).
	new func(w *countingWriter, level slog.Level) gin.HandlerFunc
}

var ginMiddlewares = []ginMiddlewareCase{
	{"bare", nil},
	{"logweave", func(w *countingWriter, level slog.Level) gin.HandlerFunc {
		return logweavegin.Middleware(newMiddlewareLogger(w, level), nil)
	}},
	{"slog-gin", func(w *countingWriter, level slog.Level) gin.HandlerFunc {
		return sloggin.New(newMiddlewareLogger(w, level))
	}},
	// As gin-contrib/zap's README registers it: with a time field in
	// RFC 3339, UTC.
	{"gin-contrib-zap", func(w *countingWriter, level slog.Level) gin.HandlerFunc {
		return ginzap.Ginzap(newGinZapLogger(w, level), time.RFC3339, true)
	}},
	// Without that field (an empty time format): its cheapest setting.
	{"gin-contrib-zap-notime", func(w *countingWriter, level slog.Level) gin.HandlerFunc {
		return ginzap.Ginzap(newGinZapLogger(w, level), "", true)
	}},
}

// newGinZapLogger is a zap logger with zap's JSON core (newZapCore's
// production encoder config, no sampling, no caller) writing to w, at the
// zap level that matches level.
func newGinZapLogger(w *countingWriter, level slog.Level) *zap.Logger {
	zl := zapcore.InfoLevel
	if level > slog.LevelError {
		zl = zapcore.DPanicLevel // above ERROR, as slog.LevelError+4
	}
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(w), zl))
}

// BenchmarkGin measures the per-request cost of each Gin middleware over
// the bare engine: a gin.Engine (release mode, no other middleware) with
// a /users/:id route whose handler writes 9 bytes, called directly with
// the same pre-built request as BenchmarkMiddleware (a path, a query, a
// user agent and an incoming traceparent) and a ResponseWriter that
// allocates nothing. logger=off sets the level above the access line.
func BenchmarkGin(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	for _, level := range loggerLevels {
		for _, mc := range ginMiddlewares {
			b.Run("logger="+level.name+"/mw="+mc.name, func(b *testing.B) {
				w := &countingWriter{}
				engine := gin.New()
				if mc.new != nil {
					engine.Use(mc.new(w, level.level))
				}
				engine.GET("/users/:id", func(c *gin.Context) {
					c.Writer.WriteString(`{"id":42}`)
				})
				req := benchRequest()
				rw := &nopResponseWriter{h: map[string][]string{}}
				b.ReportAllocs()
				for b.Loop() {
					clear(rw.h)
					engine.ServeHTTP(rw, req)
				}
				if level.name == "on" && mc.new != nil && w.lines != int64(b.N) {
					b.Fatalf("%d access lines for %d requests", w.lines, b.N)
				}
				// What each writes per request: the lines differ in size.
				b.ReportMetric(float64(w.bytes)/float64(b.N), "out-B/op")
			})
		}
	}
}

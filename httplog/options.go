package httplog

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/logweave/logweave/clientip"
	"github.com/logweave/logweave/httplog/internal/access"
	"go.opentelemetry.io/otel/propagation"
)

// Options configure Middleware. The zero value (or nil) logs every
// request with the defaults each field names.
type Options struct {
	// Propagator reads the trace context and request id that arrive with
	// a request. Default: W3C traceparent/tracestate, then B3, and
	// X-Request-ID (tracectx.Default). When nothing valid
	// arrives, a new trace is started, so every request has a trace id.
	// When the context already holds a span (an OpenTelemetry middleware
	// such as otelhttp ran first), that span is kept.
	Propagator propagation.TextMapPropagator

	// ClientIP finds the client's address for client.address. Default:
	// the socket peer, which is right when no proxy is in front. Behind
	// proxies or a CDN, pick a strategy from package clientip.
	ClientIP clientip.Strategy

	// RequestIDHeader is the response header that carries the request id
	// back to the client: the one the client sent, or else the trace id.
	// Default "X-Request-ID"; "-" writes none.
	RequestIDHeader string

	// ResponseTraceparent also writes a W3C traceparent response header,
	// so a client can quote the trace in a bug report.
	ResponseTraceparent bool

	// Level chooses the access line's level. Default: ERROR for 5xx and
	// panics, WARN for 4xx (499 included: the client went away), INFO
	// otherwise, and at least WARN when the request took SlowThreshold or
	// longer.
	Level func(status int, duration time.Duration) slog.Level

	// SlowThreshold raises the level of slow requests (see Level); 0
	// turns it off.
	SlowThreshold time.Duration

	// Skip reports whether a request gets no access line (health checks,
	// metrics scrapes). Its trace context is still read and passed on.
	// SkipPaths and SkipPrefixes are shorthands for the common cases.
	Skip         func(r *http.Request) bool
	SkipPaths    []string
	SkipPrefixes []string

	// SkipRoutes lists route templates (as Route returns them, e.g.
	// "GET /healthz") whose requests get no access line unless they fail
	// (5xx or a panic): the route is known only after routing, so the
	// request is handled as usual and the line is dropped at the end.
	SkipRoutes []string

	// SampleRoutes logs one request in N for the given route templates
	// (or, for requests without a route, paths): {"GET /healthz": 100}.
	// Failures (5xx, panics) are always logged.
	SampleRoutes map[string]int

	// Route returns the route template of a request ("/users/{id}") for
	// http.route, after the handler ran. Default: r.Pattern, which
	// net/http's ServeMux sets (Go 1.22 patterns). Routers that keep the
	// route elsewhere (chi) plug in here. For the framework adapters it
	// replaces the route the framework matched. It is asked only for
	// requests whose line is written.
	Route func(r *http.Request) string

	// RequestHeaders and ResponseHeaders list the headers written to the
	// access line (as http.request.header.<name>). Only these are
	// logged; credentials among them (Authorization, Cookie, X-Api-Key,
	// ...; see IsSensitiveHeader) are always masked.
	RequestHeaders  []string
	ResponseHeaders []string

	// SensitiveQueryKeys are query parameters whose values are masked in
	// url.query, and in captured form and multipart bodies. Default:
	// DefaultSensitiveQueryKeys. A key matches in any case, after
	// percent-decoding, as a whole or as any bracket segment
	// ("user[password]", "user%5Bpassword%5D", "a[b][token]" and
	// "password[]" all match "password" and "token"). A value is masked
	// too when it is, as sent or percent-decoded once or twice, a URL or
	// a path whose query or fragment holds a sensitive parameter
	// ("next=%2Freset%3Ftoken%3D..."); values longer than 2 KiB are
	// checked only as sent. The whole value is masked: the rest of an
	// encoded URL could not be kept as sent.
	SensitiveQueryKeys []string

	// BodyContentTypes and MaxBodyBytes turn on body capture: request and
	// response bodies whose Content-Type starts with one of
	// BodyContentTypes are logged (http.request.body, http.response.body),
	// up to MaxBodyBytes each. Off by default. Only what the handler read
	// of the request body is logged (the middleware never reads a body
	// itself), and at most MaxBodyBytes are kept in memory. A captured
	// response written with io.Copy is copied through the middleware
	// instead of the server's sendfile path.
	//
	// The middleware masks what it knows by structure before the line
	// reaches the handler: a form body (application/x-www-form-urlencoded)
	// as url.query is masked, and the contents of the parts of a
	// multipart/form-data body whose field name is sensitive (or, for a
	// field that is not a file, whose value is a URL with a secret, as in
	// a query), by SensitiveQueryKeys. A part cut by MaxBodyBytes is
	// masked to the end of what was captured, a part whose
	// Content-Disposition cannot be read is masked, and a multipart body
	// without a boundary in its Content-Type is masked whole. Other
	// bodies are logged as captured, for the handler's redaction to scan.
	BodyContentTypes []string
	MaxBodyBytes     int

	// RePanic makes a recovered panic propagate again after it is logged
	// (and a 500 written), for an outer recoverer. By default the
	// middleware recovers, writes 500 if nothing was sent yet, and the
	// server goes on.
	RePanic bool

	// MaxStackBytes bounds the stack written for a panic. Default 8 KiB.
	MaxStackBytes int
}

// DefaultSensitiveQueryKeys are the query parameters whose values are
// masked by default: credentials that clients put in URLs.
var DefaultSensitiveQueryKeys = []string{
	"token", "access_token", "refresh_token", "id_token", "code", "password", "passwd", "pwd",
	"secret", "client_secret", "api_key", "apikey", "key", "signature", "sig", "auth", "session", "jwt",
}

// IsSensitiveHeader reports whether the header name (in any case) is one
// whose value the middleware never logs in the clear.
func IsSensitiveHeader(name string) bool { return access.IsSensitiveHeader(name) }

// Mask, "[REDACTED]", is what stands in the log for a value that must not
// appear.
const Mask = access.Mask

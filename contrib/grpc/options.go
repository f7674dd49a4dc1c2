package logweavegrpc

import (
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/grpc/codes"
)

// Options configure the interceptors. The zero value (or nil) logs every
// call but health checks, with the defaults each field names.
type Options struct {
	// Propagator reads the trace context and request id from incoming
	// metadata (server) and writes them to outgoing metadata (client).
	// Default: tracectx.Default, which reads W3C traceparent/tracestate,
	// then B3, and x-request-id or its common aliases, and writes
	// traceparent, tracestate, b3 and x-request-id. On a server, when no
	// valid trace arrives a new one is started, and a span already in the
	// context (an OpenTelemetry stats handler ran first) is kept.
	Propagator propagation.TextMapPropagator

	// Level chooses the level of a call's line from its status code and
	// duration. Default: DefaultLevel.
	Level func(code codes.Code, duration time.Duration) slog.Level

	// SkipMethods lists the calls that get no line: full method names
	// ("/pkg.Service/Method"), or a service followed by a slash
	// ("/pkg.Service/") for all its methods. The trace context is still
	// read and passed on, and a panic is still recovered and logged. Nil
	// means DefaultSkipMethods; an empty, non-nil slice skips nothing.
	SkipMethods []string

	// MaxStackBytes bounds the stack logged for a panic. Default 8 KiB.
	MaxStackBytes int
}

// DefaultSkipMethods are the calls that get no line by default: the
// standard health service (grpc.health.v1.Health: Check, Watch and List),
// which load balancers and orchestrators call every few seconds.
var DefaultSkipMethods = []string{"/grpc.health.v1.Health/"}

// DefaultLevel is the default Options.Level. It maps the status code as
// the gRPC specification describes who is at fault:
//
//   - INFO: OK.
//   - WARN: the caller's side, or no fault of the server: Canceled (the
//     caller gave up), InvalidArgument, NotFound, AlreadyExists,
//     PermissionDenied, Unauthenticated, FailedPrecondition and
//     OutOfRange.
//   - ERROR: the server's side: Unknown, DeadlineExceeded (the server was
//     too slow for the caller), ResourceExhausted, Aborted, Unimplemented,
//     Internal, Unavailable and DataLoss, and any code the specification
//     does not define.
//
// The duration is not used; wrap DefaultLevel to raise slow calls.
func DefaultLevel(code codes.Code, _ time.Duration) slog.Level {
	switch code {
	case codes.OK:
		return slog.LevelInfo
	case codes.Canceled, codes.InvalidArgument, codes.NotFound, codes.AlreadyExists,
		codes.PermissionDenied, codes.Unauthenticated, codes.FailedPrecondition, codes.OutOfRange:
		return slog.LevelWarn
	}
	return slog.LevelError
}

// codeNames are the status codes' names as the gRPC specification writes
// them (statuscodes.md), which OpenTelemetry's rpc.response.status_code
// uses. codes.Code.String spells them differently ("DeadlineExceeded").
var codeNames = [...]string{
	codes.OK:                 "OK",
	codes.Canceled:           "CANCELLED",
	codes.Unknown:            "UNKNOWN",
	codes.InvalidArgument:    "INVALID_ARGUMENT",
	codes.DeadlineExceeded:   "DEADLINE_EXCEEDED",
	codes.NotFound:           "NOT_FOUND",
	codes.AlreadyExists:      "ALREADY_EXISTS",
	codes.PermissionDenied:   "PERMISSION_DENIED",
	codes.ResourceExhausted:  "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION",
	codes.Aborted:            "ABORTED",
	codes.OutOfRange:         "OUT_OF_RANGE",
	codes.Unimplemented:      "UNIMPLEMENTED",
	codes.Internal:           "INTERNAL",
	codes.Unavailable:        "UNAVAILABLE",
	codes.DataLoss:           "DATA_LOSS",
	codes.Unauthenticated:    "UNAUTHENTICATED",
}

// CodeName returns the name the gRPC specification gives code
// ("DEADLINE_EXCEEDED"), the value of rpc.response.status_code; a code
// the specification does not define is written as its number.
func CodeName(code codes.Code) string {
	if int(code) < len(codeNames) {
		return codeNames[code]
	}
	return strconv.FormatUint(uint64(code), 10)
}

// config is Options with the defaults applied, read by every call.
type config struct {
	logger       *slog.Logger
	prop         propagation.TextMapPropagator
	level        func(codes.Code, time.Duration) slog.Level
	skipMethods  map[string]bool
	skipServices []string
	maxStack     int
}

func newConfig(logger *slog.Logger, o *Options) *config {
	if logger == nil {
		logger = slog.Default()
	}
	if o == nil {
		o = &Options{}
	}
	c := &config{
		logger:   logger,
		prop:     o.Propagator,
		level:    o.Level,
		maxStack: o.MaxStackBytes,
	}
	if c.prop == nil {
		c.prop = tracectx.Default()
	}
	if c.level == nil {
		c.level = DefaultLevel
	}
	skip := o.SkipMethods
	if skip == nil {
		skip = DefaultSkipMethods
	}
	for _, m := range skip {
		if strings.HasSuffix(m, "/") {
			c.skipServices = append(c.skipServices, m)
			continue
		}
		if c.skipMethods == nil {
			c.skipMethods = make(map[string]bool)
		}
		c.skipMethods[m] = true
	}
	return c
}

// skipped reports whether the call to fullMethod gets no line.
func (c *config) skipped(fullMethod string) bool {
	if c.skipMethods[fullMethod] {
		return true
	}
	for _, s := range c.skipServices {
		if strings.HasPrefix(fullMethod, s) {
			return true
		}
	}
	return false
}

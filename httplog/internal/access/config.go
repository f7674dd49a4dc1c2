package access

import (
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/logweave/logweave/clientip"
	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
)

// Options is httplog.Options field for field (see the package
// documentation); httplog documents the fields.
type Options struct {
	Propagator          propagation.TextMapPropagator
	ClientIP            clientip.Strategy
	RequestIDHeader     string
	ResponseTraceparent bool
	Level               func(status int, duration time.Duration) slog.Level
	SlowThreshold       time.Duration
	Skip                func(r *http.Request) bool
	SkipPaths           []string
	SkipPrefixes        []string
	SkipRoutes          []string
	SampleRoutes        map[string]int
	Route               func(r *http.Request) string
	RequestHeaders      []string
	ResponseHeaders     []string
	SensitiveQueryKeys  []string
	BodyContentTypes    []string
	MaxBodyBytes        int
	RePanic             bool
	MaxStackBytes       int
}

// Config is Options with the defaults applied, read by every request.
type Config struct {
	logger          *slog.Logger
	prop            propagation.TextMapPropagator
	clientIP        clientip.Strategy
	requestIDHeader string
	traceparent     bool
	level           func(int, time.Duration) slog.Level
	slow            time.Duration
	skip            func(*http.Request) bool
	skipPaths       map[string]bool
	skipPrefixes    []string
	route           func(*http.Request) string // Options.Route; nil when not set
	reqHeaders      []headerField
	respHeaders     []headerField
	sensitiveQuery  map[string]bool
	rePanic         bool
	maxStack        int
	skipRoutes      map[string]bool
	sample          map[string]*sampler
	bodyTypes       []string
	maxBody         int
}

// sampler keeps one request in every n.
type sampler struct {
	n     uint64
	count atomic.Uint64
}

func (s *sampler) keep() bool { return s.count.Add(1)%s.n == 1 || s.n == 1 }

// headerField is a header to log and the key it is logged under.
type headerField struct {
	name, key string
	masked    bool
}

// NewConfig compiles o for logger (slog.Default() when nil); a nil o is
// the zero Options. defaultSensitive are the query keys masked when
// o.SensitiveQueryKeys is nil: httplog.DefaultSensitiveQueryKeys, read
// now, so that a program that changed it is heard.
func NewConfig(logger *slog.Logger, o *Options, defaultSensitive []string) *Config {
	if logger == nil {
		logger = slog.Default()
	}
	if o == nil {
		o = &Options{}
	}
	c := &Config{
		logger:          logger,
		prop:            o.Propagator,
		clientIP:        o.ClientIP,
		requestIDHeader: o.RequestIDHeader,
		traceparent:     o.ResponseTraceparent,
		level:           o.Level,
		slow:            o.SlowThreshold,
		skip:            o.Skip,
		skipPrefixes:    o.SkipPrefixes,
		route:           o.Route,
		rePanic:         o.RePanic,
		maxStack:        o.MaxStackBytes,
	}
	if c.prop == nil {
		c.prop = tracectx.Default()
	}
	if c.clientIP == nil {
		c.clientIP = clientip.RemoteAddr()
	}
	switch c.requestIDHeader {
	case "":
		c.requestIDHeader = "X-Request-Id"
	case "-":
		c.requestIDHeader = ""
	default:
		c.requestIDHeader = http.CanonicalHeaderKey(c.requestIDHeader)
	}
	if len(o.SkipPaths) > 0 {
		c.skipPaths = make(map[string]bool, len(o.SkipPaths))
		for _, p := range o.SkipPaths {
			c.skipPaths[p] = true
		}
	}
	keys := o.SensitiveQueryKeys
	if keys == nil {
		keys = defaultSensitive
	}
	c.sensitiveQuery = make(map[string]bool, len(keys))
	for _, k := range keys {
		c.sensitiveQuery[strings.ToLower(k)] = true
	}
	if len(o.SkipRoutes) > 0 {
		c.skipRoutes = make(map[string]bool, len(o.SkipRoutes))
		for _, r := range o.SkipRoutes {
			c.skipRoutes[r] = true
		}
	}
	for route, n := range o.SampleRoutes {
		if n <= 1 {
			continue // one in one, or nonsense: log every request
		}
		if c.sample == nil {
			c.sample = make(map[string]*sampler, len(o.SampleRoutes))
		}
		c.sample[route] = &sampler{n: uint64(n)}
	}
	if o.MaxBodyBytes > 0 && len(o.BodyContentTypes) > 0 {
		c.bodyTypes = o.BodyContentTypes
		c.maxBody = o.MaxBodyBytes
	}
	c.reqHeaders = headerFields(RequestHeaderPrefix, o.RequestHeaders)
	c.respHeaders = headerFields(ResponseHeaderPrefix, o.ResponseHeaders)
	return c
}

func headerFields(prefix string, names []string) []headerField {
	fields := make([]headerField, 0, len(names))
	for _, n := range names {
		fields = append(fields, headerField{
			name:   http.CanonicalHeaderKey(n),
			key:    prefix + strings.ToLower(n),
			masked: IsSensitiveHeader(n),
		})
	}
	return fields
}

// Skips reports whether r gets no access line by SkipPaths, SkipPrefixes
// or Skip (SkipRoutes and SampleRoutes are applied when the line is
// written).
func (c *Config) Skips(r *http.Request) bool {
	if c.skipPaths[r.URL.Path] {
		return true
	}
	for _, p := range c.skipPrefixes {
		if strings.HasPrefix(r.URL.Path, p) {
			return true
		}
	}
	return c.skip != nil && c.skip(r)
}

// RePanic reports whether a recovered panic is to be raised again once
// it is logged (Options.RePanic).
func (c *Config) RePanic() bool { return c.rePanic }

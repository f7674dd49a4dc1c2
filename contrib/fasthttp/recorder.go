package logweavefasthttp

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/logweave/logweave/clientip"
	"github.com/logweave/logweave/httplog"
	"github.com/logweave/logweave/httplog/adapter"
	"github.com/valyala/fasthttp"
)

// Recorder is Middleware taken apart for frameworks built on fasthttp
// (the Fiber adapters use it): the same options, trace handling and
// access line, with the framework running its handlers between Begin and
// Exchange.End. It holds an adapter.Recorder (package httplog/adapter),
// which reads the trace context and writes the access line exactly as
// httplog's middleware does, and applies itself the options that httplog
// would read from an *http.Request, which fasthttp does not have. A
// Recorder is safe for concurrent use; make one per middleware, not per
// request.
type Recorder struct {
	rec    *adapter.Recorder
	logger *slog.Logger
	// strategy is Options.ClientIP, nil for the default (the socket
	// peer), which is read from the connection without building an
	// *http.Request.
	strategy    clientip.Strategy
	skip        skipKind
	reqHeaders  []string // Options.RequestHeaders, canonical
	respHeaders []string // Options.ResponseHeaders, canonical
	bodyTypes   []string // Options.BodyContentTypes, when capture is on
	maxBody     int
	// zeroCopy is set when the default propagator reads the trace
	// headers: it parses traceparent and B3 values into fixed-size ids
	// and keeps nothing of them, so they need not be copied out of
	// fasthttp's buffers (see RequestHeaderCarrier).
	zeroCopy bool
}

// skipKind says what adapter.Recorder.Skips needs to see of a request.
type skipKind uint8

const (
	skipNever     skipKind = iota // no Skip, SkipPaths or SkipPrefixes
	skipByPath                    // SkipPaths or SkipPrefixes: the path only
	skipByRequest                 // Skip: any part of the request
)

// NewRecorder returns a Recorder that logs with logger (slog.Default()
// when nil) as httplog.Middleware does with opts (the zero Options when
// nil). Options.RePanic and Options.Route are left to the caller, which
// decides how a panic ends and knows the route; Middleware applies them.
// Options.MaxBodyBytes captures buffered response bodies only: a streamed
// one is sent after Exchange.End, which logs its declared size.
func NewRecorder(logger *slog.Logger, opts *httplog.Options) *Recorder {
	if logger == nil {
		logger = slog.Default()
	}
	var o httplog.Options
	if opts != nil {
		o = *opts
	}
	r := &Recorder{
		rec:         adapter.NewRecorder(logger, &o),
		logger:      logger,
		reqHeaders:  canonicalNames(o.RequestHeaders),
		respHeaders: canonicalNames(o.ResponseHeaders),
		zeroCopy:    o.Propagator == nil,
	}
	// Comparing interfaces is safe here even for a strategy of an
	// incomparable type: values of different dynamic types are unequal
	// without comparing the values.
	if o.ClientIP != nil && o.ClientIP != clientip.RemoteAddr() {
		r.strategy = o.ClientIP
	}
	switch {
	case o.Skip != nil:
		r.skip = skipByRequest
	case len(o.SkipPaths) > 0 || len(o.SkipPrefixes) > 0:
		r.skip = skipByPath
	}
	if o.MaxBodyBytes > 0 && len(o.BodyContentTypes) > 0 {
		r.bodyTypes = slices.Clone(o.BodyContentTypes)
		r.maxBody = o.MaxBodyBytes
	}
	return r
}

func canonicalNames(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, http.CanonicalHeaderKey(n))
	}
	return out
}

// capturesBody reports whether a body of this Content-Type is logged, as
// httplog decides it.
func (r *Recorder) capturesBody(contentType []byte) bool {
	for _, t := range r.bodyTypes {
		if len(contentType) >= len(t) && string(contentType[:len(t)]) == t {
			return true
		}
	}
	return false
}

// recorderKey is the fasthttp user value under which Begin leaves the
// Recorder, for LoggerContext to find the logger.
type recorderKey struct{}

// Begin starts the record of the request in fctx, before any handler
// runs: it reads the trace context and request id from the request's
// headers into ctx (or starts a trace), answers with X-Request-ID on the
// response, and takes what the access line says about the request as it
// arrived. It returns the context the handlers must run with, and the
// Exchange to end when they have returned, or nil for a request that
// Options.Skip, SkipPaths or SkipPrefixes exclude (its trace is read and
// answered all the same).
//
// ctx is the parent: context.Background(), or the context a framework
// keeps for the request. It must not be fctx, nor anything else whose
// values are fasthttp's user values: fasthttp reuses those for the next
// request, and the returned context may outlive this one.
func (r *Recorder) Begin(ctx context.Context, fctx *fasthttp.RequestCtx) (context.Context, *Exchange) {
	ex := exchangePool.Get().(*Exchange)
	ex.rec = r
	ex.start = time.Now()
	ex.fctx = fctx
	ex.reqCarrier.Header = &fctx.Request.Header
	ex.reqCarrier.zeroCopy = r.zeroCopy
	ex.respCarrier.Header = &fctx.Response.Header
	ctx = r.rec.Begin(ctx, &ex.reqCarrier, &ex.respCarrier)
	fctx.SetUserValue(recorderKey{}, r)
	if ex.skipped() {
		ex.release()
		return ctx, nil
	}
	ex.ctx = ctx
	ex.snapshot()
	return ctx, ex
}

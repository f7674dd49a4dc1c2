// Package tracectx carries trace context in a context.Context and across
// process boundaries.
//
// In a context: NewRoot, NewChild, WithRemote and WithRequestID put trace
// ids and a request id into a context for code that has no OpenTelemetry
// SDK. The ids are OpenTelemetry's own types and live where OpenTelemetry
// puts them (trace.ContextWithRemoteSpanContext), so logweave's handler,
// an OTel SDK started later, and any other OTel-aware library all see the
// same trace. Generated ids are W3C Trace Context valid: lowercase hex when
// printed, never all zeros, and trace ids are random (the W3C Level 2
// "random" flag is set on them).
//
// Across boundaries: W3C (traceparent, tracestate), B3 and
// RequestIDPropagator implement OpenTelemetry's
// propagation.TextMapPropagator, so they work with or without an SDK;
// Composite tries them in order, Default is the combination logweave uses,
// and ExtractOrStart is what a server does with an incoming request. Input
// from untrusted clients is bounded and validated: a malformed header is
// ignored (a new trace starts), never an error for the request.
package tracectx

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"
)

// NewTraceID returns a random trace id that is never all zeros.
//
// The randomness comes from math/rand/v2's global generator, which is
// ChaCha8 seeded per thread by the runtime: unpredictable enough for ids,
// lock-free, and it does not allocate.
func NewTraceID() trace.TraceID {
	var id trace.TraceID
	for !id.IsValid() {
		putUint64(id[:8], rand.Uint64())
		putUint64(id[8:], rand.Uint64())
	}
	return id
}

// NewSpanID returns a random span id that is never all zeros.
func NewSpanID() trace.SpanID {
	var id trace.SpanID
	for !id.IsValid() {
		putUint64(id[:], rand.Uint64())
	}
	return id
}

func putUint64(b []byte, v uint64) {
	_ = b[7]
	for i := range 8 {
		b[i] = byte(v >> (56 - 8*i))
	}
}

// NewRoot returns a copy of ctx that carries a new trace: a fresh trace id
// and span id, with the sampled and random flags set. Use it where a unit of
// work starts and no trace context arrived with it (a cron job, a message
// without headers, a program's main).
func NewRoot(ctx context.Context) context.Context {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    NewTraceID(),
		SpanID:     NewSpanID(),
		TraceFlags: trace.FlagsSampled | trace.FlagsRandom,
	})
	return trace.ContextWithSpanContext(orBackground(ctx), sc)
}

// NewChild returns a copy of ctx with a new span id in the trace that ctx
// already carries, keeping its flags and trace state: the context for a
// call this service makes on behalf of the current one. When ctx carries no
// valid trace, NewChild starts one, as NewRoot does.
func NewChild(ctx context.Context) context.Context {
	parent := trace.SpanContextFromContext(ctx)
	if !parent.IsValid() {
		return NewRoot(ctx)
	}
	sc := parent.WithSpanID(NewSpanID()).WithRemote(false)
	return trace.ContextWithSpanContext(orBackground(ctx), sc)
}

// ErrInvalidIDs is returned (wrapped) when ids received from elsewhere are
// not valid W3C ids.
var ErrInvalidIDs = errors.New("tracectx: invalid trace context")

// WithRemote returns a copy of ctx that carries the trace context received
// from a caller: its trace id, the caller's span id and the trace flags.
// It fails when either id is all zeros, and ctx is then returned unchanged.
func WithRemote(ctx context.Context, traceID trace.TraceID, spanID trace.SpanID, flags trace.TraceFlags) (context.Context, error) {
	ctx = orBackground(ctx)
	if !traceID.IsValid() {
		return ctx, fmt.Errorf("%w: trace id is all zeros", ErrInvalidIDs)
	}
	if !spanID.IsValid() {
		return ctx, fmt.Errorf("%w: span id is all zeros", ErrInvalidIDs)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: traceID, SpanID: spanID, TraceFlags: flags})
	return trace.ContextWithRemoteSpanContext(ctx, sc), nil
}

// WithRemoteHex is WithRemote for ids received as text: a 32-digit trace id
// and a 16-digit span id in lowercase hex, as W3C traceparent carries them.
// Uppercase digits, other lengths and all-zero ids are rejected with an
// error that says which id was wrong; ctx is then returned unchanged.
func WithRemoteHex(ctx context.Context, traceID, spanID string, flags trace.TraceFlags) (context.Context, error) {
	tid, err := trace.TraceIDFromHex(traceID)
	if err != nil {
		return orBackground(ctx), fmt.Errorf("%w: trace id %.40q: %v", ErrInvalidIDs, traceID, err)
	}
	sid, err := trace.SpanIDFromHex(spanID)
	if err != nil {
		return orBackground(ctx), fmt.Errorf("%w: span id %.40q: %v", ErrInvalidIDs, spanID, err)
	}
	return WithRemote(ctx, tid, sid, flags)
}

// requestIDKey is the context key for the request id; an unexported type
// so no other package can collide with it.
type requestIDKey struct{}

// requestIDsUsed turns true the first time WithRequestID runs. Until then
// no context can hold a request id, and RequestID, which the log handler
// calls for every traced line, answers without walking the context.
var requestIDsUsed atomic.Bool

// WithRequestID returns a copy of ctx that carries id as the request id.
// logweave's handler writes it as request_id on every line logged with the
// context. An empty id removes a request id set further up. It costs one
// allocation (context.WithValue would cost two: the context, and the id
// boxed in an interface).
func WithRequestID(ctx context.Context, id string) context.Context {
	if !requestIDsUsed.Load() {
		requestIDsUsed.Store(true)
	}
	return &requestIDContext{Context: orBackground(ctx), id: id}
}

// requestIDContext is a context that carries a request id. Its Value
// answers with a pointer to the id it holds, which an interface holds
// without an allocation of its own.
type requestIDContext struct {
	context.Context
	id string
}

// Value returns a *string to the request id for requestIDKey, and asks
// the parent for any other key.
func (c *requestIDContext) Value(key any) any {
	if _, ok := key.(requestIDKey); ok {
		return &c.id
	}
	return c.Context.Value(key)
}

// String describes the context as context.WithValue's do.
func (c *requestIDContext) String() string {
	return fmt.Sprintf("%v.WithRequestID(%q)", c.Context, c.id)
}

// RequestID returns the request id ctx carries, or "" when it has none.
// A nil ctx has none.
func RequestID(ctx context.Context) string {
	if ctx == nil || !requestIDsUsed.Load() {
		return ""
	}
	if id, ok := ctx.Value(requestIDKey{}).(*string); ok {
		return *id
	}
	return ""
}

// orBackground lets every function accept a nil context, as slog does.
func orBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

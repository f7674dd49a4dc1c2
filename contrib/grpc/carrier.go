package logweavegrpc

import (
	"context"
	"strings"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/grpc/metadata"
)

// MetadataCarrier adapts gRPC metadata to OpenTelemetry's
// propagation.TextMapCarrier, as propagation.HeaderCarrier adapts an
// http.Header, so that any propagator (tracectx.Default, an OpenTelemetry
// SDK's) reads and writes it:
//
//	md, _ := metadata.FromIncomingContext(ctx)
//	ctx = tracectx.Default().Extract(ctx, logweavegrpc.MetadataCarrier(md))
//
// gRPC metadata keys are lowercase. The carrier lowercases the keys it is
// given, so a propagator that names its header "X-Request-ID" finds and
// writes "x-request-id"; it expects md's own keys to be lowercase, as
// metadata.Pairs, metadata.New and the gRPC transport make them.
//
// It also implements propagation.ValuesGetter, which the tracectx
// propagators use to see every value of a key: two traceparent entries
// make the trace context invalid, as two traceparent headers do in HTTP,
// rather than the first one silently winning.
type MetadataCarrier metadata.MD

// Interface checks: MetadataCarrier must plug into OpenTelemetry and give
// the tracectx propagators every value of a key.
var (
	_ propagation.TextMapCarrier = MetadataCarrier(nil)
	_ propagation.ValuesGetter   = MetadataCarrier(nil)
)

// Get returns the first value of key, or "" when there is none.
func (c MetadataCarrier) Get(key string) string {
	vs := c[lowerKey(key)]
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// Values returns every value of key. The slice is the metadata's own: the
// caller must not modify it.
func (c MetadataCarrier) Values(key string) []string {
	return c[lowerKey(key)]
}

// Set replaces the values of key with value. Setting on a nil
// MetadataCarrier does nothing (there is no map to write to) rather than
// panicking.
func (c MetadataCarrier) Set(key, value string) {
	if c == nil {
		return
	}
	c[lowerKey(key)] = []string{value}
}

// Keys returns the keys the metadata holds, in no particular order.
func (c MetadataCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// incomingCarrier reads a server call's incoming metadata in place, one
// key at a time. metadata.FromIncomingContext would copy the whole map
// (every key, every value) on every call to read the two or three keys a
// propagator finds; this copies only the values of the keys that are
// there. It is read-only: Set does nothing.
type incomingCarrier struct{ ctx context.Context }

func (c *incomingCarrier) Get(key string) string {
	vs := c.Values(key)
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func (c *incomingCarrier) Values(key string) []string {
	return metadata.ValueFromIncomingContext(c.ctx, lowerKey(key))
}

func (c *incomingCarrier) Set(string, string) {}

func (c *incomingCarrier) Keys() []string {
	md, _ := metadata.FromIncomingContext(c.ctx)
	return MetadataCarrier(md).Keys()
}

// knownLower maps the header names the tracectx propagators use in mixed
// case to their lowercase form, so that looking them up in metadata does
// not lowercase (and allocate) the same few names on every call. It is
// filled once, in init, and only read afterwards.
var knownLower = map[string]string{}

func init() {
	names := []string{tracectx.DefaultRequestIDHeader, "X-Request-Id"}
	names = append(names, tracectx.CommonRequestIDHeaders...)
	for _, n := range names {
		knownLower[n] = strings.ToLower(n)
	}
}

// lowerKey returns key in lowercase, without allocating when it already
// is or is one of the known names.
func lowerKey(key string) string {
	for i := 0; i < len(key); i++ {
		if c := key[i]; 'A' <= c && c <= 'Z' {
			if l, ok := knownLower[key]; ok {
				return l
			}
			return strings.ToLower(key)
		}
	}
	return key
}

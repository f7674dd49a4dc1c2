package httplog

import "github.com/logweave/logweave/httplog/internal/access"

// Keys of the access line. Those up to ErrorTypeKey are the names of the
// OpenTelemetry semantic conventions (release v1.40.0, the one the
// required go.opentelemetry.io/otel carries), and a test holds them to
// it; the rest are logweave's, as each says.
const (
	MethodKey          = access.MethodKey          // "http.request.method"
	RouteKey           = access.RouteKey           // "http.route"
	PathKey            = access.PathKey            // "url.path"
	QueryKey           = access.QueryKey           // "url.query"
	StatusKey          = access.StatusKey          // "http.response.status_code"
	RequestBodyKey     = access.RequestBodyKey     // "http.request.body.size"
	ResponseBodyKey    = access.ResponseBodyKey    // "http.response.body.size"
	DurationKey        = access.DurationKey        // "http.server.request.duration": seconds, named after the semantic conventions' metric
	ClientAddressKey   = access.ClientAddressKey   // "client.address"
	UserAgentKey       = access.UserAgentKey       // "user_agent.original"
	ProtocolVersionKey = access.ProtocolVersionKey // "network.protocol.version"
	ServerAddressKey   = access.ServerAddressKey   // "server.address"
	ErrorTypeKey       = access.ErrorTypeKey       // "error.type"
	// ErrorMessageKey, "error.message", holds the error a handler
	// returned (adapter.Exchange.Error). The semantic conventions defined
	// error.message and deprecated it in v1.40.0 in favor of names of
	// each domain, of which HTTP has none for it; the key stays, meaning
	// what it meant there.
	ErrorMessageKey = access.ErrorMessageKey
	PanicKey        = access.PanicKey // "panic", logweave's: a recovered panic's value, structured unless a string or an error
	StackKey        = access.StackKey // "stack", logweave's: the panicking goroutine's stack, bounded
	// RequestBodyContentKey ("http.request.body") and
	// ResponseBodyContentKey ("http.response.body") hold captured bodies
	// (see Options.MaxBodyBytes), with ".truncated" appended for the flag
	// of a body cut at the limit. They are logweave's: the semantic
	// conventions define only the sizes.
	RequestBodyContentKey  = access.RequestBodyContentKey
	ResponseBodyContentKey = access.ResponseBodyContentKey
)

// Prefixes of the keys of logged headers (Options.RequestHeaders and
// ResponseHeaders), followed by the header's name in lower case, as the
// semantic conventions' http.request.header.<key> and
// http.response.header.<key>. A header is logged as one string, its values
// joined by ", ", where the conventions use an array of strings.
const (
	RequestHeaderPrefix  = access.RequestHeaderPrefix  // "http.request.header."
	ResponseHeaderPrefix = access.ResponseHeaderPrefix // "http.response.header."
)

// StatusClientClosedRequest (499, nginx's) is logged when the client
// went away before the response was complete: not a server error.
const StatusClientClosedRequest = access.StatusClientClosedRequest

// AccessMessage, "http request", is the message of the access line.
const AccessMessage = access.AccessMessage

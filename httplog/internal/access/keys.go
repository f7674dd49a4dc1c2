package access

// Keys of the access line; httplog re-exports and documents them.
const (
	MethodKey              = "http.request.method"
	RouteKey               = "http.route"
	PathKey                = "url.path"
	QueryKey               = "url.query"
	StatusKey              = "http.response.status_code"
	RequestBodyKey         = "http.request.body.size"
	ResponseBodyKey        = "http.response.body.size"
	DurationKey            = "http.server.request.duration"
	ClientAddressKey       = "client.address"
	UserAgentKey           = "user_agent.original"
	ProtocolVersionKey     = "network.protocol.version"
	ServerAddressKey       = "server.address"
	ErrorTypeKey           = "error.type"
	ErrorMessageKey        = "error.message"
	PanicKey               = "panic"
	StackKey               = "stack"
	RequestBodyContentKey  = "http.request.body"
	ResponseBodyContentKey = "http.response.body"
	RequestHeaderPrefix    = "http.request.header."
	ResponseHeaderPrefix   = "http.response.header."
)

// StatusClientClosedRequest is the status logged for a client that went
// away before the response was complete (httplog documents it).
const StatusClientClosedRequest = 499

// AccessMessage is the message of the access line.
const AccessMessage = "http request"

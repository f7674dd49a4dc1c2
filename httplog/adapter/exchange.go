package adapter

import (
	"net/http"
	"net/netip"
	"time"
)

// Exchange is what the access line says about one finished request, for
// Recorder.Log.
type Exchange struct {
	Method   string
	Route    string // the route template, "" when unknown
	Path     string
	RawQuery string // masked by Log as configured
	// Status is the status the client got: httplog.StatusClientClosedRequest
	// when it went away first.
	Status           int
	RequestBodySize  int64
	ResponseBodySize int64
	Duration         time.Duration
	// End is when the request ended, the access line's time; zero means
	// when Log is called.
	End time.Time
	// ClientIP is the client's address; when zero, Log asks the
	// configured strategy with Request.
	ClientIP  netip.Addr
	Request   *http.Request
	UserAgent string
	Protocol  string // "1.1", "2"
	Host      string // the server's host name, without the port
	// RequestHeader and ResponseHeader are read for the allowlisted
	// headers (Options.RequestHeaders, ResponseHeaders).
	RequestHeader  http.Header
	ResponseHeader http.Header
	// Error is the error the handler returned, if any: logged as
	// error.message beside the status it led to.
	Error error
	// Panic is a recovered panic's value (nil when none), Stack where it
	// happened (Recorder.PanicStack).
	Panic any
	Stack string
	// Captured bodies (Options.MaxBodyBytes), when capture is on.
	RequestBody          []byte
	RequestBodyCaptured  bool
	ResponseBody         []byte
	ResponseBodyCaptured bool
	// RequestContentType and ResponseContentType are the Content-Types
	// of the captured bodies, by which Log masks the fields of a form or
	// multipart body (see Options.SensitiveQueryKeys). When empty, the
	// Content-Type in RequestHeader and ResponseHeader is used: an
	// adapter whose header maps hold only the logged headers sets these.
	RequestContentType  string
	ResponseContentType string
}

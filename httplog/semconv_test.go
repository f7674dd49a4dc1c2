package httplog_test

import (
	"testing"

	"github.com/logweave/logweave/httplog"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
)

// TestKeysAreSemanticConventions: every key the access and client lines
// take from OpenTelemetry is the one of the semantic-convention release
// the pinned go.opentelemetry.io/otel carries, so a rename there fails
// here when the dependency is updated.
func TestKeysAreSemanticConventions(t *testing.T) {
	for key, want := range map[string]string{
		httplog.MethodKey:          string(semconv.HTTPRequestMethodKey),
		httplog.RouteKey:           string(semconv.HTTPRouteKey),
		httplog.PathKey:            string(semconv.URLPathKey),
		httplog.QueryKey:           string(semconv.URLQueryKey),
		httplog.SchemeKey:          string(semconv.URLSchemeKey),
		httplog.StatusKey:          string(semconv.HTTPResponseStatusCodeKey),
		httplog.RequestBodyKey:     string(semconv.HTTPRequestBodySizeKey),
		httplog.ResponseBodyKey:    string(semconv.HTTPResponseBodySizeKey),
		httplog.ClientAddressKey:   string(semconv.ClientAddressKey),
		httplog.UserAgentKey:       string(semconv.UserAgentOriginalKey),
		httplog.ProtocolVersionKey: string(semconv.NetworkProtocolVersionKey),
		httplog.ServerAddressKey:   string(semconv.ServerAddressKey),
		httplog.ErrorTypeKey:       string(semconv.ErrorTypeKey),
		// The header keys: semconv builds them as prefix + lower-case name.
		httplog.RequestHeaderPrefix + "accept":  string(semconv.HTTPRequestHeader("accept").Key),
		httplog.ResponseHeaderPrefix + "accept": string(semconv.HTTPResponseHeader("accept").Key),
		// Durations are named after the metrics (httpconv's
		// ServerRequestDuration and ClientRequestDuration, in a package
		// that needs the metric API this module does not require).
		httplog.DurationKey:       "http.server.request.duration",
		httplog.ClientDurationKey: "http.client.request.duration",
	} {
		if key != want {
			t.Errorf("key %q, want %q (semconv %s)", key, want, semconv.SchemaURL)
		}
	}
}

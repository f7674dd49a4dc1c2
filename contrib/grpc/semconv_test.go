package logweavegrpc_test

import (
	"strings"
	"testing"

	logweavegrpc "github.com/logweave/logweave/contrib/grpc"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
)

// TestKeysAreSemanticConventions: every key the lines take from
// OpenTelemetry is the one of the semantic-convention release the
// required go.opentelemetry.io/otel carries (v1.40.0: rpc.system.name,
// the fully-qualified rpc.method, rpc.response.status_code as the code's
// name), so a rename there fails here when the dependency is updated.
func TestKeysAreSemanticConventions(t *testing.T) {
	for key, want := range map[string]string{
		logweavegrpc.SystemKey:        string(semconv.RPCSystemNameKey),
		logweavegrpc.MethodKey:        string(semconv.RPCMethodKey),
		logweavegrpc.StatusNameKey:    string(semconv.RPCResponseStatusCodeKey),
		logweavegrpc.ClientAddressKey: string(semconv.ClientAddressKey),
		logweavegrpc.ServerAddressKey: string(semconv.ServerAddressKey),
		logweavegrpc.ServerPortKey:    string(semconv.ServerPortKey),
		logweavegrpc.ErrorTypeKey:     string(semconv.ErrorTypeKey),
		// Durations are named after the metrics (rpcconv's
		// ServerCallDuration and ClientCallDuration, in a package that
		// needs the metric API this module does not require).
		logweavegrpc.ServerDurationKey: "rpc.server.call.duration",
		logweavegrpc.ClientDurationKey: "rpc.client.call.duration",
	} {
		if key != want {
			t.Errorf("key %q, want %q (semconv %s)", key, want, semconv.SchemaURL)
		}
	}
	if v := semconv.RPCSystemNameGRPC.Value.AsString(); v != "grpc" {
		t.Errorf("rpc.system.name for gRPC is %q in semconv, the lines write \"grpc\"", v)
	}
	// logweave's own keys stay out of the namespaces the conventions own,
	// so that no one takes them for one of theirs.
	for _, key := range []string{logweavegrpc.MessagesReceivedKey, logweavegrpc.MessagesSentKey,
		logweavegrpc.ErrorKey, logweavegrpc.PanicKey, logweavegrpc.StackKey} {
		for _, ns := range []string{"rpc.", "error.", "server.", "client.", "network."} {
			if strings.HasPrefix(key, ns) {
				t.Errorf("logweave's key %q is in the conventions' namespace %q", key, ns)
			}
		}
	}
}

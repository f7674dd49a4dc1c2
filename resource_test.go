package logweave_test

import (
	"bytes"
	"testing"

	"github.com/logweave/logweave"
)

// serviceFields logs one line with opts and returns its three service
// fields, "" for one that is absent.
func serviceFields(t *testing.T, opts *logweave.Options) (name, version, env string) {
	t.Helper()
	var buf bytes.Buffer
	logweave.New(&buf, opts).Info("m")
	line := lines(t, buf.Bytes())[0]
	str := func(key string) string {
		v, _ := get(line, key)
		s, _ := v.(string)
		return s
	}
	return str("service.name"), str("service.version"), str("deployment.environment.name")
}

// TestResourceAttributesPrecedence checks the OpenTelemetry SDK's order:
// the explicit option, then OTEL_SERVICE_NAME (the name only), then
// OTEL_RESOURCE_ATTRIBUTES, then the default. examples/otelsdk checks the
// same environments against the SDK's own resource detector.
func TestResourceAttributesPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name              string
		svcEnv, resEnv    string
		opts              logweave.Options
		wantName, wantVer string
		wantEnv           string
		wantDefaultName   bool
	}{
		{name: "resource attributes alone",
			resEnv:   "service.name=checkout,service.version=1.4.2,deployment.environment.name=prod",
			wantName: "checkout", wantVer: "1.4.2", wantEnv: "prod"},
		{name: "OTEL_SERVICE_NAME beats the resource's name",
			svcEnv: "from-svc-env", resEnv: "service.name=from-res,service.version=2",
			wantName: "from-svc-env", wantVer: "2"},
		{name: "options beat both",
			svcEnv: "from-svc-env", resEnv: "service.name=from-res,service.version=2,deployment.environment.name=stage",
			opts:     logweave.Options{Service: "opt", Version: "3", Environment: "prod"},
			wantName: "opt", wantVer: "3", wantEnv: "prod"},
		{name: "an option set, the others from the resource",
			resEnv:   "service.name=res,service.version=2,deployment.environment.name=stage",
			opts:     logweave.Options{Version: "3"},
			wantName: "res", wantVer: "3", wantEnv: "stage"},
		{name: "spaces trimmed, values percent-decoded, other keys ignored",
			resEnv:   " host.name = h1 , service.name = my%20svc , deployment.environment.name=eu%2Cwest ",
			wantName: "my svc", wantEnv: "eu,west"},
		{name: "the later of two pairs wins",
			resEnv:   "service.name=first,service.name=second",
			wantName: "second"},
		{name: "a pair without = is skipped, the rest kept",
			resEnv:   "garbage,service.name=kept,service.version",
			wantName: "kept"},
		{name: "a value that does not decode is kept as written",
			resEnv:   "service.name=bad%zzescape",
			wantName: "bad%zzescape"},
		{name: "the old deployment.environment key is not the semantic convention's",
			resEnv:          "deployment.environment=prod",
			wantDefaultName: true},
		{name: "empty resource value",
			resEnv:          "service.name=",
			wantDefaultName: true},
		{name: "nothing set", wantDefaultName: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_SERVICE_NAME", tc.svcEnv)
			t.Setenv("OTEL_RESOURCE_ATTRIBUTES", tc.resEnv)
			name, ver, env := serviceFields(t, &tc.opts)
			if tc.wantDefaultName {
				if len(name) <= len("unknown_service:") || name[:len("unknown_service:")] != "unknown_service:" {
					t.Errorf("service.name = %q, want unknown_service:<executable>", name)
				}
			} else if name != tc.wantName {
				t.Errorf("service.name = %q, want %q", name, tc.wantName)
			}
			if ver != tc.wantVer || env != tc.wantEnv {
				t.Errorf("service.version, deployment.environment.name = %q, %q; want %q, %q", ver, env, tc.wantVer, tc.wantEnv)
			}
		})
	}
}

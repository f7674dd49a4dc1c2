package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/logweave/logweave"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
)

// TestServiceFieldsMatchSDKResource checks that logweave reads the service
// fields from the environment as the OpenTelemetry SDK's resource detector
// does (resource.WithFromEnv), with explicit options winning as
// resource.WithAttributes given after it does: the same process names
// itself the same way in its logs and in its traces.
func TestServiceFieldsMatchSDKResource(t *testing.T) {
	keys := []string{logweave.ServiceNameKey, logweave.ServiceVersionKey, logweave.EnvironmentKey}
	for _, tc := range []struct {
		name           string
		svcEnv, resEnv string
		opts           logweave.Options
	}{
		{name: "resource attributes", resEnv: "service.name=checkout,service.version=1.4.2,deployment.environment.name=prod"},
		{name: "OTEL_SERVICE_NAME wins", svcEnv: "svc", resEnv: "service.name=res,service.version=2"},
		{name: "trimmed and decoded", resEnv: " service.name = my%20svc , deployment.environment.name=eu%2Cwest,host.name=h"},
		{name: "later pair wins", resEnv: "service.name=a,service.name=b"},
		{name: "pair without value", resEnv: "junk,service.name=kept"},
		{name: "undecodable value", resEnv: "service.name=bad%zz"},
		{name: "options win", svcEnv: "svc", resEnv: "service.name=res,service.version=2,deployment.environment.name=stage",
			opts: logweave.Options{Service: "opt", Version: "3", Environment: "prod"}},
		{name: "one option", resEnv: "service.name=res,service.version=2,deployment.environment.name=stage",
			opts: logweave.Options{Environment: "prod"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_SERVICE_NAME", tc.svcEnv)
			t.Setenv("OTEL_RESOURCE_ATTRIBUTES", tc.resEnv)

			var explicit []attribute.KeyValue
			for i, v := range []string{tc.opts.Service, tc.opts.Version, tc.opts.Environment} {
				if v != "" {
					explicit = append(explicit, attribute.String(keys[i], v))
				}
			}
			res, _ := resource.New(context.Background(), resource.WithFromEnv(), resource.WithAttributes(explicit...))
			want := map[string]string{}
			for _, kv := range res.Attributes() {
				want[string(kv.Key)] = kv.Value.AsString()
			}

			var buf bytes.Buffer
			logweave.New(&buf, &tc.opts).Info("m")
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				got, _ := line[k].(string)
				if got != want[k] {
					t.Errorf("%s = %q, the SDK's resource has %q", k, got, want[k])
				}
			}
		})
	}
}

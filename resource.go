package logweave

import (
	"cmp"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// service holds the service fields written on every line.
type service struct {
	name, version, environment string
}

// resolveService applies the OpenTelemetry SDK's precedence to the service
// fields, so that a process configured for the SDK by its environment
// names itself the same way in its logs as in its traces: an explicit
// option first, then OTEL_SERVICE_NAME (for the name only), then
// OTEL_RESOURCE_ATTRIBUTES, then the SDK's default name,
// "unknown_service:" and the executable's name. Version and environment
// have no default: they are left out when nothing sets them.
func resolveService(name, version, environment string) service {
	s := service{name: name, version: version, environment: environment}
	if s.name == "" {
		s.name = strings.TrimSpace(os.Getenv("OTEL_SERVICE_NAME"))
	}
	if s.name == "" || s.version == "" || s.environment == "" {
		attrs := parseResourceAttributes(os.Getenv("OTEL_RESOURCE_ATTRIBUTES"))
		s.name = cmp.Or(s.name, attrs[ServiceNameKey])
		s.version = cmp.Or(s.version, attrs[ServiceVersionKey])
		s.environment = cmp.Or(s.environment, attrs[EnvironmentKey])
	}
	if s.name == "" {
		s.name = "unknown_service"
		if exe, err := os.Executable(); err == nil {
			s.name += ":" + filepath.Base(exe)
		}
	}
	return s
}

// parseResourceAttributes reads OTEL_RESOURCE_ATTRIBUTES as the
// OpenTelemetry SDK for Go does: comma-separated key=value pairs, key and
// value trimmed of spaces, the value percent-decoded (kept as written when
// it does not decode), a later pair winning over an earlier one with the
// same key. A pair without "=" is skipped, as the SDK skips it (it reports
// it through its error handler; a logger has nowhere better to say so than
// the lines it is about to write, so it says nothing). Only the keys
// resolveService asks for are looked up, so the map stays small.
func parseResourceAttributes(s string) map[string]string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	attrs := make(map[string]string, 3)
	for pair := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		switch k = strings.TrimSpace(k); k {
		case ServiceNameKey, ServiceVersionKey, EnvironmentKey:
		default:
			continue
		}
		v = strings.TrimSpace(v)
		if decoded, err := url.PathUnescape(v); err == nil {
			v = decoded
		}
		attrs[k] = v
	}
	return attrs
}

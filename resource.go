package logweave

import (
	"cmp"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Service holds the service fields a handler writes on every line.
type Service struct {
	Name, Version, Environment string
}

// ResolveService returns the service fields a handler made with opts
// (nil: the zero Options) writes. It applies the OpenTelemetry SDK's precedence to the service
// fields, so that a process configured for the SDK by its environment
// names itself the same way in its logs as in its traces: an explicit
// option first, then OTEL_SERVICE_NAME (for the name only), then
// OTEL_RESOURCE_ATTRIBUTES, then the SDK's default name,
// "unknown_service:" and the executable's name. Version and environment
// have no default: they are left out when nothing sets them. The
// environment is read at each call.
func ResolveService(opts *Options) Service {
	if opts == nil {
		opts = &Options{}
	}
	s := Service{Name: opts.Service, Version: opts.Version, Environment: opts.Environment}
	if s.Name == "" {
		s.Name = strings.TrimSpace(os.Getenv("OTEL_SERVICE_NAME"))
	}
	if s.Name == "" || s.Version == "" || s.Environment == "" {
		attrs := parseResourceAttributes(os.Getenv("OTEL_RESOURCE_ATTRIBUTES"))
		s.Name = cmp.Or(s.Name, attrs[ServiceNameKey])
		s.Version = cmp.Or(s.Version, attrs[ServiceVersionKey])
		s.Environment = cmp.Or(s.Environment, attrs[EnvironmentKey])
	}
	if s.Name == "" {
		s.Name = "unknown_service"
		if exe, err := os.Executable(); err == nil {
			s.Name += ":" + filepath.Base(exe)
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
// ResolveService asks for are looked up, so the map stays small.
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

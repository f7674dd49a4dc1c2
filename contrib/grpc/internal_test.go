package logweavegrpc

import "testing"

func TestTargetHostPort(t *testing.T) {
	cases := []struct {
		target string
		host   string
		port   int
	}{
		{"dns:///api.example.com:443", "api.example.com", 443},
		{"dns://8.8.8.8/api.example.com:443", "api.example.com", 443},
		{"passthrough:///127.0.0.1:50051", "127.0.0.1", 50051},
		{"api.example.com:443", "api.example.com", 443},
		{"[::1]:8080", "::1", 8080},
		{"dns:///[2001:db8::1]:9000", "2001:db8::1", 9000},
		{"api.example.com", "api.example.com", 0},
		{"unix:///run/api.sock", "/run/api.sock", 0},
		{"unix:api.sock", "api.sock", 0},
		{"unix-abstract:name", "unix-abstract:name", 0},
		{"host:notaport", "host:notaport", 0},
		{"", "", 0},
	}
	for _, c := range cases {
		host, port := targetHostPort(c.target)
		if host != c.host || port != c.port {
			t.Errorf("targetHostPort(%q) = %q, %d; want %q, %d", c.target, host, port, c.host, c.port)
		}
	}
}

func TestMethodName(t *testing.T) {
	for full, want := range map[string]string{
		"/grpc.health.v1.Health/Check": "grpc.health.v1.Health/Check",
		"/Svc/Do":                      "Svc/Do",
		"Do":                           "Do",
		"/Do":                          "Do",
		"":                             "",
		"/a/b/c":                       "a/b/c",
	} {
		if got := methodName(full); got != want {
			t.Errorf("methodName(%q) = %q, want %q", full, got, want)
		}
	}
}

func TestSkipped(t *testing.T) {
	c := newConfig(nil, nil)
	for _, m := range []string{"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch", "/grpc.health.v1.Health/List"} {
		if !c.skipped(m) {
			t.Errorf("default: %s not skipped", m)
		}
	}
	if c.skipped("/grpc.health.v1.HealthX/Check") || c.skipped("/pkg.Svc/Do") {
		t.Error("default skips too much")
	}
	c = newConfig(nil, &Options{SkipMethods: []string{}})
	if c.skipped("/grpc.health.v1.Health/Check") {
		t.Error("empty SkipMethods still skips health")
	}
	c = newConfig(nil, &Options{SkipMethods: []string{"/pkg.Svc/Ping", "/pkg.Admin/"}})
	for m, want := range map[string]bool{"/pkg.Svc/Ping": true, "/pkg.Svc/Do": false, "/pkg.Admin/Any": true, "/grpc.health.v1.Health/Check": false} {
		if got := c.skipped(m); got != want {
			t.Errorf("skipped(%s) = %v, want %v", m, got, want)
		}
	}
}

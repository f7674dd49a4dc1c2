package logweaveechov5_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/logweave/logweave/internal/logtest"
)

// serve runs h on a real server on loopback until the test ends, and
// returns its base URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	return serveServer(t, &http.Server{Handler: h})
}

// serveServer runs srv on loopback until the test ends, and returns its
// base URL.
func serveServer(t *testing.T, srv *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// do sends req and returns the response with its body read.
func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// checkFields reports each field of want that l lacks or has another
// value for; a nil want means the field must be absent.
func checkFields(t *testing.T, l map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		got, ok := l[k]
		switch {
		case v == nil && ok:
			t.Errorf("%s = %v, want none", k, got)
		case v == nil:
		case k == "http.response.status_code" || k == "http.response.body.size" || k == "http.request.body.size":
			if logtest.Num(got) != v.(int) {
				t.Errorf("%s = %v, want %v", k, got, v)
			}
		case got != v:
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
}

// lockedBuffer is a bytes.Buffer that a server's ErrorLog writes to while
// the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

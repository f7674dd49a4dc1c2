package logweavegin_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave/internal/logtest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	// gin.Recovery prints every panic it recovers; the tests check the
	// access lines, not that.
	gin.DefaultErrorWriter = io.Discard
	// Every server and client connection the tests opened is closed.
	logtest.Main(m, 5*time.Second, "net/http", "gin-gonic/gin", "logweave/contrib/gin")
}

// serve runs h on a real server on loopback until the test ends, and
// returns its URL and a client whose connections are closed then too.
func serve(t *testing.T, h http.Handler) (string, *http.Client) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	return srv.URL, &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

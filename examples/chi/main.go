// Command chi shows logweave's net/http middleware in a chi router: chi
// needs no adapter. Registered with router.Use, the middleware runs inside
// chi's routing, so Options.Route can read the route template from chi's
// route context once the handler ran ("/users/{id}", not "/users/42").
//
//	go run ./examples/chi
package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/go-chi/chi/v5"
	"github.com/logweave/logweave"
	"github.com/logweave/logweave/httplog"
)

// chiRoute returns the route template chi matched, for http.route.
func chiRoute(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		return rc.RoutePattern()
	}
	return ""
}

// newRouter returns the demo's API: a chi router with the middleware.
func newRouter(logger *slog.Logger) http.Handler {
	r := chi.NewRouter()
	r.Use(httplog.Middleware(logger, &httplog.Options{Route: chiRoute}))
	r.Get("/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		logger.InfoContext(r.Context(), "loading user", "id", chi.URLParam(r, "id"))
		fmt.Fprintf(w, `{"id":%q}`, chi.URLParam(r, "id"))
	})
	r.Route("/admin", func(r chi.Router) {
		r.Get("/stats/{day}", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
		})
	})
	return r
}

func main() {
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "chi-demo"})
	srv := httptest.NewServer(newRouter(logger))
	defer srv.Close()
	for _, path := range []string{"/users/42", "/admin/stats/monday", "/nowhere"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

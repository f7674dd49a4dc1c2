package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repo is the top of the repository, two levels up.
var repo, _ = filepath.Abs(filepath.Join("..", ".."))

func TestTrainAgrees(t *testing.T) {
	tr, err := readTrain(filepath.Join(repo, "versions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	mods, err := workspaceModules(repo)
	if err != nil {
		t.Fatal(err)
	}
	if errs := check(repo, tr, mods); len(errs) > 0 {
		t.Fatalf("the train disagrees with the go.mod files: %v", errs)
	}
	got := tags(tr)
	if got[0] != tr[rootModule] || !contains(got, "contrib/gin/"+tr[rootModule+"/contrib/gin"]) {
		t.Errorf("tags %v: want the root's first, then contrib/gin/<version> among them", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestCheckFindsDisagreements: a go.mod requiring another version than the
// train's, a contrib module off the train, and a listed module that is not
// in the workspace are each reported; bad lines of versions.txt are refused.
func TestCheckFindsDisagreements(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module github.com/logweave/logweave\n\ngo 1.26.0\n")
	write("contrib/a/go.mod", "module github.com/logweave/logweave/contrib/a\n\ngo 1.26.0\n\nrequire github.com/logweave/logweave v0.0.9\n")
	write("contrib/b/go.mod", "module github.com/logweave/logweave/contrib/b\n\ngo 1.26.0\n")
	write("versions.txt", "github.com/logweave/logweave v0.1.0\ngithub.com/logweave/logweave/contrib/a v0.1.0\ngithub.com/logweave/logweave/contrib/gone v0.1.0\n")
	tr, err := readTrain(filepath.Join(root, "versions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	errs := check(root, tr, []string{".", "contrib/a", "contrib/b"})
	var all []string
	for _, e := range errs {
		all = append(all, e.Error())
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{
		"requires github.com/logweave/logweave v0.0.9, the train has v0.1.0",
		"contrib/b is a contrib module but not in versions.txt",
		"contrib/gone is not a module of go.work",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("check did not report %q; it said:\n%s", want, text)
		}
	}
	for _, bad := range []string{
		"github.com/logweave/logweave v1",
		"github.com/logweave/logweave",
		"github.com/other/x v0.1.0\ngithub.com/logweave/logweave v0.1.0",
		"github.com/logweave/logweave/contrib/a v0.1.0",
	} {
		write("bad.txt", bad+"\n")
		if _, err := readTrain(filepath.Join(root, "bad.txt")); err == nil {
			t.Errorf("versions file %q accepted", bad)
		}
	}
}

// TestConsumerOutsideTheTree builds and runs a module of a user's: outside
// the repository, with no go.work and no replace, it requires the root and
// contrib/gin at the train's version, which a module proxy made from the
// working tree serves in front of the usual one. A replace left in a
// logweave go.mod must not matter to it (the go command ignores replaces
// in dependencies), and the module zips must hold what the packages need.
func TestConsumerOutsideTheTree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command; skipped with -short")
	}
	tr, err := readTrain(filepath.Join(repo, "versions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	proxy := t.TempDir()
	if err := writeProxy(repo, proxy, tr); err != nil {
		t.Fatal(err)
	}
	user := t.TempDir()
	gomod := "module example.com/consumer\n\ngo 1.26.0\n\nrequire (\n" +
		"\tgithub.com/logweave/logweave " + tr[rootModule] + "\n" +
		"\tgithub.com/logweave/logweave/contrib/gin " + tr[rootModule+"/contrib/gin"] + "\n)\n"
	main := `package main

import (
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/gin-gonic/gin"
	"github.com/logweave/logweave"
	logweavegin "github.com/logweave/logweave/contrib/gin"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	logger := logweave.New(os.Stdout, &logweave.Options{Service: "consumer"})
	r := gin.New()
	r.Use(logweavegin.Middleware(logger, nil))
	r.GET("/users/:id", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	req := httptest.NewRequest("GET", "/users/7", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	r.ServeHTTP(httptest.NewRecorder(), req)
}
`
	for name, text := range map[string]string{"go.mod": gomod, "main.go": main} {
		if err := os.WriteFile(filepath.Join(user, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	upstream, err := exec.Command("go", "env", "GOPROXY").Output()
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(),
		"GOWORK=off",
		"GOFLAGS=-mod=mod",
		"GOPROXY=file://"+filepath.ToSlash(proxy)+","+strings.TrimSpace(string(upstream)),
		"GONOSUMDB=github.com/logweave", // not published: no checksum database entry yet
		"GOPRIVATE=",
	)
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = user, env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return out
	}
	run("mod", "tidy")
	out := run("run", ".")
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(out), &line); err != nil {
		t.Fatalf("the consumer printed %q: %v", out, err)
	}
	if line["service.name"] != "consumer" || line["http.route"] != "/users/:id" || line["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("access line from the released modules: %v", line)
	}
	list := run("list", "-m", "-f", "{{.Path}} {{.Version}} {{.Replace}}", "github.com/logweave/logweave", "github.com/logweave/logweave/contrib/gin")
	for _, l := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		if f := strings.Fields(l); len(f) != 3 || f[1] != tr[rootModule] || f[2] != "<nil>" {
			t.Errorf("resolved %q: want the train's version, no replace", l)
		}
	}
}

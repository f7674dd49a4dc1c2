package main

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A README snippet is a fragment: the body of a function, with an import
// block first when it needs one said. readmePackages are the packages a
// fragment may use without saying so, by the name it uses them by;
// readmeGivens the variables it may use without making them, as the
// prose around it describes them (they become the function's
// parameters).
var (
	readmePackages = map[string]string{
		"context": "context", "errors": "errors", "fmt": "fmt", "http": "net/http", "log": "log",
		"netip": "net/netip", "os": "os", "slog": "log/slog", "time": "time",
		"logweave": "github.com/logweave/logweave", "httplog": "github.com/logweave/logweave/httplog",
		"clientip": "github.com/logweave/logweave/clientip", "pipeline": "github.com/logweave/logweave/pipeline",
		"tracectx": "github.com/logweave/logweave/tracectx", "redact": "github.com/logweave/logweave/redact",
		"sample": "github.com/logweave/logweave/sample", "rotate": "github.com/logweave/logweave/rotate",
		"async": "github.com/logweave/logweave/async", "units": "github.com/logweave/logweave/units",
		"pretty":       "github.com/logweave/logweave/pretty",
		"chi":          "github.com/go-chi/chi/v5",
		"grpc":         "google.golang.org/grpc",
		"lwprom":       "github.com/logweave/logweave/contrib/prometheus",
		"prometheus":   "github.com/prometheus/client_golang/prometheus",
		"logweavegrpc": "github.com/logweave/logweave/contrib/grpc",
	}
	readmeGivens = map[string]string{
		"ctx":      "context.Context",
		"logger":   "*slog.Logger",
		"levelVar": "*slog.LevelVar",
		"getUser":  "http.HandlerFunc",
		"r":        "*http.Request",
		"strategy": "clientip.Strategy",
		"target":   "string",
		"creds":    "credentials.TransportCredentials",
		"id":       "int",
		"p":        "*pipeline.Pipeline",
		"c":        "*beegoController",
	}
	// givenImports are the packages the givens' types need.
	givenImports = map[string]string{"credentials": "google.golang.org/grpc/credentials"}
)

// beegoShim stands in for the one Beego function and the controller field
// the README's Beego snippets use: github.com/beego/beego/v2 is refused by
// the module proxy these machines build with (see the README), so the
// snippets are compiled against these declarations, copied from the
// signatures in Beego's documentation (web.RunWithMiddleWares(addr string,
// mws ...MiddleWare), type MiddleWare func(http.Handler) http.Handler, and
// web.Controller's Ctx *context.Context with its Request *http.Request).
// What is checked is logweave's side of the snippet.
const beegoShim = `
var web struct {
	RunWithMiddleWares func(addr string, mws ...func(http.Handler) http.Handler)
}

type beegoController struct{ Ctx *struct{ Request *http.Request } }
`

const beegoImport = `"github.com/beego/beego/v2/server/web"`

type snippet struct {
	line    int // of the snippet's first line in the README
	imports []string
	body    string
}

// readmeSnippets returns the ```go blocks of the README.
func readmeSnippets(t *testing.T, readme string) []snippet {
	t.Helper()
	var out []snippet
	lines := strings.Split(readme, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		start := i + 1
		end := start
		for end < len(lines) && strings.TrimSpace(lines[end]) != "```" {
			end++
		}
		s := snippet{line: start + 1}
		body := lines[start:end]
		// A leading import declaration, one line or a block.
		if len(body) > 0 && strings.HasPrefix(body[0], "import ") {
			if strings.HasPrefix(body[0], "import (") {
				j := 1
				for j < len(body) && strings.TrimSpace(body[j]) != ")" {
					if spec := strings.TrimSpace(body[j]); spec != "" {
						s.imports = append(s.imports, spec)
					}
					j++
				}
				body, s.line = body[j+1:], s.line+j+1
			} else {
				s.imports = append(s.imports, strings.TrimSpace(strings.TrimPrefix(body[0], "import")))
				body, s.line = body[1:], s.line+1
			}
		}
		s.body = strings.Join(body, "\n")
		out = append(out, s)
		i = end
	}
	return out
}

var definedRe = regexp.MustCompile(`(?m)^(\w+(?:\s*,\s*\w+)*)\s*:=`)

// source makes the snippet a file of package snippets: its imports, those
// of the packages it uses by name, and a function whose parameters are the
// givens it uses, whose body is the snippet (with //line comments, so that
// errors name README lines), and which uses every variable the snippet
// declares at its top level, as the reader's code around it would.
func (s snippet) source(n int) (string, error) {
	fset := token.NewFileSet()
	probe := "package snippets\nfunc f() {\n" + s.body + "\n}\n"
	f, err := parser.ParseFile(fset, "", probe, 0)
	if err != nil {
		return "", fmt.Errorf("does not parse as a function body: %v", err)
	}
	defined := map[string]bool{}
	for _, m := range definedRe.FindAllStringSubmatch(s.body, -1) {
		for name := range strings.SplitSeq(m[1], ",") {
			defined[strings.TrimSpace(name)] = true
		}
	}
	imports := map[string]string{} // path: the name it is imported by
	explicit := map[string]bool{}
	for _, spec := range s.imports {
		if spec == beegoImport {
			continue // the shim declares web
		}
		path := strings.Trim(spec[strings.Index(spec, `"`):], `"`)
		name := filepath.Base(path)
		if i := strings.Index(spec, " "); i > 0 && !strings.HasPrefix(spec, `"`) {
			name = spec[:i]
		}
		imports[path], explicit[name] = name, true
	}
	var params []string
	for _, id := range f.Unresolved {
		name := id.Name
		switch {
		case explicit[name] || name == "web" || isUniverse(name):
		case readmeGivens[name] != "" && !defined[name]:
			params = append(params, name+" "+readmeGivens[name])
			typ := readmeGivens[name]
			if pkg, _, ok := strings.Cut(strings.TrimPrefix(typ, "*"), "."); ok {
				if path := cmpOr(readmePackages[pkg], givenImports[pkg]); path != "" {
					imports[path] = pkg
				}
			}
		case readmePackages[name] != "":
			imports[readmePackages[name]] = name
		default:
			return "", fmt.Errorf("uses %s, which is neither imported, a known package nor a given (add it to readmePackages or readmeGivens)", name)
		}
	}
	slices.Sort(params)
	params = slices.Compact(params)
	var uses []string
	for name := range defined {
		if name != "_" {
			uses = append(uses, "\t_ = "+name)
		}
	}
	slices.Sort(uses)
	var b strings.Builder
	b.WriteString("package snippets\n\nimport (\n")
	for _, path := range slices.Sorted(maps.Keys(imports)) {
		fmt.Fprintf(&b, "\t%s %q\n", imports[path], path) // named: chi/v5 is package chi
	}
	fmt.Fprintf(&b, ")\n\nfunc snippet%d(%s) {\n//line README.md:%d\n%s\n", n, strings.Join(params, ", "), s.line, s.body)
	b.WriteString(strings.Join(uses, "\n") + "\n}\n")
	return b.String(), nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isUniverse(name string) bool {
	switch name {
	case "nil", "true", "false", "iota", "string", "int", "int64", "uint64", "bool", "byte", "error", "any",
		"float64", "len", "cap", "make", "new", "append", "panic", "recover", "print", "println", "min", "max":
		return true
	}
	return false
}

// TestREADMESnippets compiles every Go snippet of the README, in a module
// of the workspace that sees every logweave module, so that the README
// shows only code that builds with the API as it is.
func TestREADMESnippets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the README's snippets with the go command; skipped with -short")
	}
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	snippets := readmeSnippets(t, string(readme))
	if len(snippets) < 5 {
		t.Fatalf("%d Go snippets found in the README: the extraction is broken", len(snippets))
	}
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/snippets\n\ngo 1.26.0\n")
	write("shim.go", "package snippets\n\nimport \"net/http\"\n"+beegoShim)
	for i, s := range snippets {
		src, err := s.source(i + 1)
		if err != nil {
			t.Errorf("README.md:%d: %v", s.line, err)
			continue
		}
		write(fmt.Sprintf("snippet%02d.go", i+1), src)
	}
	if t.Failed() {
		return
	}
	// A workspace of every module of the repository and the snippets.
	mods, err := workspaceModules(repo)
	if err != nil {
		t.Fatal(err)
	}
	work := "go 1.26.0\n\nuse (\n\t" + dir + "\n"
	for _, m := range mods {
		work += "\t" + filepath.Join(repo, m) + "\n"
	}
	write("go.work", work+")\n")
	if sum, err := os.ReadFile(filepath.Join(repo, "go.work.sum")); err == nil {
		write("go.work.sum", string(sum))
	}
	cmd := exec.Command("go", "vet", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(dir, "go.work"), "GOFLAGS=-mod=readonly")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("README snippets do not build (%v):\n%s", err, out.Bytes())
	}
}

// TestSnippetSource: the wrapping finds givens, packages and the
// variables to use, and refuses a name it cannot place.
func TestSnippetSource(t *testing.T) {
	src, err := snippet{line: 7, body: "client := &http.Client{}\nlogger.InfoContext(ctx, \"x\")"}.source(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`http "net/http"`, `context "context"`, `slog "log/slog"`, "ctx context.Context", "logger *slog.Logger", "_ = client", "//line README.md:7"} {
		if !strings.Contains(src, want) {
			t.Errorf("source lacks %q:\n%s", want, src)
		}
	}
	if _, err := (snippet{body: "mystery.Do()"}).source(1); err == nil || !strings.Contains(err.Error(), "mystery") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := (snippet{body: "if err != nil { ... }"}).source(1); err == nil {
		t.Error("a snippet that is not Go: no error")
	}
}

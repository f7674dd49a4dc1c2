package logweavefasthttp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// zeroCopyUnsafe are the unsafe functions the package may use: they view
// a []byte as a string, or back, without copying (unsafeString,
// unsafeBytes), and read no memory layout but Go's own.
var zeroCopyUnsafe = map[string]bool{"String": true, "StringData": true, "Slice": true, "SliceData": true}

// TestNoPrivateLayout fails when the package's code depends on another
// module's private layout (issue 13): reflection, which reaches
// fasthttp's unexported fields by name; pointer arithmetic with unsafe,
// which writes them; go:linkname, which calls its unexported functions.
// fasthttp's public API is all the package may use of it.
func TestNoPrivateLayout(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	scanned := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		scanned++
		unsafeName := ""
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch path {
			case "reflect":
				t.Errorf("%s imports reflect: read fasthttp through its public API", fset.Position(imp.Pos()))
			case "unsafe":
				unsafeName = "unsafe"
				if imp.Name != nil {
					unsafeName = imp.Name.Name
				}
				if unsafeName == "." || unsafeName == "_" {
					t.Errorf("%s imports unsafe as %q: its uses cannot be checked", fset.Position(imp.Pos()), unsafeName)
				}
			}
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.HasPrefix(c.Text, "//go:linkname") {
					t.Errorf("%s: %s", fset.Position(c.Pos()), c.Text)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && unsafeName != "" && x.Name == unsafeName && !zeroCopyUnsafe[sel.Sel.Name] {
				t.Errorf("%s uses unsafe.%s: only the zero-copy conversions (unsafe.String, StringData, Slice, SliceData) are allowed",
					fset.Position(sel.Pos()), sel.Sel.Name)
			}
			switch sel.Sel.Name {
			case "FieldByName", "FieldByNameFunc", "FieldByIndex", "Offsetof":
				t.Errorf("%s calls %s: no field of another module's is reached by name or offset", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if scanned == 0 {
		t.Fatal("no source files scanned")
	}
}

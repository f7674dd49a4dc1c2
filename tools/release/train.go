// Package main is the release script of logweave's modules, which are
// released together as one train (versions.txt at the top of the
// repository). It checks that the train agrees with itself, prints the
// tags a release pushes, and can write the train as a module proxy, so
// that a test can build a module outside the repository against it as a
// user would.
//
//	go run ./tools/release              # check, and print the tags (dry run)
//	go run ./tools/release -proxy DIR   # also write the modules as a GOPROXY=file://DIR tree
//
// It never pushes or tags anything itself: the printed commands do that.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// rootModule is the module at the top of the repository; the others are
// in directories named after the rest of their path.
const rootModule = "github.com/logweave/logweave"

// train is the release train: each released module and its version.
type train map[string]string

// readTrain reads versions.txt: a module path and a version on each line,
// "#" starting a comment.
func readTrain(path string) (train, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := train{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
			continue
		case len(fields) != 2:
			return nil, fmt.Errorf("%s:%d: want a module path and a version, got %q", path, n, sc.Text())
		case !semver.IsValid(fields[1]) || semver.Canonical(fields[1]) != fields[1]:
			return nil, fmt.Errorf("%s:%d: %q is not a canonical semantic version such as v0.1.0", path, n, fields[1])
		case fields[0] != rootModule && !strings.HasPrefix(fields[0], rootModule+"/"):
			return nil, fmt.Errorf("%s:%d: %s is not a logweave module", path, n, fields[0])
		}
		if _, dup := t[fields[0]]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", path, n, fields[0])
		}
		t[fields[0]] = fields[1]
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if _, ok := t[rootModule]; !ok {
		return nil, fmt.Errorf("%s: the root module %s is not listed", path, rootModule)
	}
	return t, nil
}

// dir returns the directory of module path below the repository root.
func dir(root, path string) string {
	return filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(path, rootModule), "/")))
}

// tag returns the tag that releases path at version: "v0.1.0" for the
// root, "contrib/gin/v0.1.0" for a module below it, as the go command
// looks them up in a repository holding several modules.
func tag(path, version string) string {
	sub := strings.TrimPrefix(strings.TrimPrefix(path, rootModule), "/")
	if sub == "" {
		return version
	}
	return sub + "/" + version
}

// check returns every disagreement between t and the go.mod files of the
// workspace's modules (modules, directories relative to root): a released
// module whose go.mod is missing or names another path, a contrib module
// that is not on the train, and a requirement of a logweave module at
// another version than the train's.
func check(root string, t train, modules []string) []error {
	var errs []error
	seen := map[string]bool{}
	for _, rel := range modules {
		gomod := filepath.Join(root, rel, "go.mod")
		data, err := os.ReadFile(gomod)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f, err := modfile.ParseLax(gomod, data, nil)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		path := f.Module.Mod.Path
		seen[path] = true
		if _, released := t[path]; !released && strings.HasPrefix(filepath.ToSlash(rel), "contrib/") {
			errs = append(errs, fmt.Errorf("%s: %s is a contrib module but not in versions.txt", gomod, path))
		}
		for _, r := range f.Require {
			want, onTrain := t[r.Mod.Path]
			if onTrain && r.Mod.Version != want {
				errs = append(errs, fmt.Errorf("%s: requires %s %s, the train has %s", gomod, r.Mod.Path, r.Mod.Version, want))
			}
		}
	}
	for path := range t {
		if !seen[path] {
			errs = append(errs, fmt.Errorf("versions.txt: %s is not a module of go.work (no %s)", path, filepath.Join(dir(root, path), "go.mod")))
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}

// workspaceModules returns the directories go.work uses, relative to root.
func workspaceModules(root string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(root, "go.work"))
	if err != nil {
		return nil, err
	}
	w, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, u := range w.Use {
		dirs = append(dirs, filepath.Clean(u.Path))
	}
	return dirs, nil
}

// tags returns the tags of a release of t, the root's first.
func tags(t train) []string {
	var out []string
	for path, v := range t {
		out = append(out, tag(path, v))
	}
	sort.Slice(out, func(i, j int) bool {
		if strings.Count(out[i], "/") != strings.Count(out[j], "/") {
			return strings.Count(out[i], "/") < strings.Count(out[j], "/")
		}
		return out[i] < out[j]
	})
	return out
}

// errCheck is returned when the train disagrees with the go.mod files.
var errCheck = errors.New("the release train does not agree with the go.mod files")

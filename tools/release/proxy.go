package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// writeProxy writes every module of t, from its directory below root as it
// is now, into dst as the module proxy protocol lays it out
// (path/@v/list, version.info, .mod, .zip), for GOPROXY=file://dst. Nested
// modules are left out of each zip, as the go command leaves them out.
func writeProxy(root, dst string, t train) error {
	for path, version := range t {
		mv := module.Version{Path: path, Version: version}
		escaped, err := module.EscapePath(path)
		if err != nil {
			return err
		}
		at := filepath.Join(dst, filepath.FromSlash(escaped), "@v")
		if err := os.MkdirAll(at, 0o755); err != nil {
			return err
		}
		src := dir(root, path)
		gomod, err := os.ReadFile(filepath.Join(src, "go.mod"))
		if err != nil {
			return err
		}
		info := fmt.Sprintf(`{"Version":%q,"Time":%q}`, version, time.Now().UTC().Format(time.RFC3339))
		for name, data := range map[string][]byte{
			"list":            []byte(version + "\n"),
			version + ".info": []byte(info),
			version + ".mod":  gomod,
		} {
			if err := os.WriteFile(filepath.Join(at, name), data, 0o644); err != nil {
				return err
			}
		}
		f, err := os.Create(filepath.Join(at, version+".zip"))
		if err != nil {
			return err
		}
		err = zip.CreateFromDir(f, mv, src)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("zip of %s: %w", strings.TrimPrefix(src, root+string(filepath.Separator)), err)
		}
	}
	return nil
}

package rotate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkSymlink makes sure Options.Symlink may be replaced: nothing is
// there, or a symbolic link. A regular file there could be someone's data.
func (f *File) checkSymlink() error {
	info, err := os.Lstat(f.c.symlink)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(f.c.symlink), f.c.dirMode); err != nil {
			return fmt.Errorf("rotate: Symlink %q: %w", f.c.Symlink, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("rotate: Symlink %q: %w", f.c.Symlink, err)
	case info.Mode()&fs.ModeSymlink == 0:
		what := "a regular file"
		if info.IsDir() {
			what = "a directory"
		} else if !info.Mode().IsRegular() {
			what = "a special file"
		}
		return fmt.Errorf("rotate: Symlink %q: %s is there, not a symbolic link; remove it or choose another name", f.c.Symlink, what)
	}
	return nil
}

// updateSymlink points Options.Symlink at the file, atomically: the new
// link is made under a temporary name and renamed over the old one, so a
// reader always finds a link. The target is the file's name when the link
// is in the same directory (the pair can be moved together), its absolute
// path otherwise.
func (f *File) updateSymlink() {
	if err := f.checkSymlink(); err != nil {
		f.report(err)
		return
	}
	target := f.c.base
	if filepath.Dir(f.c.symlink) != filepath.Clean(f.c.dir) {
		abs, err := filepath.Abs(f.c.path)
		if err != nil {
			f.report(fmt.Errorf("rotate: Symlink %q: %w", f.c.Symlink, err))
			return
		}
		target = abs
	}
	tmp := filepath.Join(filepath.Dir(f.c.symlink), "."+filepath.Base(f.c.symlink)+tmpSuffix)
	os.Remove(tmp) // left by a crash, if anything
	err := os.Symlink(target, tmp)
	if err == nil {
		err = os.Rename(tmp, f.c.symlink)
	}
	if err != nil {
		os.Remove(tmp)
		f.report(fmt.Errorf("rotate: Symlink %q: %w", f.c.Symlink, err))
	}
}

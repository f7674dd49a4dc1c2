//go:build unix

package rotate

import (
	"io/fs"
	"syscall"
)

// owner returns a file's user and group ids.
func owner(info fs.FileInfo) (uid, gid int) {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}

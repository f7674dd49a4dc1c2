//go:build windows

package pretty

import (
	"os"
	"syscall"
)

const enableVirtualTerminalProcessing = 0x0004

var procSetConsoleMode = syscall.NewLazyDLL("kernel32.dll").NewProc("SetConsoleMode")

// enableANSI reports whether the console f interprets ANSI sequences,
// switching that on (ENABLE_VIRTUAL_TERMINAL_PROCESSING, Windows 10 and
// later) when it is off. A character device that is not a console (NUL)
// or an older console that refuses gets no colour, rather than escape
// sequences printed as text.
func enableANSI(f *os.File) bool {
	h := syscall.Handle(f.Fd())
	var mode uint32
	if err := syscall.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&enableVirtualTerminalProcessing != 0 {
		return true
	}
	if procSetConsoleMode.Find() != nil {
		return false
	}
	ok, _, _ := procSetConsoleMode.Call(uintptr(h), uintptr(mode|enableVirtualTerminalProcessing))
	return ok != 0
}

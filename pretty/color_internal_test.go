package pretty

import (
	"os"
	"runtime"
	"testing"
)

// TestColorAutoCharDevice: a character device is a terminal to ColorAuto,
// unless NO_COLOR or TERM=dumb say no; a regular file is not. (What a
// Writer writes to /dev/null cannot be read back, so the decision is
// tested here, where it is made.)
func TestColorAutoCharDevice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("NUL is a character device but no console")
	}
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer devNull.Close()
	if fi, err := devNull.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Skip("no character device to test with")
	}
	file, err := os.Create(t.TempDir() + "/log")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()

	for _, tc := range []struct {
		name                    string
		noColor, force, term    string
		wantDevice, wantRegular bool
	}{
		{"plain environment", "", "", "xterm", true, false},
		{"NO_COLOR", "1", "", "xterm", false, false},
		{"NO_COLOR empty", "", "", "xterm", true, false},
		{"TERM=dumb", "", "", "dumb", false, false},
		{"FORCE_COLOR", "", "1", "xterm", true, true},
		{"FORCE_COLOR=0 forces too", "", "0", "dumb", true, true},
		{"FORCE_COLOR over NO_COLOR", "1", "1", "xterm", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tc.noColor)
			t.Setenv("FORCE_COLOR", tc.force)
			t.Setenv("TERM", tc.term)
			if got := ColorAuto.enabled(devNull); got != tc.wantDevice {
				t.Errorf("character device: %v, want %v", got, tc.wantDevice)
			}
			if got := ColorAuto.enabled(file); got != tc.wantRegular {
				t.Errorf("regular file: %v, want %v", got, tc.wantRegular)
			}
			var nilFile *os.File
			if got := ColorAuto.enabled(nilFile); got != (tc.force != "") {
				t.Errorf("nil *os.File: %v", got)
			}
		})
	}
}

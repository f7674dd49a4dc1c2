package rotate_test

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/rotate"
)

// TestConfigOptions: the file form reads sizes and durations with units
// and converts to the Options Open takes; what only the file form can get
// wrong is an error naming the field as the file spells it.
func TestConfigOptions(t *testing.T) {
	var c rotate.Config
	err := json.Unmarshal([]byte(`{"max_size": "100MiB", "interval": "24h", "at": ["00:00"], "location": "UTC",
		"max_backups": 3, "max_age": "168h", "max_total_size": "1GiB", "compress_cpu": 0.1, "file_mode": "0640", "symlink": "current.log"}`), &c)
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Options()
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxSize != 100<<20 || o.Interval != 24*time.Hour || len(o.At) != 1 || o.Location != time.UTC || o.MaxBackups != 3 ||
		o.MaxAge != 168*time.Hour || o.MaxTotalSize != 1<<30 || o.CompressCPU != 0.1 || o.FileMode != fs.FileMode(0o640) || o.Symlink != "current.log" {
		t.Errorf("options %+v", o)
	}
	for _, tc := range []struct {
		c    rotate.Config
		want string
	}{
		{rotate.Config{Location: "Mars/Olympus"}, `rotate: location "Mars/Olympus"`},
		{rotate.Config{FileMode: "rw-r-----"}, `rotate: file_mode "rw-r-----"`},
		{rotate.Config{FileMode: "01777"}, `rotate: file_mode "01777"`},
	} {
		if _, err := tc.c.Options(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error with %q", tc.c, err, tc.want)
		}
	}
}

package async_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/async"
)

// TestConfigOptions: the file form converts to the Options NewWriter
// takes, and an unknown on_full policy is an error that names it.
func TestConfigOptions(t *testing.T) {
	var c async.Config
	if err := json.Unmarshal([]byte(`{"buffer_size": "4MiB", "batch_size": "64KiB", "on_full": "Block", "block_timeout": "100ms", "flush_interval": "1s"}`), &c); err != nil {
		t.Fatal(err)
	}
	o, err := c.Options()
	if err != nil {
		t.Fatal(err)
	}
	if o.BufferSize != 4<<20 || o.BatchSize != 64<<10 || o.OnFull != async.Block || o.BlockTimeout != 100*time.Millisecond || o.FlushInterval != time.Second {
		t.Errorf("options %+v", o)
	}
	for name, want := range map[string]async.FullPolicy{"": async.DropNewest, "drop_newest": async.DropNewest, "DROP_OLDEST": async.DropOldest} {
		if o, err := (async.Config{OnFull: name}).Options(); err != nil || o.OnFull != want {
			t.Errorf("on_full %q: %v, %v; want %v", name, o.OnFull, err, want)
		}
	}
	if _, err := (async.Config{OnFull: "wait"}).Options(); err == nil || !strings.Contains(err.Error(), `async: on_full "wait"`) {
		t.Errorf("on_full wait: %v", err)
	}
}

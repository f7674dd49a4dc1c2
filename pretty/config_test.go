package pretty_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/logweave/logweave/pretty"
)

func TestConfig(t *testing.T) {
	var c pretty.Config
	err := json.Unmarshal([]byte(`{"color":"never","time_format":"15:04:05","location":"UTC","show_service":true,"trace_id_length":4}`), &c)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := c.Options()
	if err != nil {
		t.Fatal(err)
	}
	want := pretty.Options{Color: pretty.ColorNever, TimeFormat: "15:04:05", Location: time.UTC, ShowService: true, TraceIDLength: 4}
	if *opts != want {
		t.Errorf("got %+v, want %+v", *opts, want)
	}
	if got := render(t, opts, withAttrs("")); got != "10:22:33 INFO  order placed  service.name=checkout service.version=1.4.2 deployment.environment.name=prod request_id=req-42 trace=4bf9\n" {
		t.Errorf("rendered: %q", got)
	}

	opts, err = pretty.Config{}.Options()
	if err != nil || *opts != (pretty.Options{Location: time.Local}) {
		t.Errorf("zero Config: %+v, %v", opts, err)
	}
	b, err := json.Marshal(pretty.Config{})
	if err != nil || string(b) != "{}" {
		t.Errorf("zero Config marshals to %s, %v", b, err)
	}
	b, err = json.Marshal(pretty.Config{Color: pretty.ColorAlways})
	if err != nil || string(b) != `{"color":"always"}` {
		t.Errorf("Config marshals to %s, %v", b, err)
	}
}

func TestConfigRefusesBadSetups(t *testing.T) {
	for _, tc := range []struct {
		c    pretty.Config
		want string
	}{
		{pretty.Config{Location: "Mars/Olympus_Mons"}, `pretty: location "Mars/Olympus_Mons"`},
		{pretty.Config{TimeFormat: "hh:mm:ss"}, `pretty: time_format "hh:mm:ss" shows no time: want a Go layout such as "15:04:05.000"`},
		{pretty.Config{TraceIDLength: 33}, `pretty: trace_id_length 33: want 1 to 32 hex digits, or 0 for 8`},
		{pretty.Config{TraceIDLength: -1}, `pretty: trace_id_length -1`},
		{pretty.Config{Color: 9}, `pretty: color 9`},
	} {
		if _, err := tc.c.Options(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error starting %q", tc.c, err, tc.want)
		}
	}
	var c pretty.Config
	if err := json.Unmarshal([]byte(`{"color":"sometimes"}`), &c); err == nil || !strings.Contains(err.Error(), `want "auto", "always" or "never"`) {
		t.Errorf("color sometimes: %v", err)
	}
}

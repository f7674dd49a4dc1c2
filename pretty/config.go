package pretty

import (
	"fmt"
	"time"
)

// Config is the configuration-file form of Options (JSON), for a
// pipeline that chooses the development format from its file:
//
//	{"color": "auto", "time_format": "15:04:05.000", "location": "Local",
//	 "show_service": false, "trace_id_length": 8}
//
// Every field may be left out; the zero Config is the zero Options.
type Config struct {
	// Color is "auto" (the default), "always" or "never"; see ColorMode.
	Color ColorMode `json:"color,omitempty"`
	// TimeFormat is a Go time layout such as "15:04:05.000" (the
	// default) or "2006-01-02 15:04:05".
	TimeFormat string `json:"time_format,omitempty"`
	// Location is "Local" (the default, also for ""), "UTC" or an IANA
	// zone name such as "Europe/Paris".
	Location string `json:"location,omitempty"`
	// ShowService is Options.ShowService.
	ShowService bool `json:"show_service,omitempty"`
	// TraceIDLength is the number of hex digits of trace_id shown, 1 to
	// 32; 0 means 8.
	TraceIDLength int `json:"trace_id_length,omitempty"`
}

// Options returns the Options c describes, or an error that names the
// first field that is wrong and what it wants: a file is checked when it
// is loaded, not when the first line is written.
func (c Config) Options() (*Options, error) {
	if c.Color < ColorAuto || c.Color > ColorNever {
		return nil, fmt.Errorf("pretty: color %d: want \"auto\", \"always\" or \"never\"", int(c.Color))
	}
	if c.TimeFormat != "" {
		// A layout without a single element of Go's reference time
		// ("hh:mm:ss") formats every time as itself.
		t1 := time.Date(2001, 2, 3, 4, 5, 6, 7e6, time.UTC).Format(c.TimeFormat)
		t2 := time.Date(2012, 11, 22, 13, 14, 15, 800e6, time.UTC).Format(c.TimeFormat)
		if t1 == t2 {
			return nil, fmt.Errorf("pretty: time_format %q shows no time: want a Go layout such as %q", c.TimeFormat, DefaultTimeFormat)
		}
	}
	loc := time.Local
	if c.Location != "" {
		var err error
		if loc, err = time.LoadLocation(c.Location); err != nil {
			return nil, fmt.Errorf("pretty: location %q: %v: want \"Local\", \"UTC\" or an IANA zone name such as \"Europe/Paris\"", c.Location, err)
		}
	}
	if c.TraceIDLength < 0 || c.TraceIDLength > 32 {
		return nil, fmt.Errorf("pretty: trace_id_length %d: want 1 to 32 hex digits, or 0 for %d", c.TraceIDLength, DefaultTraceIDLength)
	}
	return &Options{
		Color:         c.Color,
		TimeFormat:    c.TimeFormat,
		Location:      loc,
		ShowService:   c.ShowService,
		TraceIDLength: c.TraceIDLength,
	}, nil
}

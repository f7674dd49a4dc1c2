package units

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration in a configuration file, written as a
// string in time.ParseDuration's form, such as "10s", "1m30s" or "168h".
type Duration time.Duration

// MarshalJSON writes d as a string such as "10s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string such as "10s". A JSON number is
// refused: it would leave the unit to guesswork. null leaves d as it is.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil // encoding/json's convention: null changes nothing
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration %s: want a string such as \"10s\"", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: want a string such as \"10s\" or \"1m30s\"", s)
	}
	*d = Duration(v)
	return nil
}

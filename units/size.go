package units

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Size is a number of bytes in a configuration file: a JSON number, or a
// string with a unit, where KB, MB and GB are powers of 1024 as in
// logrotate and lumberjack, and so are KiB, MiB and GiB ("100MB" ==
// "100MiB" == 104857600). A negative number is refused.
type Size int64

// UnmarshalJSON reads a number of bytes or a string with a unit. null
// leaves s as it is, as encoding/json does for other types.
func (s *Size) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] != '"' {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil || n < 0 {
			return fmt.Errorf("size %s: want a number of bytes >= 0 or a string such as \"100MiB\"", b)
		}
		*s = Size(n)
		return nil
	}
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return fmt.Errorf("size %s: want a number of bytes or a string such as \"100MiB\"", b)
	}
	n, err := ParseSize(text)
	if err != nil {
		return err
	}
	*s = n
	return nil
}

// MarshalJSON writes the number of bytes.
func (s Size) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(s), 10), nil }

// ParseSize parses a size such as "100MiB", "512KB", "1GB" or "4096".
func ParseSize(text string) (Size, error) {
	t := strings.TrimSpace(text)
	digits := 0
	for digits < len(t) && t[digits] >= '0' && t[digits] <= '9' {
		digits++
	}
	if digits == 0 || digits > 18 {
		return 0, fmt.Errorf("size %q: want a whole number with an optional unit (B, KB, MB, GB, KiB, MiB, GiB)", text)
	}
	n, _ := strconv.ParseInt(t[:digits], 10, 64) // at most 18 digits: no overflow
	var shift uint
	switch strings.ToUpper(strings.TrimSpace(t[digits:])) {
	case "", "B":
	case "K", "KB", "KIB":
		shift = 10
	case "M", "MB", "MIB":
		shift = 20
	case "G", "GB", "GIB":
		shift = 30
	default:
		return 0, fmt.Errorf("size %q: unknown unit: want B, KB, MB, GB, KiB, MiB or GiB", text)
	}
	if n > (1<<62)>>shift {
		return 0, fmt.Errorf("size %q: too large", text)
	}
	return Size(n << shift), nil
}

package logweave

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
)

// ErrRestartRequired is wrapped by the error Pipeline.Reload returns when
// the new configuration changes settings that only a restart applies.
var ErrRestartRequired = errors.New("settings that take a restart")

// restartSettings returns the paths, as the configuration file spells
// them, of the settings that differ between built and next and that
// Reload cannot apply: everything but the level, sampling and redaction
// rules. It compares the JSON forms, so that a field added to Config is
// covered without being listed here.
func restartSettings(built, next Config) []string {
	return diffPaths("", restartOnly(built), restartOnly(next), nil)
}

// restartOnly is c's JSON form without the settings Reload applies.
func restartOnly(c Config) map[string]any {
	c.Level, c.Sampling, c.Redact = "", nil, nil
	b, err := json.Marshal(c)
	if err != nil {
		return nil // Config marshals: its fields are plain values
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// diffPaths appends to dst the dotted paths below prefix at which a and b
// differ, sorted, descending into objects both sides hold.
func diffPaths(prefix string, a, b map[string]any, dst []string) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		va, oka := a[k].(map[string]any)
		vb, okb := b[k].(map[string]any)
		switch {
		case oka && okb:
			dst = diffPaths(path, va, vb, dst)
		case !reflect.DeepEqual(a[k], b[k]):
			dst = append(dst, path)
		}
	}
	return dst
}

package sample

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/logweave/logweave/internal/sighup"
)

// File is the content of a reloadable settings file:
//
//	{"level": "WARN", "sampling": {"burst": {"first": 100, "thereafter": 100}}}
//
// Both parts are optional; what is absent is left as it is on reload.
type File struct {
	// Level is the minimum level logged, in slog's text form ("INFO",
	// "WARN", "DEBUG-4").
	Level *slog.Level `json:"level,omitempty"`

	// Sampling is the sampling policy's Config.
	Sampling *Config `json:"sampling,omitempty"`
}

// Load reads and checks the settings file at path. Unknown fields are
// errors (a misspelt rule would otherwise be silently off), and so are
// settings that New would refuse; the error names the file and what is
// wrong in it.
func Load(path string) (File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("sample: reading settings: %w", err)
	}
	f, err := parseFile(b)
	if err != nil {
		return File{}, fmt.Errorf("sample: settings file %s: %w", path, err)
	}
	return f, nil
}

// parseFile decodes and checks one settings file's content.
func parseFile(b []byte) (File, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return File{}, errors.New(`empty: want a JSON object such as {"level": "INFO", "sampling": {...}}`)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return File{}, jsonError(b, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return File{}, errors.New("more after the JSON object: want one object")
	}
	if f.Sampling != nil {
		if _, err := compile(*f.Sampling, nil, false); err != nil {
			return File{}, fmt.Errorf("sampling: %w", err)
		}
	}
	return f, nil
}

// jsonError adds the line and column to a JSON error that has an offset.
func jsonError(b []byte, err error) error {
	var offset int64 = -1
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the JSON ends too soon: an object or string is not closed")
	}
	// Offset counts the bytes read, the offending one included.
	offset--
	if offset < 0 || offset >= int64(len(b)) {
		return err
	}
	line := 1 + bytes.Count(b[:offset], []byte{'\n'})
	col := offset - int64(bytes.LastIndexByte(b[:offset], '\n'))
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// ReloadOnSIGHUP reloads the settings file at path each time the process
// receives SIGHUP: the file's level is set on level (if level is not nil)
// and its sampling Config on p (if p is not nil). A file that cannot be
// read or is wrong changes nothing, neither the level nor the policy, and
// its error goes to onError; a nil onError logs it with slog.Default at
// ERROR.
//
// SIGHUP is handled from the moment ReloadOnSIGHUP returns (it no longer
// ends the process). stop ends the goroutine it started and returns once
// it has; SIGHUP is then no longer handled by it. On systems without
// SIGHUP nothing is ever reloaded.
func ReloadOnSIGHUP(path string, p *Policy, level *slog.LevelVar, onError func(error)) (stop func()) {
	if onError == nil {
		onError = func(err error) { slog.Default().Error("reloading log settings failed", "error", err) }
	}
	return reloadOnSignal(path, p, level, func(err error) {
		if err != nil {
			onError(err)
		}
	})
}

// reloadOnSignal is ReloadOnSIGHUP with a callback after every reload,
// nil on success, so that tests wait for the reload instead of sleeping.
func reloadOnSignal(path string, p *Policy, level *slog.LevelVar, done func(error)) (stop func()) {
	return sighup.Watch(func() { done(Reload(path, p, level)) })
}

// Reload applies the settings file at path once, as ReloadOnSIGHUP does
// on a signal: all of it, or, if anything in it is wrong, nothing.
func Reload(path string, p *Policy, level *slog.LevelVar) error {
	f, err := Load(path)
	if err != nil {
		return err
	}
	if f.Sampling != nil && p != nil {
		if err := p.Update(*f.Sampling); err != nil {
			return err // Load checked the Config: not reached
		}
	}
	if f.Level != nil && level != nil {
		level.Set(*f.Level)
	}
	return nil
}

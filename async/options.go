package async

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultBufferSize   = 1 << 20 // 1 MiB of records
	DefaultBatchSize    = 64 << 10
	DefaultBlockTimeout = 100 * time.Millisecond
	DefaultCloseTimeout = 5 * time.Second
	// MaxBufferSize bounds BufferSize, which NewWriter allocates at once.
	MaxBufferSize = 1 << 30
)

// FullPolicy says what Write does with a record when the buffer is full.
type FullPolicy int

const (
	// DropNewest drops the record being written (the default): the
	// caller never waits, and what is already buffered is kept.
	DropNewest FullPolicy = iota
	// DropOldest discards the oldest batch waiting to be written (up to
	// BatchSize bytes of records, all of them counted) to make room, so
	// the buffer keeps the newest records. Records whose batch is already
	// being written can't be taken back; if there is nothing else to
	// discard, the new record is dropped instead.
	DropOldest
	// Block waits up to BlockTimeout for room, then drops the record.
	Block
)

// String returns the policy's name as written in Options' docs.
func (p FullPolicy) String() string {
	switch p {
	case DropNewest:
		return "DropNewest"
	case DropOldest:
		return "DropOldest"
	case Block:
		return "Block"
	}
	return fmt.Sprintf("FullPolicy(%d)", int(p))
}

// Options configure a Writer. The zero value is ready to use: a 1 MiB
// buffer written in batches of up to 64 KiB, dropping the newest record
// when full, with drops reported in the stream.
type Options struct {
	// BufferSize is the most bytes of records held waiting to be written
	// (default DefaultBufferSize). It is split into slabs of BatchSize
	// bytes, allocated once by NewWriter; a remainder smaller than a
	// BatchSize is not used. A record larger than BufferSize can never be
	// buffered: Write drops it, counts it (reason buffer_full) and returns
	// an error wrapping ErrTooLarge.
	BufferSize int
	// BatchSize is the most bytes the writer goroutine hands to the
	// underlying writer in one Write call (default DefaultBatchSize, or
	// BufferSize/2 if that is smaller). BufferSize must hold at least two
	// batches: one is written while the next fills. A record larger than
	// BatchSize (but not than BufferSize) is kept in order in a buffer of
	// its own, which costs that Write one allocation, and is charged
	// against BufferSize like the batches it displaces.
	BatchSize int
	// OnFull chooses what happens to a record when the buffer is full.
	OnFull FullPolicy
	// BlockTimeout is how long Write waits for room under Block before it
	// drops the record (default DefaultBlockTimeout). Block never waits
	// forever, so a stuck destination can't stop the program.
	BlockTimeout time.Duration
	// FlushInterval, when zero (the default), has the writer goroutine
	// write records as soon as they arrive: under load, batches form by
	// themselves while the previous one is being written, and a lone
	// record waits for nothing. When set, the goroutine writes only full
	// batches, or what has accumulated once FlushInterval has passed since
	// it first found a record waiting; that saves Write calls on a
	// destination that costs per call, at the price of up to FlushInterval
	// of latency. Flush and Close write everything at once either way.
	FlushInterval time.Duration
	// CloseTimeout bounds Close (default DefaultCloseTimeout); see
	// CloseContext.
	CloseTimeout time.Duration
	// CloseUnderlying makes Close close the underlying writer, if it is an
	// io.Closer, after everything buffered was written. By default it is
	// left open: the Writer does not own it (think of os.Stdout).
	CloseUnderlying bool
	// OnError, if set, is called on the writer goroutine with each error
	// of the underlying writer (a failed or short Write, or a panic turned
	// into an error), after the records concerned were counted. It must
	// not block for long, nor call Flush or Close (which would wait for
	// it): nothing is written while it runs. A panic in it is recovered.
	OnError func(error)
	// DisableDropReport turns off the line the writer goroutine writes into
	// the stream after records were dropped; the counters still count.
	DisableDropReport bool
	// DropReportFields are JSON object members that the default drop
	// report carries after "msg", such as `"service.name":"checkout"`:
	// the members every other line of the stream has, so that the report
	// is found with them. NewWriter refuses text that is not members of a
	// JSON object.
	DropReportFields string
	// AppendDropReport, if set, formats the drop report instead of the
	// default JSON line (see DropReport): it appends one line, ending in a
	// newline, to dst and returns it. A panic in it falls back to the
	// default format.
	AppendDropReport func(dst []byte, r DropReport) []byte
}

// settings are Options with defaults applied and checked.
type settings struct {
	Options
	nslabs int
}

// check applies defaults and returns an error naming the first bad field.
func (o Options) check() (settings, error) {
	s := settings{Options: o}
	if f := strings.TrimSpace(o.DropReportFields); f != "" && (!json.Valid([]byte("{"+f+"}")) || strings.HasPrefix(f, ",") || strings.HasSuffix(f, ",")) {
		return s, fmt.Errorf("async: DropReportFields %q: want JSON object members such as %q", o.DropReportFields, `"service.name":"checkout"`)
	}
	if o.BufferSize < 0 {
		return s, fmt.Errorf("async: BufferSize %d: want a size in bytes > 0, or 0 for the default (%d)", o.BufferSize, DefaultBufferSize)
	}
	if o.BatchSize < 0 {
		return s, fmt.Errorf("async: BatchSize %d: want a size in bytes > 0, or 0 for the default (%d)", o.BatchSize, DefaultBatchSize)
	}
	if s.BufferSize == 0 {
		s.BufferSize = DefaultBufferSize
	}
	if s.BufferSize > MaxBufferSize {
		return s, fmt.Errorf("async: BufferSize %d: want at most %d (1 GiB); the buffer is allocated up front", o.BufferSize, MaxBufferSize)
	}
	if s.BatchSize == 0 {
		s.BatchSize = min(DefaultBatchSize, s.BufferSize/2)
		if s.BatchSize == 0 {
			return s, fmt.Errorf("async: BufferSize %d: want at least 2 bytes, room for two batches", o.BufferSize)
		}
	}
	if s.BufferSize < 2*s.BatchSize {
		return s, fmt.Errorf("async: BufferSize %d with BatchSize %d: want BufferSize >= 2*BatchSize (one batch is written while the next fills)", s.BufferSize, s.BatchSize)
	}
	switch o.OnFull {
	case DropNewest, DropOldest, Block:
	default:
		return s, fmt.Errorf("async: OnFull %v: want DropNewest, DropOldest or Block", o.OnFull)
	}
	if o.BlockTimeout < 0 {
		return s, fmt.Errorf("async: BlockTimeout %v: want a duration > 0, or 0 for the default (%v)", o.BlockTimeout, DefaultBlockTimeout)
	}
	if s.BlockTimeout == 0 {
		s.BlockTimeout = DefaultBlockTimeout
	}
	if o.FlushInterval < 0 {
		return s, fmt.Errorf("async: FlushInterval %v: want a duration > 0, or 0 to write records as soon as they arrive", o.FlushInterval)
	}
	if o.CloseTimeout < 0 {
		return s, fmt.Errorf("async: CloseTimeout %v: want a duration > 0, or 0 for the default (%v)", o.CloseTimeout, DefaultCloseTimeout)
	}
	if s.CloseTimeout == 0 {
		s.CloseTimeout = DefaultCloseTimeout
	}
	s.nslabs = s.BufferSize / s.BatchSize
	return s, nil
}

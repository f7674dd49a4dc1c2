package logweave

import (
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
)

// sources caches the encoded "source" field per program counter, so that
// AddSource costs a map lookup instead of a stack-frame lookup and three
// allocations per record. The map is copied on write and read without a
// lock: call sites are few and fixed, lookups are many.
var sources struct {
	mu sync.Mutex // serialises writers
	m  atomic.Pointer[map[uintptr][]byte]
}

// maxCachedSources bounds the cache; beyond it, sources are encoded per
// record (correct, only slower).
const maxCachedSources = 4096

func sourceOf(pc uintptr) *slog.Source {
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	return &slog.Source{Function: f.Function, File: f.File, Line: f.Line}
}

// appendSource appends `,"source":{...}` for pc, or nothing when pc is 0
// (a record made without a caller), as slog does.
func appendSource(dst []byte, pc uintptr) []byte {
	if pc == 0 {
		return dst
	}
	if m := sources.m.Load(); m != nil {
		if enc, ok := (*m)[pc]; ok {
			return append(dst, enc...)
		}
	}
	s := &state{h: &Handler{}}
	if !s.appendAttr(slog.Any(slog.SourceKey, sourceOf(pc))) {
		return dst
	}
	sources.mu.Lock()
	defer sources.mu.Unlock()
	old := sources.m.Load()
	if old == nil || len(*old) < maxCachedSources {
		m := make(map[uintptr][]byte, 1+lenOf(old))
		if old != nil {
			for k, v := range *old {
				m[k] = v
			}
		}
		m[pc] = s.buf
		sources.m.Store(&m)
	}
	return append(dst, s.buf...)
}

func lenOf(m *map[uintptr][]byte) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

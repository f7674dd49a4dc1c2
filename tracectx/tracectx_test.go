package tracectx_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/trace"
)

func TestGeneratedIDsAreValidAndDistinct(t *testing.T) {
	lowerHex := regexp.MustCompile(`^[0-9a-f]+$`)
	seenT := map[trace.TraceID]bool{}
	seenS := map[trace.SpanID]bool{}
	for range 10_000 {
		tid, sid := tracectx.NewTraceID(), tracectx.NewSpanID()
		if !tid.IsValid() || !sid.IsValid() {
			t.Fatalf("invalid id generated: %s %s", tid, sid)
		}
		if !lowerHex.MatchString(tid.String()) || len(tid.String()) != 32 || len(sid.String()) != 16 {
			t.Fatalf("ids not 32/16 lowercase hex digits: %s %s", tid, sid)
		}
		if seenT[tid] || seenS[sid] {
			t.Fatalf("id repeated after %d: %s %s", len(seenT), tid, sid)
		}
		seenT[tid], seenS[sid] = true, true
	}
}

func TestNewRootAndChild(t *testing.T) {
	//lint:ignore SA1012 nil contexts are accepted, as slog accepts them
	root := tracectx.NewRoot(nil) //nolint:staticcheck
	sc := trace.SpanContextFromContext(root)
	if !sc.IsValid() || !sc.IsSampled() || sc.TraceFlags()&trace.FlagsRandom == 0 || sc.IsRemote() {
		t.Fatalf("root span context %+v: want valid, sampled, random, local", sc)
	}
	child := trace.SpanContextFromContext(tracectx.NewChild(root))
	if child.TraceID() != sc.TraceID() || child.SpanID() == sc.SpanID() || child.TraceFlags() != sc.TraceFlags() {
		t.Fatalf("child %+v of %+v: want the same trace and flags, a new span", child, sc)
	}
	// A child of nothing starts a trace.
	orphan := trace.SpanContextFromContext(tracectx.NewChild(context.Background()))
	if !orphan.IsValid() || orphan.TraceID() == sc.TraceID() {
		t.Fatalf("child of an empty context: %+v", orphan)
	}
}

func TestWithRemote(t *testing.T) {
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx, err := tracectx.WithRemote(context.Background(), tid, sid, trace.FlagsSampled)
	if err != nil {
		t.Fatal(err)
	}
	sc := trace.SpanContextFromContext(ctx)
	if sc.TraceID() != tid || sc.SpanID() != sid || !sc.IsSampled() || !sc.IsRemote() {
		t.Fatalf("got %+v", sc)
	}
	if _, err := tracectx.WithRemote(context.Background(), trace.TraceID{}, sid, 0); !errors.Is(err, tracectx.ErrInvalidIDs) {
		t.Fatalf("zero trace id: err = %v", err)
	}
	if _, err := tracectx.WithRemote(context.Background(), tid, trace.SpanID{}, 0); !errors.Is(err, tracectx.ErrInvalidIDs) {
		t.Fatalf("zero span id: err = %v", err)
	}
	// An error message names the bad id, and quotes (and bounds) what it got.
	_, err = tracectx.WithRemoteHex(context.Background(), "xyz\n"+string(make([]byte, 1000)), "00f067aa0ba902b7", 0)
	if err == nil || len(err.Error()) > 300 || !regexp.MustCompile(`trace id "xyz\\n`).MatchString(err.Error()) {
		t.Fatalf("error for a bad trace id: %v", err)
	}
}

func TestRequestID(t *testing.T) {
	if got := tracectx.RequestID(context.Background()); got != "" {
		t.Fatalf("empty context has request id %q", got)
	}
	//lint:ignore SA1012 a nil context has no request id and must not panic
	if got := tracectx.RequestID(nil); got != "" { //nolint:staticcheck
		t.Fatalf("nil context has request id %q", got)
	}
	ctx := tracectx.WithRequestID(context.Background(), "abc")
	if got := tracectx.RequestID(ctx); got != "abc" {
		t.Fatalf("got %q", got)
	}
	if got := tracectx.RequestID(tracectx.WithRequestID(ctx, "")); got != "" {
		t.Fatalf("an empty id must clear it, got %q", got)
	}
}

func ExampleWithRemoteHex() {
	// Ids received from a caller, for example from a message header.
	ctx, err := tracectx.WithRemoteHex(context.Background(),
		"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", trace.FlagsSampled)
	if err != nil {
		fmt.Println("bad ids:", err)
		return
	}
	sc := trace.SpanContextFromContext(ctx)
	fmt.Println(sc.TraceID(), sc.SpanID(), sc.IsRemote())

	_, err = tracectx.WithRemoteHex(context.Background(), "00000000000000000000000000000000", "00f067aa0ba902b7", 0)
	fmt.Println(err)
	// Output:
	// 4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7 true
	// tracectx: invalid trace context: trace id "00000000000000000000000000000000": trace-id can't be all zero
}

func ExampleNewRoot() {
	ctx := tracectx.NewRoot(context.Background())
	ctx = tracectx.WithRequestID(ctx, "req-7")
	sc := trace.SpanContextFromContext(ctx)
	fmt.Println(sc.IsValid(), len(sc.TraceID().String()), tracectx.RequestID(ctx))
	// Output: true 32 req-7
}

package tracectx_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/logweave/logweave/tracectx"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// TestW3CSuite replays the request-handling cases of the W3C Trace Context
// test suite (github.com/w3c/trace-context, test/test.py, run as it is by
// default: SPEC_LEVEL=2, STRICT_LEVEL=2) against a service built the way
// httplog and the gRPC interceptors build one: ExtractOrStart on the
// incoming headers, then, for each call the service makes, NewChild and
// Inject into that call's headers. What the suite's harness reads back from
// those calls is what is checked here. Each case names the suite's test
// method; a method that sends several requests has one case per request.
//
// The expectations are the suite's at Level 2, after w3c/trace-context#584
// (June 2026), which brought test_tracestate_key_illegal_vendor_format and
// test_tracestate_key_length_limit to the Level 2 key grammar, and with
// test_tracestate_duplicated_keys asking that a list with a repeated key be
// passed on (both copies, or one), not dropped.
func TestW3CSuite(t *testing.T) {
	const (
		tid = "12345678901234567890123456789012" // the suite's trace id
		pid = "1234567890123456"                 // and parent id
		tp  = "00-" + tid + "-" + pid + "-00"    // its usual traceparent
	)
	// What test_tracestate_all_allowed_characters sends: every key
	// character, once without and once with an "@" part, and every value
	// character, a leading space included.
	keyChars := "abcdefghijklmnopqrstuvwxyz0123456789_-*/"
	keyAt := keyChars + "@a-z0-9_-*/"
	var value strings.Builder
	for c := byte(0x20); c <= 0x7e; c++ {
		if c != ',' && c != '=' {
			value.WriteByte(c)
		}
	}
	allValue := value.String()
	bars := func(from, to int) string {
		var b []string
		for i := from; i <= to; i++ {
			n := string(rune('0'+i/10)) + string(rune('0'+i%10))
			b = append(b, "bar"+n+"="+n)
		}
		return strings.Join(b, ",")
	}

	type hdr = [2]string
	cases := []struct {
		test  string // the suite's test method
		in    []hdr  // request headers, in order, names as the harness sends them
		calls int    // calls the service makes (the AdvancedTest cases ask for 3)
		want  suiteOutcome
	}{
		{"test_both_traceparent_and_tracestate_missing", nil, 1, suiteOutcome{}},
		{"test_traceparent_included_tracestate_missing", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{continues: tid, newParent: pid}},
		{"test_traceparent_duplicated", []hdr{{"traceparent", "00-12345678901234567890123456789011-" + pid + "-01"}, {"traceparent", "00-" + tid + "-" + pid + "-01"}}, 1,
			suiteOutcome{restarts: []string{"12345678901234567890123456789011", tid}}},
		{"test_traceparent_header_name/1", []hdr{{"trace-parent", "00-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_header_name/2", []hdr{{"trace.parent", "00-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_header_name_valid_casing/1", []hdr{{"TraceParent", "00-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{continues: tid}},
		{"test_traceparent_header_name_valid_casing/2", []hdr{{"TrAcEpArEnT", "00-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{continues: tid}},
		{"test_traceparent_header_name_valid_casing/3", []hdr{{"TRACEPARENT", "00-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{continues: tid}},
		{"test_traceparent_version_0x00/1", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-01."}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_version_0x00/2", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-01-what-the-future-will-be-like"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_version_0xcc/1", []hdr{{"traceparent", "cc-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{continues: tid}},
		{"test_traceparent_version_0xcc/2", []hdr{{"traceparent", "cc-" + tid + "-" + pid + "-01-what-the-future-will-be-like"}}, 1, suiteOutcome{continues: tid}},
		{"test_traceparent_version_0xcc/3", []hdr{{"traceparent", "cc-" + tid + "-" + pid + "-01.what-the-future-will-be-like"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_version_0xff", []hdr{{"traceparent", "ff-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_version_illegal_characters/1", []hdr{{"traceparent", ".0-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_version_illegal_characters/2", []hdr{{"traceparent", "0.-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_version_too_long/1", []hdr{{"traceparent", "000-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_version_too_long/2", []hdr{{"traceparent", "0000-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_version_too_short", []hdr{{"traceparent", "0-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_trace_id_all_zero", []hdr{{"traceparent", "00-00000000000000000000000000000000-" + pid + "-01"}}, 1,
			suiteOutcome{restarts: []string{"00000000000000000000000000000000"}}},
		{"test_traceparent_trace_id_illegal_characters/1", []hdr{{"traceparent", "00-.2345678901234567890123456789012-" + pid + "-01"}}, 1,
			suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_trace_id_illegal_characters/2", []hdr{{"traceparent", "00-1234567890123456789012345678901.-" + pid + "-01"}}, 1,
			suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_trace_id_too_long", []hdr{{"traceparent", "00-123456789012345678901234567890123-" + pid + "-01"}}, 1,
			suiteOutcome{restarts: []string{tid, "23456789012345678901234567890123"}}},
		{"test_traceparent_trace_id_too_short", []hdr{{"traceparent", "00-1234567890123456789012345678901-" + pid + "-01"}}, 1,
			suiteOutcome{restarts: []string{"01234567890123456789012345678901", "12345678901234567890123456789010"}}},
		{"test_traceparent_parent_id_all_zero", []hdr{{"traceparent", "00-" + tid + "-0000000000000000-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_parent_id_illegal_characters/1", []hdr{{"traceparent", "00-" + tid + "-.234567890123456-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_parent_id_illegal_characters/2", []hdr{{"traceparent", "00-" + tid + "-123456789012345.-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_parent_id_too_long", []hdr{{"traceparent", "00-" + tid + "-12345678901234567-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_parent_id_too_short", []hdr{{"traceparent", "00-" + tid + "-123456789012345-01"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_trace_flags_illegal_characters/1", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-.0"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_trace_flags_illegal_characters/2", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-0."}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_trace_flags_too_long", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-001"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_trace_flags_too_short", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-1"}}, 1, suiteOutcome{restarts: []string{tid}}},
		{"test_traceparent_ows_handling/1", []hdr{{"traceparent", " 00-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{continues: tid}},
		{"test_traceparent_ows_handling/2", []hdr{{"traceparent", "\t00-" + tid + "-" + pid + "-01"}}, 1, suiteOutcome{continues: tid}},
		{"test_traceparent_ows_handling/3", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-01 "}}, 1, suiteOutcome{continues: tid}},
		{"test_traceparent_ows_handling/4", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-01\t"}}, 1, suiteOutcome{continues: tid}},
		{"test_traceparent_ows_handling/5", []hdr{{"traceparent", "\t 00-" + tid + "-" + pid + "-01 \t"}}, 1, suiteOutcome{continues: tid}},

		// Without a traceparent the tracestate is not read: nothing is
		// passed on, whatever it held.
		{"test_tracestate_included_traceparent_missing/1", []hdr{{"tracestate", "foo=1"}}, 1, suiteOutcome{noState: true}},
		{"test_tracestate_included_traceparent_missing/2", []hdr{{"tracestate", "foo=1,bar=2"}}, 1, suiteOutcome{noState: true}},
		{"test_tracestate_included_traceparent_included", []hdr{{"traceparent", tp}, {"tracestate", "foo=1,bar=2"}}, 1,
			suiteOutcome{continues: tid, has: []string{"foo=1", "bar=2"}}},
		{"test_tracestate_header_name/1", []hdr{{"traceparent", tp}, {"trace-state", "foo=1"}}, 1, suiteOutcome{lacks: []string{"foo"}}},
		{"test_tracestate_header_name/2", []hdr{{"traceparent", tp}, {"trace.state", "foo=1"}}, 1, suiteOutcome{lacks: []string{"foo"}}},
		{"test_tracestate_header_name_valid_casing/1", []hdr{{"traceparent", tp}, {"TraceState", "foo=1"}}, 1, suiteOutcome{has: []string{"foo=1"}}},
		{"test_tracestate_header_name_valid_casing/2", []hdr{{"traceparent", tp}, {"TrAcEsTaTe", "foo=1"}}, 1, suiteOutcome{has: []string{"foo=1"}}},
		{"test_tracestate_header_name_valid_casing/3", []hdr{{"traceparent", tp}, {"TRACESTATE", "foo=1"}}, 1, suiteOutcome{has: []string{"foo=1"}}},
		{"test_tracestate_empty_header/1", []hdr{{"traceparent", tp}, {"tracestate", ""}}, 1, suiteOutcome{continues: tid}},
		{"test_tracestate_empty_header/2", []hdr{{"traceparent", tp}, {"tracestate", "foo=1"}, {"tracestate", ""}}, 1, suiteOutcome{continues: tid, has: []string{"foo=1"}}},
		{"test_tracestate_empty_header/3", []hdr{{"traceparent", tp}, {"tracestate", ""}, {"tracestate", "foo=1"}}, 1, suiteOutcome{continues: tid, has: []string{"foo=1"}}},
		{"test_tracestate_multiple_headers_different_keys", []hdr{{"traceparent", tp}, {"tracestate", "foo=1,bar=2"}, {"tracestate", "rojo=1,congo=2"}, {"tracestate", "baz=3"}}, 1,
			suiteOutcome{continues: tid, has: []string{"foo=1", "bar=2", "rojo=1", "congo=2", "baz=3"}, inOrder: true}},

		// A repeated key does not make the list worthless: it is passed
		// on, with both copies or one of them.
		{"test_tracestate_duplicated_keys/1", []hdr{{"traceparent", tp}, {"tracestate", "foo=1,foo=1"}}, 1, suiteOutcome{continues: tid, has: []string{"foo=1"}}},
		{"test_tracestate_duplicated_keys/2", []hdr{{"traceparent", tp}, {"tracestate", "foo=1,foo=2"}}, 1, suiteOutcome{continues: tid, anyOf: []string{"foo=1", "foo=2"}}},
		{"test_tracestate_duplicated_keys/3", []hdr{{"traceparent", tp}, {"tracestate", "foo=1"}, {"tracestate", "foo=1"}}, 1, suiteOutcome{continues: tid, has: []string{"foo=1"}}},
		{"test_tracestate_duplicated_keys/4", []hdr{{"traceparent", tp}, {"tracestate", "foo=1"}, {"tracestate", "foo=2"}}, 1, suiteOutcome{continues: tid, anyOf: []string{"foo=1", "foo=2"}}},

		{"test_tracestate_all_allowed_characters/1", []hdr{{"traceparent", tp}, {"tracestate", keyChars + "=" + allValue}}, 1, suiteOutcome{has: []string{keyChars + "=" + allValue}}},
		{"test_tracestate_all_allowed_characters/2", []hdr{{"traceparent", tp}, {"tracestate", keyAt + "=" + allValue}}, 1, suiteOutcome{has: []string{keyAt + "=" + allValue}}},
		{"test_tracestate_ows_handling/1", []hdr{{"traceparent", tp}, {"tracestate", "foo=1 \t , \t bar=2, \t baz=3"}}, 1, suiteOutcome{has: []string{"foo=1", "bar=2", "baz=3"}}},
		{"test_tracestate_ows_handling/2", []hdr{{"traceparent", tp}, {"tracestate", "foo=1\t \t,\t \tbar=2,\t \tbaz=3"}}, 1, suiteOutcome{has: []string{"foo=1", "bar=2", "baz=3"}}},
		{"test_tracestate_ows_handling/3", []hdr{{"traceparent", tp}, {"tracestate", " foo=1"}}, 1, suiteOutcome{continues: tid, has: []string{"foo=1"}}},
		{"test_tracestate_ows_handling/4", []hdr{{"traceparent", tp}, {"tracestate", "\tfoo=1"}}, 1, suiteOutcome{continues: tid, has: []string{"foo=1"}}},
		{"test_tracestate_ows_handling/5", []hdr{{"traceparent", tp}, {"tracestate", "foo=1 "}}, 1, suiteOutcome{continues: tid, has: []string{"foo=1"}}},
		{"test_tracestate_ows_handling/6", []hdr{{"traceparent", tp}, {"tracestate", "foo=1\t"}}, 1, suiteOutcome{continues: tid, has: []string{"foo=1"}}},
		{"test_tracestate_ows_handling/7", []hdr{{"traceparent", tp}, {"tracestate", "\t foo=1 \t"}}, 1, suiteOutcome{continues: tid, has: []string{"foo=1"}}},

		// Invalid members: the list is not passed on.
		{"test_tracestate_key_illegal_characters/1", []hdr{{"traceparent", tp}, {"tracestate", "foo =1"}}, 1, suiteOutcome{lacks: []string{"foo "}}},
		{"test_tracestate_key_illegal_characters/2", []hdr{{"traceparent", tp}, {"tracestate", "FOO=1"}}, 1, suiteOutcome{lacks: []string{"FOO"}}},
		{"test_tracestate_key_illegal_characters/3", []hdr{{"traceparent", tp}, {"tracestate", "foo.bar=1"}}, 1, suiteOutcome{lacks: []string{"foo.bar"}}},
		// At Level 2 "@" is a key character like any other after the
		// first: only a key that starts with it is invalid.
		{"test_tracestate_key_illegal_vendor_format/1", []hdr{{"traceparent", tp}, {"tracestate", "foo@=1,bar=2"}}, 1, suiteOutcome{has: []string{"foo@=1", "bar=2"}}},
		{"test_tracestate_key_illegal_vendor_format/2", []hdr{{"traceparent", tp}, {"tracestate", "@foo=1,bar=2"}}, 1, suiteOutcome{lacks: []string{"bar"}}},
		{"test_tracestate_key_illegal_vendor_format/3", []hdr{{"traceparent", tp}, {"tracestate", "foo@@bar=1,bar=2"}}, 1, suiteOutcome{has: []string{"foo@@bar=1", "bar=2"}}},
		{"test_tracestate_key_illegal_vendor_format/4", []hdr{{"traceparent", tp}, {"tracestate", "foo@bar@baz=1,bar=2"}}, 1, suiteOutcome{has: []string{"foo@bar@baz=1", "bar=2"}}},
		{"test_tracestate_member_count_limit/1", []hdr{{"traceparent", tp}, {"tracestate", bars(1, 10)}, {"tracestate", bars(11, 20)}, {"tracestate", bars(21, 30)}, {"tracestate", bars(31, 32)}}, 1,
			suiteOutcome{has: []string{"bar01=01"}, members: 32}},
		{"test_tracestate_member_count_limit/2", []hdr{{"traceparent", tp}, {"tracestate", bars(1, 10)}, {"tracestate", bars(11, 20)}, {"tracestate", bars(21, 30)}, {"tracestate", bars(31, 33)}}, 1,
			suiteOutcome{lacks: []string{"bar01"}}},
		// One limit of 256 characters per key, wherever its "@" are.
		{"test_tracestate_key_length_limit/1", []hdr{{"traceparent", tp}, {"tracestate", "foo=1"}, {"tracestate", strings.Repeat("z", 256) + "=1"}}, 1, suiteOutcome{has: []string{"foo=1"}}},
		{"test_tracestate_key_length_limit/2", []hdr{{"traceparent", tp}, {"tracestate", "foo=1"}, {"tracestate", strings.Repeat("z", 257) + "=1"}}, 1, suiteOutcome{lacks: []string{"foo"}}},
		{"test_tracestate_key_length_limit/3", []hdr{{"traceparent", tp}, {"tracestate", "foo=1"}, {"tracestate", strings.Repeat("t", 241) + "@" + strings.Repeat("v", 14) + "=1"}}, 1, suiteOutcome{has: []string{"foo=1"}}},
		{"test_tracestate_key_length_limit/4", []hdr{{"traceparent", tp}, {"tracestate", "foo=1"}, {"tracestate", strings.Repeat("t", 242) + "@v=1"}}, 1, suiteOutcome{has: []string{"foo=1", strings.Repeat("t", 242) + "@v=1"}}},
		{"test_tracestate_key_length_limit/5", []hdr{{"traceparent", tp}, {"tracestate", "foo=1"}, {"tracestate", "t@" + strings.Repeat("v", 15) + "=1"}}, 1, suiteOutcome{has: []string{"foo=1", "t@" + strings.Repeat("v", 15) + "=1"}}},
		{"test_tracestate_value_illegal_characters/1", []hdr{{"traceparent", tp}, {"tracestate", "foo=bar=baz"}}, 1, suiteOutcome{lacks: []string{"foo"}}},
		{"test_tracestate_value_illegal_characters/2", []hdr{{"traceparent", tp}, {"tracestate", "foo=,bar=3"}}, 1, suiteOutcome{lacks: []string{"foo", "bar"}}},

		// AdvancedTest: the service calls the harness three times; every
		// call is its own span in the one trace.
		{"AdvancedTest.test_multiple_requests_with_valid_traceparent", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-01"}}, 3, suiteOutcome{continues: tid, distinctParents: true}},
		{"AdvancedTest.test_multiple_requests_without_traceparent", nil, 3, suiteOutcome{distinctParents: true}},
		{"AdvancedTest.test_multiple_requests_with_illegal_traceparent", []hdr{{"traceparent", "00-00000000000000000000000000000000-" + pid + "-01"}}, 3,
			suiteOutcome{restarts: []string{"00000000000000000000000000000000"}, distinctParents: true}},

		// TraceContext2Test (SPEC_LEVEL 2): the random flag is passed on.
		{"TraceContext2Test.test_propagates_random_flag", []hdr{{"traceparent", "00-" + tid + "-" + pid + "-02"}}, 1, suiteOutcome{continues: tid, newParent: pid, flags: trace.FlagsRandom}},
	}

	for _, p := range []struct {
		name string
		prop propagation.TextMapPropagator
	}{{"W3C", tracectx.W3C{}}, {"Default", tracectx.Default()}} {
		for _, c := range cases {
			t.Run(p.name+"/"+c.test, func(t *testing.T) {
				in := http.Header{}
				for _, h := range c.in {
					in.Add(h[0], h[1]) // canonicalized, as net/http does
				}
				ctx, _ := tracectx.ExtractOrStart(context.Background(), p.prop, propagation.HeaderCarrier(in))
				var calls []http.Header
				for range c.calls {
					out := http.Header{}
					p.prop.Inject(tracectx.NewChild(ctx), propagation.HeaderCarrier(out))
					calls = append(calls, out)
				}
				c.want.check(t, calls)
			})
		}
	}
}

// suiteOutcome is what the harness asserts about the calls it receives.
type suiteOutcome struct {
	continues       string           // trace id every call must carry
	restarts        []string         // trace ids no call may carry: the trace was restarted, not continued or misread
	newParent       string           // a parent id no call may carry: the service made its own span
	distinctParents bool             // every call has its own parent id
	flags           trace.TraceFlags // flags every call must have set
	has             []string         // members (key=value) the tracestate must hold
	inOrder         bool             // and in this order
	anyOf           []string         // at least one of these members must be there
	lacks           []string         // keys that must not be there
	members         int              // exact number of members, when not 0
	noState         bool             // no tracestate at all
}

var (
	suiteTraceparent = regexp.MustCompile(`^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$`)
	suiteDelimiter   = regexp.MustCompile(`[ \t]*,[ \t]*`)
	suiteMember      = regexp.MustCompile(`^([a-z0-9][a-z0-9_\-*/@]{0,255})=([\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e])$`)
)

func (o suiteOutcome) check(t *testing.T, calls []http.Header) {
	t.Helper()
	parents := map[string]bool{}
	for i, h := range calls {
		// The harness wants exactly one traceparent, in the version-00 form.
		tps := h.Values("traceparent")
		if len(tps) != 1 {
			t.Fatalf("call %d: %d traceparent headers %q, want 1", i, len(tps), tps)
		}
		m := suiteTraceparent.FindStringSubmatch(tps[0])
		if m == nil {
			t.Fatalf("call %d: traceparent %q is malformed", i, tps[0])
		}
		traceID, parentID, flags := m[2], m[3], m[4]
		if o.continues != "" && traceID != o.continues {
			t.Errorf("call %d: trace id %s, want the caller's %s", i, traceID, o.continues)
		}
		for _, bad := range o.restarts {
			if traceID == bad {
				t.Errorf("call %d: trace id %s kept, want a new trace", i, traceID)
			}
		}
		if o.newParent != "" && parentID == o.newParent {
			t.Errorf("call %d: parent id %s is the caller's, want the service's own", i, parentID)
		}
		if o.distinctParents && parents[parentID] {
			t.Errorf("call %d: parent id %s used by an earlier call", i, parentID)
		}
		parents[parentID] = true
		if f, err := strconv.ParseUint(flags, 16, 8); err != nil || trace.TraceFlags(f)&o.flags != o.flags {
			t.Errorf("call %d: flags %s, want %02x set", i, flags, byte(o.flags))
		}

		states := h.Values("tracestate")
		if o.noState && len(states) != 0 {
			t.Errorf("call %d: tracestate %q passed on, want none", i, states)
		}
		list := suiteParseTracestate(t, states)
		for _, k := range o.lacks {
			for _, mem := range list {
				if mem[0] == k {
					t.Errorf("call %d: tracestate %.120q holds %q, want it dropped", i, states, k)
				}
			}
		}
		at := -1
		for _, want := range o.has {
			j := indexMember(list, want)
			if j < 0 {
				t.Errorf("call %d: tracestate %.120q lacks %.60q", i, states, want)
				continue
			}
			if o.inOrder && j < at {
				t.Errorf("call %d: tracestate %q has %q out of order", i, states, want)
			}
			at = j
		}
		if len(o.anyOf) > 0 {
			found := false
			for _, want := range o.anyOf {
				found = found || indexMember(list, want) >= 0
			}
			if !found {
				t.Errorf("call %d: tracestate %q holds none of %q", i, states, o.anyOf)
			}
		}
		if o.members != 0 && len(list) != o.members {
			t.Errorf("call %d: %d tracestate members, want %d", i, len(list), o.members)
		}
	}
}

// suiteParseTracestate reads the tracestate lines as the harness does:
// members split at commas with blanks around them, each of which must be
// key=value by the Level 2 grammar, or the harness fails the test.
func suiteParseTracestate(t *testing.T, lines []string) [][2]string {
	t.Helper()
	var list [][2]string
	for _, line := range lines {
		for _, m := range suiteDelimiter.Split(line, -1) {
			if m == "" {
				continue
			}
			kv := suiteMember.FindStringSubmatch(m)
			if kv == nil {
				t.Fatalf("passed on a tracestate member the harness cannot read: %.80q", m)
			}
			list = append(list, [2]string{kv[1], kv[2]})
		}
	}
	return list
}

func indexMember(list [][2]string, kv string) int {
	k, v, _ := strings.Cut(kv, "=")
	for i, m := range list {
		if m[0] == k && m[1] == v {
			return i
		}
	}
	return -1
}

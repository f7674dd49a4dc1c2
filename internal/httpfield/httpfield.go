// Package httpfield holds the small pieces of HTTP field syntax (RFC 9110)
// that several of logweave's header parsers share.
package httpfield

// TrimOWS removes optional whitespace (space and horizontal tab, RFC 9110
// section 5.6.3) from both ends of s. HTTP parsers already strip it around
// whole field values; list members and other carriers may still have it.
func TrimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

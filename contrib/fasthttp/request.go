package logweavefasthttp

import (
	"net"
	"net/http"
	"net/netip"
	"net/textproto"
	"net/url"

	"github.com/logweave/logweave/clientip"
)

// request returns the *http.Request that Options.Skip, Options.Route and
// a clientip.Strategy are asked about: method, URL, Host, RemoteAddr and,
// when withHeaders is set, every header. It is made without copying: its
// strings point into fasthttp's buffers, which hold still while the
// request is handled, and it is taken apart when ex is released, so none
// of them may keep it (clientip's strategies do not; they return an
// address, not a string).
func (ex *Exchange) request(withHeaders bool) *http.Request {
	fctx := ex.fctx
	if !ex.requestBuilt {
		ex.requestBuilt = true
		h := &fctx.Request.Header
		uri := fctx.URI()
		ex.url = url.URL{Path: unsafeString(uri.Path()), RawQuery: unsafeString(uri.QueryString())}
		ex.addr = appendAddr(ex.addr[:0], fctx.RemoteAddr())
		if ex.header == nil {
			ex.header = make(http.Header, 16)
		}
		ex.req = http.Request{
			Method:     unsafeString(h.Method()),
			URL:        &ex.url,
			Proto:      unsafeString(h.Protocol()),
			ProtoMajor: 1,
			ProtoMinor: 1,
			Header:     ex.header,
			Host:       unsafeString(fctx.Host()),
			RemoteAddr: unsafeString(ex.addr),
			RequestURI: unsafeString(fctx.RequestURI()),
		}
		if !h.IsHTTP11() {
			ex.req.ProtoMinor = 0
		}
	}
	if withHeaders && !ex.requestHeaders {
		ex.requestHeaders = true
		visitRequestHeaders(&fctx.Request.Header, ex.addHeader)
	}
	return &ex.req
}

// addHeader adds a header line of the fasthttp request to ex.header, the
// way net/http would have parsed it.
func (ex *Exchange) addHeader(k, v []byte) {
	// fasthttp stores names canonical unless the server disables it;
	// then they are canonicalized here (CanonicalMIMEHeaderKey returns an
	// already canonical name as it is).
	key := textproto.CanonicalMIMEHeaderKey(unsafeString(k))
	if vs, ok := ex.header[key]; ok {
		ex.header[key] = append(vs, unsafeString(v))
		return
	}
	ex.values = append(ex.values, unsafeString(v))
	n := len(ex.values)
	ex.header[key] = ex.values[n-1 : n : n]
}

// appendAddr appends the "ip:port" of a connection's peer, as net/http
// writes Request.RemoteAddr.
func appendAddr(dst []byte, a net.Addr) []byte {
	switch a := a.(type) {
	case nil:
		return dst
	case *net.TCPAddr:
		return a.AddrPort().AppendTo(dst)
	}
	return append(dst, a.String()...)
}

// peerAddr returns the address of a connection's peer as
// clientip.RemoteAddr() returns it, canonical (IPv4-mapped IPv6 unmapped,
// no zone), without going through a string.
func peerAddr(a net.Addr) netip.Addr {
	if t, ok := a.(*net.TCPAddr); ok {
		ip, ok := netip.AddrFromSlice(t.IP)
		if ip = ip.Unmap(); !ok || ip.IsUnspecified() {
			return netip.Addr{} // no address, as clientip.RemoteAddr has it
		}
		return ip
	}
	if a == nil {
		return netip.Addr{}
	}
	return clientip.RemoteAddr().ClientIP(&http.Request{RemoteAddr: a.String()})
}

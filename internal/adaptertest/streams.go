package adaptertest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// The clients of the streaming and WebSocket tests, which every adapter
// on net/http (and httplog itself) runs against its own handlers.

// SwitchingProtocols is the response a handler that takes a WebSocket
// upgrade over writes on the hijacked connection.
const SwitchingProtocols = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"

// ReadFlushedEvents gets url, a stream of the three server-sent events
// "data: event0" to "data: event2", and sends on next once it has read
// each: the handler writes an event only after the client saw the one
// before, so each must have been flushed. The handler's access line is
// left to the caller.
func ReadFlushedEvents(t *testing.T, url string, next chan<- struct{}) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	for i := range 3 {
		line, err := rd.ReadString('\n')
		if err != nil || line != "data: event"+string(rune('0'+i))+"\n" {
			t.Fatalf("event %d: %q %v", i, line, err)
		}
		rd.ReadString('\n')
		next <- struct{}{} // the handler goes on only once we saw the event: it was flushed
	}
	// Read to the end before closing: a body closed while the handler
	// still runs cancels the request, and the line would say 499.
	if _, err := io.Copy(io.Discard, rd); err != nil {
		t.Errorf("reading the end of the stream: %v", err)
	}
}

// WebSocketPing sends a WebSocket upgrade to url's /ws, wants the 101,
// then sends "ping" and wants "echo ping" back on the same connection:
// what a handler that hijacked the connection answers. The handler's
// access line is left to the caller.
func WebSocketPing(t *testing.T, url string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	rd := bufio.NewReader(conn)
	status, _ := rd.ReadString('\n')
	if !strings.HasPrefix(status, "HTTP/1.1 101") {
		t.Fatalf("upgrade failed: %q", status)
	}
	for l, _ := rd.ReadString('\n'); l != "\r\n" && l != ""; l, _ = rd.ReadString('\n') {
	}
	io.WriteString(conn, "ping\n")
	if echoed, _ := rd.ReadString('\n'); echoed != "echo ping\n" {
		t.Fatalf("echo %q", echoed)
	}
}

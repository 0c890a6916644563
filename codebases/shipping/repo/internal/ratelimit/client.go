package ratelimit

import (
	"net"
	"net/http"
)

// ClientAddress is the address a request came from: the TCP peer. Headers such as
// X-Forwarded-For are the client's to write, so they never decide who the client is.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

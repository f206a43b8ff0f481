package httpapi

import (
	"net/netip"
	"testing"
)

func TestServer_clientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name      string
		peer      string
		forwarded []string
		trusted   []netip.Prefix
		want      string
	}{
		{"without trusted proxies the peer is the client", "203.0.113.5:4000", []string{"198.51.100.1"}, nil, "203.0.113.5"},
		{"X-Forwarded-For from an untrusted peer is ignored", "203.0.113.5:4000", []string{"198.51.100.1"}, proxies, "203.0.113.5"},
		{"a trusted peer's forwarded client is believed", "10.1.2.3:4000", []string{"198.51.100.1"}, proxies, "198.51.100.1"},
		{"a client's forged hops left of the real one are ignored", "10.1.2.3:4000", []string{"1.2.3.4, 198.51.100.1"}, proxies, "198.51.100.1"},
		{"trusted hops are skipped from the right", "10.1.2.3:4000", []string{"198.51.100.1, 192.0.2.7", "10.9.9.9"}, proxies, "198.51.100.1"},
		{"a trusted peer without the header is the client", "10.1.2.3:4000", nil, proxies, "10.1.2.3"},
		{"a malformed hop stops at the proxy that wrote it", "10.1.2.3:4000", []string{"garbage, 10.5.5.5"}, proxies, "10.5.5.5"},
		{"every hop trusted: the leftmost", "10.1.2.3:4000", []string{"10.4.4.4, 10.5.5.5"}, proxies, "10.4.4.4"},
		{"IPv6 peer and client", "[fd00::1]:4000", []string{"2001:db8::5"}, proxies, "2001:db8::5"},
		{"an IPv4-mapped peer is its IPv4 address", "[::ffff:10.1.2.3]:4000", []string{"198.51.100.1"}, proxies, "198.51.100.1"},
		{"an untrusted IPv6 peer", "[2001:db8::9]:4000", []string{"198.51.100.1"}, proxies, "2001:db8::9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clientAddr(tt.peer, tt.forwarded, tt.trusted); got != tt.want {
				t.Errorf("clientIP(%q, %q) = %q, want %q", tt.peer, tt.forwarded, got, tt.want)
			}
		})
	}
}

// Package netguard makes HTTP requests to URLs that users (or provider
// payloads) supply without letting them reach the server's own network:
// loopback, private, link-local, unspecified, multicast and other
// special-purpose addresses are refused at dial time, after DNS resolution,
// so a host name that resolves (or rebinds) to 127.0.0.1 is refused as well.
// Operators allow specific hosts or networks with
// PARLEY_ALLOW_PRIVATE_ADDRESSES.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/parleyhq/parley"
)

// ErrForbiddenAddress is wrapped by dial errors for refused addresses.
var ErrForbiddenAddress = errors.New("netguard: address not allowed")

// MaxRedirects is how many redirects Client follows.
const MaxRedirects = 5

// special are the special-purpose ranges (RFC 6890 and successors) that
// net/netip has no predicate for.
var special = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT, often internal
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("100::/64"),        // discard
}

// nat64 embeds an IPv4 address in its last 32 bits; the embedded address
// is what is finally reached, so it is checked too.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// Blocked reports whether addr is an address user-supplied URLs may not
// reach when no allow-list entry permits it.
func Blocked(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() {
		return true
	}
	if nat64.Contains(addr) {
		b := addr.As16()
		return Blocked(netip.AddrFrom4([4]byte(b[12:16])))
	}
	if addr.IsLoopback() || addr.IsPrivate() || addr.IsUnspecified() ||
		addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() {
		return true
	}
	for _, p := range special {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Guard decides which addresses may be dialled. The zero Guard allows no
// exception. A Guard is safe for concurrent use.
type Guard struct {
	prefixes []netip.Prefix
	hosts    map[string]bool
}

// New returns a Guard whose allow-list holds entries, each a host name
// ("minio.internal"), an IP address ("10.0.0.5") or a CIDR ("10.0.0.0/8").
// A host name entry lets that name (as written in URLs) reach whatever it
// resolves to; address entries are checked after resolution.
func New(entries []string) (*Guard, error) {
	g := &Guard{hosts: map[string]bool{}}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if p, err := netip.ParsePrefix(e); err == nil {
			g.prefixes = append(g.prefixes, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(strings.Trim(e, "[]")); err == nil {
			a = a.Unmap()
			g.prefixes = append(g.prefixes, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		if strings.ContainsAny(e, "/:@ ") {
			return nil, fmt.Errorf("netguard: allow-list entry %q is neither a host, an address nor a CIDR", e)
		}
		g.hosts[strings.ToLower(strings.TrimSuffix(e, "."))] = true
	}
	return g, nil
}

// ParseAllowList splits the value of PARLEY_ALLOW_PRIVATE_ADDRESSES
// (entries separated by commas or spaces) and returns its Guard.
func ParseAllowList(s string) (*Guard, error) {
	return New(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }))
}

// Allowed reports whether the guard lets a connection reach addr.
func (g *Guard) Allowed(addr netip.Addr) bool {
	addr = addr.Unmap()
	if g != nil {
		for _, p := range g.prefixes {
			if p.Contains(addr) {
				return true
			}
		}
	}
	return !Blocked(addr)
}

func (g *Guard) hostAllowed(host string) bool {
	return g != nil && g.hosts[strings.ToLower(strings.TrimSuffix(host, "."))]
}

// Control is a net.Dialer Control function: it runs after DNS resolution,
// for each address about to be connected, and refuses forbidden ones.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	if !g.Allowed(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, ap.Addr())
	}
	return nil
}

// DialContext dials like net.Dialer, refusing forbidden addresses at
// connect time. Hosts named in the allow-list are dialled unchecked.
func (g *Guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if host, _, err := net.SplitHostPort(address); err != nil || !g.hostAllowed(host) {
		d.Control = g.Control
	}
	return d.DialContext(ctx, network, address)
}

// Client returns an HTTP client for user-supplied URLs: guarded dials, no
// proxy (a proxy would make the check meaningless), redirects limited to
// MaxRedirects and checked with ValidateURL, and timeout as its overall
// limit (0 for none; contexts still apply).
func (g *Guard) Client(timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: g.Transport(),
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= MaxRedirects {
				return fmt.Errorf("netguard: stopped after %d redirects", MaxRedirects)
			}
			if _, err := ValidateURL(req.URL.String()); err != nil {
				return &RedirectError{Target: req.URL.Redacted(), Scheme: req.URL.Scheme, Reason: err}
			}
			return nil
		},
	}
}

// RedirectError is a redirect the guarded client refused to follow (to a
// URL ValidateURL refuses: another scheme than http and https, user
// credentials…). It is permanent: asking again is redirected again.
type RedirectError struct {
	Target string // the URL redirected to, without a password
	Scheme string
	Reason error
}

func (e *RedirectError) Error() string {
	return "netguard: redirect to " + e.Target + " refused: " + e.Reason.Error()
}

func (e *RedirectError) Unwrap() error { return e.Reason }

// Transport returns an http.Transport that dials through the guard.
func (g *Guard) Transport() *http.Transport {
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           g.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       60 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// ValidateURL checks a user-supplied URL before it is stored or used: an
// absolute http or https URL with a host and no user credentials. It
// returns an EINVALID *parley.Error saying what is wrong. Address checks
// happen at dial time (a name's addresses can change after this check).
func ValidateURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "The URL cannot be parsed.")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, parley.Errorf(parley.EINVALID, "The URL must start with http:// or https://.")
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, parley.Errorf(parley.EINVALID, "The URL must name a host.")
	}
	if u.User != nil {
		return nil, parley.Errorf(parley.EINVALID, "The URL must not contain a user name or password.")
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err != nil || n < 1 || n > 65535 {
			return nil, parley.Errorf(parley.EINVALID, "The URL has an invalid port.")
		}
	}
	return u, nil
}

// CheckURL refuses a user-supplied URL early, when it is stored: one that
// is not http(s) (ValidateURL), or that names a private or loopback
// address literally; the dial-time check covers names that resolve to one.
// Its errors are parley errors whose message is the sentence shown.
func (g *Guard) CheckURL(raw string) error {
	u, err := ValidateURL(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		host = "127.0.0.1"
	}
	if ip, err := netip.ParseAddr(host); err == nil && !g.Allowed(ip) {
		return parley.Errorf(parley.EINVALID, "It points at a private or loopback address (allow it with PARLEY_ALLOW_PRIVATE_ADDRESSES).")
	}
	return nil
}

package netguard

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/parleyhq/parley"
)

func TestBlocked(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"::1", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true},
		{"fe80::1", true},
		{"fc00::1", true},
		{"fd00:ec2::254", true},
		{"0.0.0.0", true},
		{"::", true},
		{"224.0.0.1", true},
		{"ff02::1", true},
		{"100.64.0.1", true},
		{"255.255.255.255", true},
		{"::ffff:127.0.0.1", true},
		{"::ffff:10.0.0.1", true},
		{"64:ff9b::7f00:1", true},
		{"64:ff9b::808:808", false},
		{"8.8.8.8", false},
		{"93.184.216.34", false},
		{"2606:4700:4700::1111", false},
		{"::ffff:8.8.8.8", false},
	}
	for _, tt := range tests {
		if got := Blocked(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("Blocked(%v) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestGuard_Allowed(t *testing.T) {
	g, err := ParseAllowList("10.0.0.0/8, 192.168.1.5 fd12::/16")
	if err != nil {
		t.Fatalf("ParseAllowList: %v", err)
	}
	tests := []struct {
		addr string
		want bool
	}{
		{"10.9.9.9", true},
		{"::ffff:10.9.9.9", true},
		{"192.168.1.5", true},
		{"192.168.1.6", false},
		{"fd12::1", true},
		{"127.0.0.1", false},
		{"8.8.8.8", true},
	}
	for _, tt := range tests {
		if got := g.Allowed(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("Allowed(%v) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestNew_rejectsGarbage(t *testing.T) {
	for _, e := range []string{"http://x", "user@host", "10.0.0.0/99"} {
		if _, err := New([]string{e}); err == nil {
			t.Errorf("New(%q) = nil error, want one", e)
		}
	}
}

func TestValidateURL(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"https://example.com/hook", true},
		{"http://example.com:8080/x?y=1", true},
		{"ftp://example.com/", false},
		{"file:///etc/passwd", false},
		{"gopher://example.com", false},
		{"https://user:pass@example.com/", false},
		{"https://user@example.com/", false},
		{"/relative/path", false},
		{"https://", false},
		{"https://example.com:99999/", false},
		{"javascript:alert(1)", false},
		{"::not a url", false},
	}
	for _, tt := range tests {
		_, err := ValidateURL(tt.in)
		if tt.ok && err != nil {
			t.Errorf("ValidateURL(%q) = %v, want nil", tt.in, err)
		}
		if !tt.ok && parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("ValidateURL(%q) = %v, want an %s error", tt.in, err, parley.EINVALID)
		}
	}
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
			return
		}
		io.WriteString(w, "hello")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestClient(t *testing.T) {
	srv := newServer(t)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	tests := []struct {
		name    string
		allow   string
		url     string
		refused bool
	}{
		{"loopback is refused by default", "", srv.URL, true},
		{"a name resolving to loopback is refused", "", "http://localhost:" + port + "/", true},
		{"an allowed CIDR is reached", "127.0.0.0/8", srv.URL, false},
		{"an allowed address is reached", "127.0.0.1", srv.URL, false},
		{"an allowed host name is reached", "localhost", "http://localhost:" + port + "/", false},
		{"an allowed host name does not open its address", "localhost", srv.URL, true},
		{"a redirect to loopback is refused", "", "http://localhost:" + port + "/redirect?to=" + srv.URL, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ParseAllowList(tt.allow)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := g.Client(0).Get(tt.url)
			if tt.refused {
				if !errors.Is(err, ErrForbiddenAddress) {
					t.Errorf("Get(%v) error = %v, want %v", tt.url, err, ErrForbiddenAddress)
				}
				if resp != nil {
					resp.Body.Close()
				}
				return
			}
			if err != nil {
				t.Fatalf("Get(%v) = %v, want success", tt.url, err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if string(b) != "hello" {
				t.Errorf("Get(%v) body = %q, want %q", tt.url, b, "hello")
			}
		})
	}
}

func TestClient_redirectToBadScheme(t *testing.T) {
	srv := newServer(t)
	g, _ := New([]string{"127.0.0.1"})
	resp, err := g.Client(0).Get(srv.URL + "/redirect?to=file:///etc/passwd")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("Get(redirect to file://) = nil error, want one")
	}
}

func TestGuard_CheckURL(t *testing.T) {
	g, err := New([]string{"10.1.0.0/16"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url  string
		want string // error code, "" for none
	}{
		{"https://example.com/hook", ""},
		{"http://10.1.2.3/hook", ""},
		{"http://127.0.0.1:8080/hook", parley.EINVALID},
		{"http://localhost/hook", parley.EINVALID},
		{"http://192.168.1.1/hook", parley.EINVALID},
		{"ftp://example.com/x", parley.EINVALID},
	}
	for _, tt := range tests {
		if got := parley.ErrorCode(g.CheckURL(tt.url)); (tt.want == "" && g.CheckURL(tt.url) != nil) || (tt.want != "" && got != tt.want) {
			t.Errorf("CheckURL(%s) = %v, want code %q", tt.url, g.CheckURL(tt.url), tt.want)
		}
	}
}

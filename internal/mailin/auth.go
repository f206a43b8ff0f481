package mailin

import (
	"bytes"
	"context"
	"net"
	"strings"
	"time"

	"blitiri.com.ar/go/spf"
	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-msgauth/dmarc"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/mailparse"
	"golang.org/x/net/publicsuffix"
)

// Resolver is the DNS the sender checks read (net.DefaultResolver in
// production; tests give a table).
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
}

// Authenticator checks inbound mail's SPF (for mail that came by SMTP),
// DKIM signatures and the From domain's DMARC policy.
type Authenticator struct {
	DNS Resolver
	// Timeout bounds the checks of one mail (10 s when zero).
	Timeout time.Duration
}

// Check returns the checks' outcome for one mail.
func (a *Authenticator) Check(ctx context.Context, env Envelope, m *mailparse.Mail, raw []byte) *parley.EmailAuth {
	t := a.Timeout
	if t == 0 {
		t = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, t)
	defer cancel()
	txt := func(name string) ([]string, error) { return a.DNS.LookupTXT(ctx, name) }
	res := &parley.EmailAuth{SPF: "none", DKIM: "none", DMARC: "none"}
	fromDomain := domainOf(m.From)

	spfDomain := domainOf(env.From)
	if spfDomain == "" {
		spfDomain = strings.ToLower(env.HELO)
	}
	if env.IP != nil && spfDomain != "" {
		r, _ := spf.CheckHostWithSender(env.IP, env.HELO, senderOrPostmaster(env.From, spfDomain),
			spf.WithContext(ctx), spf.WithResolver(a.DNS))
		res.SPF = string(r)
	}
	var dkimDomains []string
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: txt, MaxVerifications: 5})
	if err == nil && len(vs) > 0 {
		res.DKIM = "fail"
		for _, v := range vs {
			if v.Err == nil {
				res.DKIM = "pass"
				dkimDomains = append(dkimDomains, strings.ToLower(v.Domain))
			} else if dkim.IsTempFail(v.Err) && res.DKIM != "pass" {
				res.DKIM = "temperror"
			}
		}
	}
	if fromDomain == "" {
		return res
	}
	rec, domain := a.dmarcRecord(fromDomain, txt)
	if rec == nil {
		return res
	}
	policy := rec.Policy
	if domain != fromDomain && rec.SubdomainPolicy != "" {
		policy = rec.SubdomainPolicy
	}
	res.Policy = string(policy)
	aligned := func(d string, mode dmarc.AlignmentMode) bool {
		if mode == dmarc.AlignmentStrict {
			return d == fromDomain
		}
		return orgDomain(d) == orgDomain(fromDomain)
	}
	pass := res.SPF == string(spf.Pass) && aligned(spfDomain, rec.SPFAlignment)
	for _, d := range dkimDomains {
		pass = pass || aligned(d, rec.DKIMAlignment)
	}
	if pass {
		res.DMARC = "pass"
	} else {
		res.DMARC = "fail"
		res.Suspicious = policy == dmarc.PolicyQuarantine || policy == dmarc.PolicyReject
	}
	return res
}

// dmarcRecord finds the DMARC record of domain, or of its organizational
// domain.
func (a *Authenticator) dmarcRecord(domain string, txt func(string) ([]string, error)) (*dmarc.Record, string) {
	opts := &dmarc.LookupOptions{LookupTXT: txt}
	if rec, err := dmarc.LookupWithOptions(domain, opts); err == nil {
		return rec, domain
	}
	if org := orgDomain(domain); org != domain {
		if rec, err := dmarc.LookupWithOptions(org, opts); err == nil {
			return rec, org
		}
	}
	return nil, ""
}

func senderOrPostmaster(from, domain string) string {
	if from != "" {
		return from
	}
	return "postmaster@" + domain
}

func domainOf(addr string) string {
	_, d, ok := strings.Cut(strings.ToLower(strings.Trim(addr, "<> ")), "@")
	if !ok {
		return ""
	}
	return d
}

// orgDomain is a domain's organizational domain (public suffix plus one).
func orgDomain(d string) string {
	if o, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
		return o
	}
	return d
}

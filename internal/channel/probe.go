package channel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley"
)

// ProbeTimeout bounds a provider call made for an admin (test, templates,
// webhook registration, ownership proof).
const ProbeTimeout = 15 * time.Second

// ProbeGET makes a provider's test call: a cheap authenticated GET of
// target, authorised by auth. Its error text never holds the URL (which
// may hold a token) nor secret.
func ProbeGET(ctx context.Context, client *http.Client, clock parley.Clock, target, secret string, auth func(*http.Request)) *Probe {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	start := clock.Now()
	t := &Probe{CheckedAt: start}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		t.Error = "The provider URL is invalid."
		return t
	}
	auth(req)
	resp, err := client.Do(req)
	t.LatencyMS = clock.Now().Sub(start).Milliseconds()
	if err != nil {
		t.Error = "The provider could not be reached: " + Scrub(Unwrap(err).Error(), secret)
		return t
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	t.Status = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		t.OK = true
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		t.Error = "The provider refused the credentials."
	default:
		t.Error = fmt.Sprintf("The provider answered %d: %s", resp.StatusCode, Scrub(strings.TrimSpace(string(body)), secret))
	}
	return t
}

// Unwrap strips the *url.Error around a client error, whose text holds
// the URL.
func Unwrap(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// Scrub removes a secret from a text meant for people or logs.
func Scrub(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "…")
}

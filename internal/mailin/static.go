package mailin

import (
	"context"
	"net"
	"strings"
)

// StaticResolver answers the sender checks from a table of TXT records
// (tests, and offline installations that want none checked): every other
// name does not exist.
type StaticResolver map[string][]string

func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// LookupTXT implements Resolver.
func (r StaticResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	if v, ok := r[strings.TrimSuffix(strings.ToLower(name), ".")]; ok {
		return v, nil
	}
	return nil, notFound(name)
}

// LookupMX implements Resolver.
func (r StaticResolver) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	return nil, notFound(name)
}

// LookupIPAddr implements Resolver.
func (r StaticResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	return nil, notFound(host)
}

// LookupAddr implements Resolver.
func (r StaticResolver) LookupAddr(_ context.Context, addr string) ([]string, error) {
	return nil, notFound(addr)
}

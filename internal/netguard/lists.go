package netguard

// Lists reports whether the allow-list names the host itself (a host
// name entry), as opposed to letting its addresses through: features
// that accept plain http only to hosts an operator named use it.
func (g *Guard) Lists(host string) bool { return g.hostAllowed(host) }

package realtime

// Present is a user with a live socket on this node.
type Present struct {
	WorkspaceID string
	UserID      string
}

// Present returns who has a live socket on this node, each once. A
// presence recorder polls it (routing counts such users as connected).
func (h *Hub) Present() []Present {
	seen := map[Present]bool{}
	var out []Present
	for _, c := range h.snapshot() {
		if c.ws == nil || c.userID == "" {
			continue
		}
		p := Present{WorkspaceID: c.ws.id, UserID: c.userID}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

package parley

import (
	"encoding/json"
	"time"
)

// Filter selects conversations: the object the list, the counts, saved
// filters and dashboard tiles share. Match is "all" (every condition
// holds) or "any" (at least one does).
type Filter struct {
	Match      string      `json:"match" enum:"all,any"`
	Conditions []Condition `json:"conditions" maxItems:"20"`
}

// Condition is one test of a filter: a field, an operator and a value
// whose shape depends on both (a string, a list, a boolean, a relative
// time such as "7d", or {"from","to"}).
type Condition struct {
	Field string          `json:"field"`
	Op    string          `json:"op"`
	Value json.RawMessage `json:"value,omitempty"`

	// Parsed by the conversation package before a store sees it.
	Strings []string  `json:"-"`
	Numbers []int64   `json:"-"`
	Bool    bool      `json:"-"`
	From    time.Time `json:"-"`
	To      time.Time `json:"-"`
	// Key is the attribute of a contact.attributes.<key> field.
	Key string `json:"-"`
}

// SavedFilter is a named filter: personal to its owner, or shared with
// the workspace. Count is its live count when listed.
type SavedFilter struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	OwnerID     string    `json:"owner_id"`
	Name        string    `json:"name"`
	Filter      Filter    `json:"filter"`
	Shared      bool      `json:"shared"`
	Count       *int64    `json:"count,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

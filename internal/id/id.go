// Package id makes the identifiers Parley uses in URLs: UUIDv7, which sort
// by creation time and so keep B-tree inserts at the right edge.
package id

import "github.com/google/uuid"

// New returns a new UUIDv7 as a string.
func New() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Valid reports whether s is a UUID in canonical form.
func Valid(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley/internal/conversation"
)

// Nullable is a PATCH field that tells apart "absent" (leave it), null
// (clear it) and a value.
type Nullable[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records that the field was present.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Null = true
		return nil
	}
	return json.Unmarshal(b, &n.Value)
}

// Schema describes the field as its value's schema, nullable.
func (n Nullable[T]) Schema(r huma.Registry) *huma.Schema {
	s := *r.Schema(reflect.TypeFor[T](), true, "")
	s.Nullable = true
	return &s
}

// optional converts to the use case's form.
func optional[T any](n Nullable[T]) conversation.Optional[T] {
	return conversation.Optional[T]{Set: n.Set, Null: n.Null, Value: n.Value}
}

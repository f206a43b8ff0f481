package conversation_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// FuzzParseFilter: any input is either refused as EINVALID on the filter
// field or accepted, and an accepted filter runs (list and counts) without
// a database error: values are bound, never spliced into the SQL.
//
//	go test -fuzz FuzzParseFilter -fuzztime 30s ./internal/conversation/
func FuzzParseFilter(f *testing.F) {
	for _, seed := range []string{
		`{"match":"all","conditions":[{"field":"tag","op":"in","value":["vip","x'y"]}]}`,
		`{"match":"any","conditions":[{"field":"contact.attributes.plan","op":"contains","value":"%_\\"}]}`,
		`{"conditions":[{"field":"number","op":"between","value":[1,9]},{"field":"priority","op":"gt","value":"low"}]}`,
		`{"conditions":[{"field":"created_at","op":"between","value":{"from":"2020-01-01T00:00:00Z","to":"2030-01-01T00:00:00Z"}}]}`,
		`{"conditions":[{"field":"assignee","op":"nin","value":["none"]},{"field":"has_phone","op":"neq","value":true}]}`,
		`{"conditions":[{"field":"source","op":"eq","value":"'); DROP TABLE conversations;--"}]}`,
		`{"match":`, `[]`, `null`, `{}`,
	} {
		f.Add(seed)
	}
	s := storetest.Open(f, storetest.SQLite, storetest.Options{})
	fx := storetest.Seed(f, s)
	svc := conversation.New(s)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, raw string) {
		flt, err := conversation.ParseFilter(raw, time.Now())
		if err != nil {
			if pe, ok := err.(*parley.Error); !ok || pe.Code != parley.EINVALID || pe.Field != "filter" {
				t.Fatalf("ParseFilter(%q) = %v, want EINVALID on filter", raw, err)
			}
			return
		}
		if flt == nil {
			return
		}
		if _, err := svc.List(ctx, fx.Admin, conversation.ListParams{Filter: raw}); err != nil {
			t.Fatalf("List(filter %q): %v", raw, err)
		}
		if _, err := svc.Count(ctx, fx.Admin, conversation.ListParams{Filter: raw}); err != nil {
			t.Fatalf("Count(filter %q): %v", raw, err)
		}
	})
}

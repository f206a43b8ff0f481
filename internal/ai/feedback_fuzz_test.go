package ai_test

import (
	"encoding/base64"
	"strconv"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
)

// FuzzDecodeFeedbackCursor: any cursor a client sends decodes to a
// position or to a 422 naming the cursor, never a panic; a cursor made
// from a position reads back as it.
func FuzzDecodeFeedbackCursor(f *testing.F) {
	f.Add("")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte("1764700000000000:01890000-0000-7000-8000-000000000000")))
	f.Add("not base64!")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte("x:y")))
	f.Add(base64.RawURLEncoding.EncodeToString([]byte("12:")))
	f.Fuzz(func(t *testing.T, cursor string) {
		at, id, err := ai.DecodeFeedbackCursor(cursor)
		if err != nil {
			if pe, ok := err.(*parley.Error); !ok || pe.Field != "cursor" || pe.Code != parley.EINVALID {
				t.Fatalf("error %v, want an EINVALID naming the cursor", err)
			}
			return
		}
		if cursor == "" {
			return
		}
		again := base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at, 10) + ":" + id))
		if a2, id2, err := ai.DecodeFeedbackCursor(again); err != nil || a2 != at || id2 != id {
			t.Fatalf("round trip of (%d, %q) = (%d, %q, %v)", at, id, a2, id2, err)
		}
	})
}

package widget

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
)

// FuzzDecodeVisitorBodies feeds every visitor body type arbitrary bytes:
// each is decoded or refused with an EINVALID error naming a field, never
// a panic or another kind of error.
func FuzzDecodeVisitorBodies(f *testing.F) {
	for _, s := range []string{
		`{"name":"Alice","email":"a@example.com","identifier":"42","identifier_hash":"ab"}`,
		`{"content":"hi","client_message_id":"c1","attachment_ids":[]}`,
		`{"state":"on"}`, `{"status":"read"}`, `{"status":5}`, `{"name":null,"email":"x@y"}`, `[1]`, `{"content":7}`, `{} {}`, `{"a":1}`, "\x00", `"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{new(NewVisitor), new(MessageBody), new(VisitorPatch), new(TypingBody), new(ReadBody)} {
			err := decodeBytes(body, v)
			if err == nil {
				continue
			}
			pe, ok := err.(*parley.Error)
			if !ok || pe.Code != parley.EINVALID || pe.Field == "" {
				t.Fatalf("decode %q into %T: %v, want an EINVALID error naming a field", body, v, err)
			}
		}
		if nv := new(NewVisitor); decodeBytes(body, nv) == nil {
			if e, err := checkEmail(nv.Email); err == nil && e != "" && !containsAt(e) {
				t.Fatalf("checkEmail(%q) accepted %q", nv.Email, e)
			}
			if _, err := checkText("name", nv.Name, 200); err != nil && parley.ErrorCode(err) != parley.EINVALID {
				t.Fatalf("checkText(%q): %v", nv.Name, err)
			}
		}
	})
}

// FuzzCleanFileName: whatever name a visitor's browser sends, the stored
// one is a short, valid, printable base name.
func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"receipt.png", "../../etc/passwd", "a\\b\\c.pdf", "", ".", "\x00\x1f\"q\".png", string(make([]byte, 300))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := cleanFileName(name)
		if got == "" || len(got) > 200 || !utf8.ValidString(got) || strings.ContainsAny(got, "/\\\"\x00\n\r") {
			t.Fatalf("cleanFileName(%q) = %q", name, got)
		}
	})
}

// TestSeenGate: reports within a second are not dropped but run once at
// its end.
func TestSeenGate(t *testing.T) {
	var g seenGate
	ran := make(chan struct{}, 10)
	run := func() { ran <- struct{}{} }
	g.report(run)
	<-ran // the first runs at once
	g.report(run)
	g.report(run) // coalesced with the one before
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("a report within the second was dropped")
	}
	select {
	case <-ran:
		t.Fatal("two reports within the second ran twice")
	case <-time.After(1500 * time.Millisecond):
	}
}

func containsAt(s string) bool {
	for _, r := range s {
		if r == '@' {
			return true
		}
	}
	return false
}

func TestLimiter_Allow(t *testing.T) {
	tests := []struct {
		name      string
		calls     int
		wantAllow int
	}{
		{"within the burst", 3, 3},
		{"past the burst", 8, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLimiter(60, 5)
			now := parley.SystemClock{}.Now()
			got := 0
			for range tc.calls {
				if l.allow("k", now) {
					got++
				}
			}
			if got != tc.wantAllow {
				t.Errorf("allowed %d of %d calls, want %d", got, tc.calls, tc.wantAllow)
			}
		})
	}
}

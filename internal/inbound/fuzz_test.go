package inbound_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// FuzzReceive feeds arbitrary contact ids, message ids and content to the
// inbound path: it must store the message or refuse it with EINVALID,
// never fail otherwise, and a retry must return the same ids.
func FuzzReceive(f *testing.F) {
	f.Add("c1", "m1", "hello", "Bob")
	f.Add("'; DROP TABLE messages; --", "m%_", "\x00\x01", "")
	f.Add("", "", "", "")
	f.Add("+1 (415) 555-2671", "😀", "日本語のメッセージ", "Zoë")
	s := storetest.Open(f, storetest.SQLite, storetest.Options{})
	fx := storetest.Seed(f, s)
	r := inbound.New(s)
	f.Fuzz(func(t *testing.T, source, id, content, name string) {
		in := channel.Inbound{ProviderMessageID: id, Contact: channel.ContactInfo{SourceID: source, Name: name}, Content: content}
		res, err := r.Receive(context.Background(), fx.Inbox, in)
		if err != nil {
			if parley.ErrorCode(err) != parley.EINVALID {
				t.Fatalf("Receive = %v, want success or EINVALID", err)
			}
			return
		}
		again, err := r.Receive(context.Background(), fx.Inbox, in)
		if err != nil || again.MessageID != res.MessageID || !again.Duplicate {
			t.Fatalf("retry = %+v, %v; want duplicate of %s", again, err, res.MessageID)
		}
	})
}

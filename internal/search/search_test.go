package search_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/search"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

type world struct {
	f      *storetest.Fixture
	convs  map[string]string // contact name -> conversation id
	msgs   map[string]string // message text -> id
	number map[string]int64
}

// build: three conversations; Hidden's is restricted to the admin.
func build(t *testing.T, s *sqlstore.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{f: storetest.Seed(t, s), convs: map[string]string{}, msgs: map[string]string{}, number: map[string]int64{}}
	err := s.Write(ctx, func(tx *sqlstore.Tx) error {
		for _, c := range []struct {
			name, company, email, phone string
			restricted                  bool
			messages                    []string
			note                        string
		}{
			{"Ana Müller", "Acme GmbH", "ana@acme.example", "+14155552671", false,
				[]string{"Hola, mi pedido no ha llegado", "The parcel arrived damaged <b>again</b>"}, "Internal: escalate to logistics"},
			{"Bob Stone", "Stone & Sons", "bob@stone.example", "+442071838750", false,
				[]string{"Where is my refund?", "Ich warte auf die Rückerstattung"}, ""},
			{"Hidden Person", "Secret Corp", "hidden@corp.example", "+33142685300", true,
				[]string{"my refund code is 9921", "parcel lost"}, ""},
		} {
			ct := &parley.Contact{WorkspaceID: w.f.Workspace.ID, Name: c.name, Company: c.company, Email: c.email, Phone: c.phone,
				Identities: []parley.ContactIdentity{{InboxID: w.f.Inbox.ID, SourceID: c.email}}}
			if err := tx.CreateContact(ctx, ct); err != nil {
				return err
			}
			conv := &parley.Conversation{WorkspaceID: w.f.Workspace.ID, ContactID: ct.ID, InboxID: w.f.Inbox.ID, Status: parley.StatusOpen}
			if c.restricted {
				conv.VisibleTo = []string{w.f.Admin.UserID}
			}
			if err := tx.CreateConversation(ctx, conv); err != nil {
				return err
			}
			w.convs[c.name], w.number[c.name] = conv.ID, conv.Number
			add := func(text string, private bool) error {
				m := &parley.Message{WorkspaceID: w.f.Workspace.ID, ConversationID: conv.ID, InboxID: w.f.Inbox.ID,
					Direction: parley.DirectionIn, Sender: parley.Sender{Kind: parley.SenderContact}, Content: text,
					Channel: parley.ChannelAPI, Status: parley.DeliveryDelivered, Private: private}
				if private {
					m.Direction, m.Sender = parley.DirectionOut, parley.Sender{Kind: parley.SenderAgent, ID: w.f.Admin.UserID}
				}
				if err := tx.InsertMessage(ctx, m); err != nil {
					return err
				}
				w.msgs[text] = m.ID
				return nil
			}
			for _, text := range c.messages {
				if err := add(text, false); err != nil {
					return err
				}
			}
			if c.note != "" {
				if err := add(c.note, true); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) name(id string) string {
	for n, v := range w.convs {
		if v == id {
			return n
		}
	}
	return id
}

// TestService_Search is the conformance test of both stores' search: each
// shape of query finds what it should, as the agent (who may not see
// Hidden) and as the admin.
func TestService_Search(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := build(t, s)
		svc := search.New(s)
		ctx := context.Background()
		tests := []struct {
			name, q    string
			agent      string // hits as "matched:contact name", sorted
			admin      string // "" means: same as agent
			snippetHas string
		}{
			{"contact name prefix", "ana", "contact:Ana Müller", "", ""},
			{"contact name, two words", "bob sto", "contact:Bob Stone", "", ""},
			{"company", "acme", "contact:Ana Müller", "", ""},
			{"email", "BOB@stone.example", "contact:Bob Stone", "", ""},
			{"phone, formatted", "+1 415 555 2671", "contact:Ana Müller", "", ""},
			{"phone, dashes and parentheses", "+1 (415) 555-2671", "contact:Ana Müller", "", ""},
			{"phone of a hidden contact", "+33 1 42 68 53 00", "", "contact:Hidden Person", ""},
			{"number with #", fmt.Sprintf("#%d", 2), "number:Bob Stone", "", ""},
			{"message word", "refund", "message:Bob Stone", "message:Bob Stone message:Hidden Person", "<mark>refund</mark>"},
			{"message word, other language", "rückerstattung", "message:Bob Stone", "", "<mark>Rückerstattung</mark>"},
			{"message phrase", `"parcel arrived"`, "message:Ana Müller", "", "<mark>"},
			{"words anywhere", "parcel damaged", "message:Ana Müller", "", ""},
			{"private note", "logistics", "message:Ana Müller", "", "<mark>logistics</mark>"},
			{"HTML in a message is escaped (or dropped)", "again", "message:Ana Müller", "", "<mark>again</mark>"},
			{"FTS syntax is text", `refund OR NEAR(x) *`, "", "", ""},
			{"nothing", "zebra", "", "", ""},
		}
		agent := w.f.Agent
		// Both ways to find a contact's conversations: by the matching
		// contacts (few match) and by walking the newest (more than the cap).
		for _, probeCap := range []int{sqlstore.ContactProbeCap, 0} {
			svc := search.New(s)
			search.SetProbeCap(svc, probeCap)
			for _, tt := range tests {
				t.Run(fmt.Sprintf("%s/cap %d", tt.name, probeCap), func(t *testing.T) {
					for who, want := range map[string]string{"agent": tt.agent, "admin": tt.admin} {
						actor := agent
						if who == "admin" {
							actor = w.f.Admin
							if want == "" {
								want = tt.agent
							}
						}
						res, err := svc.Search(ctx, actor, tt.q, 20, "")
						if err != nil {
							t.Fatalf("%s: Search(%q): %v", who, tt.q, err)
						}
						var got []string
						for _, h := range res.Items {
							got = append(got, h.Matched+":"+w.name(h.Conversation.ID))
							if strings.Contains(h.Snippet, "<b>") {
								t.Errorf("%s: Search(%q) snippet %q has raw HTML from the message", who, tt.q, h.Snippet)
							}
							if h.Matched == search.MatchedMessage && tt.snippetHas != "" && !strings.Contains(h.Snippet, tt.snippetHas) {
								t.Errorf("%s: Search(%q) snippet %q lacks %q", who, tt.q, h.Snippet, tt.snippetHas)
							}
						}
						sort.Strings(got)
						if strings.Join(got, " ") != want {
							t.Errorf("%s: Search(%q) = %v, want %q", who, tt.q, got, want)
						}
					}
				})
			}
		}
		// The number of the hidden conversation finds nothing for the agent.
		res, err := svc.Search(ctx, agent, fmt.Sprint(w.number["Hidden Person"]), 20, "")
		if err != nil || len(res.Items) != 0 {
			t.Errorf("agent searching the hidden conversation's number: %+v, %v; want nothing", res, err)
		}
		// Bad input.
		for _, q := range []string{"", "   ", strings.Repeat("x", 201)} {
			if _, err := svc.Search(ctx, agent, q, 20, ""); parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("Search(%.20q) = %v, want EINVALID", q, err)
			}
		}
		if _, err := svc.Search(ctx, agent, "refund", 20, "%%%"); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("Search with a forged cursor = %v, want EINVALID", err)
		}
	})
}

// TestService_SearchPages: message hits page by cursor, each once.
func TestService_SearchPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := build(t, s)
		svc := search.New(s)
		ctx := context.Background()
		seen := map[string]bool{}
		cursor := ""
		for range 10 {
			res, err := svc.Search(ctx, w.f.Admin, "parcel", 1, cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Items {
				if seen[h.MessageID] {
					t.Errorf("message %s returned twice", h.MessageID)
				}
				seen[h.MessageID] = true
			}
			if cursor = res.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 2 {
			t.Errorf("paging 'parcel' found %d messages, want 2", len(seen))
		}
	})
}

// TestService_SearchPagesAcrossWindows: a word in more messages than one
// window holds (windowFor(20) is 60) pages through every one of them once,
// in windows of the newest matches.
func TestService_SearchPagesAcrossWindows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := build(t, s)
		ctx := context.Background()
		const n = 137
		err := s.Write(ctx, func(tx *sqlstore.Tx) error {
			for i := range n {
				m := &parley.Message{WorkspaceID: w.f.Workspace.ID, ConversationID: w.convs["Bob Stone"], InboxID: w.f.Inbox.ID,
					Direction: parley.DirectionIn, Sender: parley.Sender{Kind: parley.SenderContact}, Content: fmt.Sprintf("voucher number %d", i),
					Channel: parley.ChannelAPI, Status: parley.DeliveryDelivered}
				if err := tx.InsertMessage(ctx, m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		svc := search.New(s)
		seen := map[string]bool{}
		cursor, pages := "", 0
		for cursor != "" || pages == 0 {
			res, err := svc.Search(ctx, w.f.Agent, "voucher", 20, cursor)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if pages > 20 {
				t.Fatal("more than 20 pages")
			}
			for _, h := range res.Items {
				if seen[h.MessageID] {
					t.Errorf("message %s returned twice", h.MessageID)
				}
				seen[h.MessageID] = true
			}
			cursor = res.NextCursor
		}
		if len(seen) != n || pages < n/20 {
			t.Errorf("paging found %d messages in %d pages, want %d in at least %d", len(seen), pages, n, n/20)
		}
	})
}

// TestService_SearchThread: in-thread search finds notes too, marks the
// matches, and refuses a conversation the caller may not see.
func TestService_SearchThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := build(t, s)
		svc := search.New(s)
		ctx := context.Background()
		res, err := svc.SearchThread(ctx, w.f.Agent, w.convs["Ana Müller"], "A", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) != 3 {
			t.Errorf("SearchThread(a) = %d hits, want all 3 messages", len(res.Items))
		}
		res, err = svc.SearchThread(ctx, w.f.Agent, w.convs["Ana Müller"], "escalate", 0)
		if err != nil || len(res.Items) != 1 || res.Items[0].MessageID != w.msgs["Internal: escalate to logistics"] ||
			!strings.Contains(res.Items[0].Snippet, "<mark>escalate</mark>") {
			t.Errorf("SearchThread(escalate) = %+v, %v; want the note, marked", res, err)
		}
		if _, err := svc.SearchThread(ctx, w.f.Agent, w.convs["Hidden Person"], "refund", 0); !parley.IsNotFound(err) {
			t.Errorf("SearchThread in a hidden conversation = %v, want ENOTFOUND", err)
		}
	})
}

// Package search finds conversations for an agent: by contact (name,
// company, email, phone in any format), by conversation number, and by
// message text (full text, ranked, with highlighted snippets). Full-text
// search is FTS5 on SQLite and tsvector on PostgreSQL, behind the store's
// SearchMessages; what the caller may not see is never returned.
package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Store is what search reads.
type Store interface {
	FindWorkspaceByID(ctx context.Context, id string) (*parley.Workspace, error)
	ListConversations(ctx context.Context, f sqlstore.ConversationFilter) ([]parley.ConversationItem, error)
	ConversationItems(ctx context.Context, workspaceID string, ids []string, userID string) (map[string]parley.ConversationItem, error)
	FindConversationByID(ctx context.Context, workspaceID, conversationID string) (*parley.Conversation, error)
	SearchMessages(ctx context.Context, scope access.Scope, query, before string, window int) ([]sqlstore.MessageHit, string, error)
	MessageSnippets(ctx context.Context, query string, hits []sqlstore.MessageHit) error
	SearchThread(ctx context.Context, conversationID, text string, limit int) ([]sqlstore.ThreadHit, error)
	MatchContacts(ctx context.Context, workspaceID string, m sqlstore.ContactMatch, limit int) ([]string, bool, error)
}

// Service runs searches.
type Service struct {
	store Store
	// probeCap is how many matching contacts are read by contact (see
	// sqlstore.ContactProbeCap); tests lower it to take the other path.
	probeCap int
}

// New returns a Service on store.
func New(store Store) *Service { return &Service{store: store, probeCap: sqlstore.ContactProbeCap} }

// Limits.
const (
	DefaultLimit = 20
	MaxLimit     = 50
	MaxQueryLen  = 200
)

// Matched says what a hit matched.
const (
	MatchedContact = "contact"
	MatchedNumber  = "number"
	MatchedMessage = "message"
)

// Hit is one search result.
type Hit struct {
	Conversation parley.ConversationItem `json:"conversation"`
	MessageID    string                  `json:"message_id,omitempty"`
	// Snippet is HTML: the message's text escaped, the matches in <mark>.
	Snippet string `json:"snippet,omitempty"`
	Matched string `json:"matched" enum:"contact,number,message"`
}

// Result is one page of hits.
type Result struct {
	Items      []Hit  `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// cursor continues a search: message hits of the window of Window
// messages below Before, from Offset on (contacts and numbers come on the
// first page only).
type cursor struct {
	Before string `json:"b"`
	Offset int    `json:"o"`
	Window int    `json:"w,omitempty"`
}

// windowFor is how many of the newest matches a search of limit hits reads
// and ranks at a time: three pages' worth, which leaves the ranking room to
// reorder while a common word costs the store a third of the most it reads
// (sqlstore.SearchWindow).
func windowFor(limit int) int { return min(sqlstore.SearchWindow, max(60, 3*limit)) }

var (
	numberRe = regexp.MustCompile(`^#?([0-9]{1,18})$`)
	phoneRe  = regexp.MustCompile(`^\+?[0-9][0-9 ().\-]{3,30}$`)
)

func (s *Service) scope(ctx context.Context, a parley.Actor) (access.Scope, error) {
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return access.Scope{}, err
	}
	return access.ConversationScope(a, ws.Settings), nil
}

func checkQuery(q string) (string, error) {
	q = strings.TrimSpace(q)
	if q == "" || utf8.RuneCountInString(q) > MaxQueryLen || !utf8.ValidString(q) {
		return "", parley.FieldErrorf("q", "Search for 1 to %d characters.", MaxQueryLen)
	}
	return q, nil
}

// Search finds what q matches among the conversations the actor may see.
func (s *Service) Search(ctx context.Context, a parley.Actor, q string, limit int, rawCursor string) (*Result, error) {
	q, err := checkQuery(q)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		return nil, parley.FieldErrorf("limit", "The limit must be at most %d.", MaxLimit)
	}
	var cur cursor
	first := rawCursor == ""
	if !first {
		b, err := base64.RawURLEncoding.DecodeString(rawCursor)
		if err != nil || json.Unmarshal(b, &cur) != nil {
			return nil, parley.FieldErrorf("cursor", "The cursor is malformed: pass next_cursor from the previous page unchanged.")
		}
		if cur.Window == 0 {
			cur.Window = sqlstore.SearchWindow // a cursor written before windows varied
		}
		if cur.Window > sqlstore.SearchWindow || cur.Offset < 0 || cur.Offset > cur.Window {
			return nil, parley.FieldErrorf("cursor", "The cursor is malformed: pass next_cursor from the previous page unchanged.")
		}
	} else {
		cur.Window = windowFor(limit)
	}
	sc, err := s.scope(ctx, a)
	if err != nil {
		return nil, err
	}
	res := &Result{Items: []Hit{}}
	seen := map[string]bool{}
	if first {
		if err := s.contactHits(ctx, sc, q, limit, res, seen); err != nil {
			return nil, err
		}
	}
	room := limit - len(res.Items)
	if room == 0 {
		res.NextCursor = encode(cur)
		return res, nil
	}
	hits, oldest, err := s.store.SearchMessages(ctx, sc, q, cur.Before, cur.Window)
	if err != nil {
		return nil, err
	}
	end := min(len(hits), cur.Offset+room)
	page := hits[min(cur.Offset, len(hits)):end]
	if err := s.store.MessageSnippets(ctx, q, page); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(page))
	for _, h := range page {
		if !slices.Contains(ids, h.ConversationID) {
			ids = append(ids, h.ConversationID)
		}
	}
	items, err := s.store.ConversationItems(ctx, a.WorkspaceID, ids, a.UserID)
	if err != nil {
		return nil, err
	}
	for _, h := range page {
		item, ok := items[h.ConversationID]
		if !ok {
			continue // deleted since
		}
		res.Items = append(res.Items, Hit{Conversation: item, MessageID: h.MessageID, Snippet: h.Snippet, Matched: MatchedMessage})
	}
	switch {
	case end < len(hits):
		res.NextCursor = encode(cursor{Before: cur.Before, Offset: end, Window: cur.Window})
	case oldest != "":
		res.NextCursor = encode(cursor{Before: oldest, Window: windowFor(limit)})
	}
	return res, nil
}

// contactHits adds the conversation a number names and the conversations
// of the contacts q matches, newest activity first.
func (s *Service) contactHits(ctx context.Context, sc access.Scope, q string, limit int, res *Result, seen map[string]bool) error {
	base := sqlstore.ConversationFilter{Scope: sc, View: sqlstore.ViewAll, Statuses: parley.ConversationStatuses, Limit: limit}
	if m := numberRe.FindStringSubmatch(q); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		f := base
		f.Number, f.Limit = n, 1
		items, err := s.store.ListConversations(ctx, f)
		if err != nil {
			return err
		}
		for _, it := range items {
			seen[it.ID] = true
			res.Items = append(res.Items, Hit{Conversation: it, Matched: MatchedNumber})
		}
	}
	var match sqlstore.ContactMatch
	switch {
	case phoneRe.MatchString(q) && digits(q) >= 5:
		match.Phone = "+" + strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, q)
	case strings.Contains(q, "@") && !strings.ContainsAny(q, " \t"):
		match.Email = strings.ToLower(q)
	default:
		match.Words = sqlstore.Words(q)
		if len(match.Words) == 0 || len(match.Words) > 8 {
			return nil
		}
	}
	f := base
	f.Contacts = &match
	f.Limit = limit - len(res.Items)
	if f.Limit <= 0 {
		return nil
	}
	// Few matching contacts (the usual case, and every search of message
	// words): read their conversations by contact. None: no list at all,
	// which would otherwise walk every conversation looking for one.
	ids, more, err := s.store.MatchContacts(ctx, sc.WorkspaceID, match, s.probeCap)
	if err != nil {
		return err
	}
	if !more {
		if len(ids) == 0 {
			return nil
		}
		match.IDs = ids
	}
	items, err := s.store.ListConversations(ctx, f)
	if err != nil {
		return err
	}
	for _, it := range items {
		if !seen[it.ID] {
			seen[it.ID] = true
			res.Items = append(res.Items, Hit{Conversation: it, Matched: MatchedContact})
		}
	}
	return nil
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

func encode(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ThreadResult lists the matches inside one conversation, newest first.
type ThreadResult struct {
	Items []sqlstore.ThreadHit `json:"items"`
}

// SearchThread finds text in one conversation the actor may see (private
// notes included: every member is an agent or an admin).
func (s *Service) SearchThread(ctx context.Context, a parley.Actor, conversationID, q string, limit int) (*ThreadResult, error) {
	q, err := checkQuery(q)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 200
	}
	if limit > 500 {
		return nil, parley.FieldErrorf("limit", "The limit must be at most 500.")
	}
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	c, err := s.store.FindConversationByID(ctx, a.WorkspaceID, conversationID)
	if err != nil {
		return nil, err
	}
	if !access.CanSeeConversation(a, ws.Settings, c.Audience()) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Conversation not found.")
	}
	hits, err := s.store.SearchThread(ctx, conversationID, q, limit)
	if err != nil {
		return nil, err
	}
	return &ThreadResult{Items: hits}, nil
}

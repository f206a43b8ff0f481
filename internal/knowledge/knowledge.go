// Package knowledge is a workspace's knowledge base: articles (Markdown)
// and question-and-answer pairs, CSV import of Q&A, and the retrieval the
// AI agent answers from (full-text candidates from the store, ranked here
// the same way on both databases).
package knowledge

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Limits.
const (
	MaxTitleLen   = 500
	MaxContentLen = 100_000
	MaxCSVRows    = 5000
	MaxCSVBytes   = 5 << 20
	DefaultLimit  = 50
	MaxLimit      = 200
)

// Service serves the knowledge base. It uses the concrete store (DESIGN §2).
type Service struct {
	store *sqlstore.Store
	// analysed caches each entry's terms by id and version: ranking is on
	// the AI's reply path and analysing text (folding, stemming) cost more
	// than the query itself.
	mu       sync.Mutex
	analysed map[string]*analysis
	// bases holds the small knowledge bases whole, by workspace, with the
	// version they were read at (see Search).
	bases map[string]*base
}

// base is a workspace's whole knowledge base as last read.
type base struct {
	count   int
	latest  int64
	entries []parley.KnowledgeEntry
}

// Bounds of the in-memory bases: a knowledge base of up to
// maxInMemory entries is ranked whole in memory, and up to
// maxBases workspaces' bases are kept.
const (
	maxInMemory = 2000
	maxBases    = 64
)

// New returns a Service on store.
func New(store *sqlstore.Store) *Service {
	return &Service{store: store, analysed: map[string]*analysis{}, bases: map[string]*base{}}
}

// maxAnalysed bounds the cache; past it, it starts over.
const maxAnalysed = 20_000

// analysis is an entry's text as retrieval sees it.
type analysis struct {
	updated     time.Time
	title, body map[string]bool
	paragraphs  []paragraph // an article's, headings alone left out
}

type paragraph struct {
	text  string
	terms map[string]bool
}

func analyse(k parley.KnowledgeEntry) *analysis {
	a := &analysis{updated: k.UpdatedAt, title: set(Terms(k.Title)), body: set(Terms(k.Content))}
	if k.Kind == parley.KnowledgeArticle {
		for _, p := range strings.Split(strings.ReplaceAll(k.Content, "\r\n", "\n"), "\n\n") {
			p = strings.TrimSpace(p)
			if p == "" || (strings.HasPrefix(p, "#") && !strings.Contains(p, "\n")) {
				continue
			}
			a.paragraphs = append(a.paragraphs, paragraph{text: p, terms: set(Terms(p))})
		}
	}
	return a
}

// analysisOf returns k's analysis, from the cache while k is unchanged.
func (s *Service) analysisOf(k parley.KnowledgeEntry) *analysis {
	s.mu.Lock()
	a, ok := s.analysed[k.ID]
	s.mu.Unlock()
	if ok && a.updated.Equal(k.UpdatedAt) {
		return a
	}
	a = analyse(k)
	s.mu.Lock()
	if s.analysed == nil || len(s.analysed) >= maxAnalysed {
		s.analysed = map[string]*analysis{}
	}
	s.analysed[k.ID] = a
	s.mu.Unlock()
	return a
}

// Input is an entry as written by a client: an article (title, content)
// or a Q&A pair (question, answer).
type Input struct {
	Kind     string
	Title    string
	Content  string
	Question string
	Answer   string
}

func (in Input) entry() (*parley.KnowledgeEntry, error) {
	k := &parley.KnowledgeEntry{Kind: in.Kind, Source: "manual"}
	switch in.Kind {
	case parley.KnowledgeArticle:
		k.Title, k.Content = strings.TrimSpace(in.Title), strings.TrimSpace(in.Content)
		if err := check("title", k.Title, MaxTitleLen); err != nil {
			return nil, err
		}
		if err := check("content", k.Content, MaxContentLen); err != nil {
			return nil, err
		}
	case parley.KnowledgeQA:
		k.Title, k.Content = strings.TrimSpace(in.Question), strings.TrimSpace(in.Answer)
		if err := check("question", k.Title, MaxTitleLen); err != nil {
			return nil, err
		}
		if err := check("answer", k.Content, MaxContentLen); err != nil {
			return nil, err
		}
	default:
		return nil, parley.FieldErrorf("kind", "The kind must be article or qa.")
	}
	return k, nil
}

func check(field, v string, limit int) error {
	switch {
	case v == "":
		return parley.FieldErrorf(field, "The %s is required.", field)
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return parley.FieldErrorf(field, "The %s is not valid text.", field)
	case utf8.RuneCountInString(v) > limit:
		return parley.FieldErrorf(field, "The %s is longer than %d characters.", field, limit)
	}
	return nil
}

func admin(a parley.Actor) error {
	if !a.IsAdmin() {
		return parley.Errorf(parley.EFORBIDDEN, "Only admins change the knowledge base.")
	}
	return nil
}

// Page is one page of entries.
type Page struct {
	Items      []parley.KnowledgeEntry `json:"items"`
	NextCursor string                  `json:"next_cursor"`
}

// List returns the entries, newest first; with q, the entries matching
// it, best first (one page).
func (s *Service) List(ctx context.Context, a parley.Actor, q, cursor string, limit int) (*Page, error) {
	if limit <= 0 || limit > MaxLimit {
		limit = DefaultLimit
	}
	if strings.TrimSpace(q) != "" {
		ms, err := s.Search(ctx, a.WorkspaceID, q, nil, limit)
		if err != nil {
			return nil, err
		}
		p := &Page{Items: []parley.KnowledgeEntry{}}
		for _, m := range ms {
			p.Items = append(p.Items, m.Entry)
		}
		return p, nil
	}
	at, after, err := decodeCursor(cursor)
	if err != nil {
		return nil, err
	}
	list, err := s.store.ListKnowledge(ctx, a.WorkspaceID, at, after, limit)
	if err != nil {
		return nil, err
	}
	p := &Page{Items: list}
	if len(list) == limit {
		last := list[len(list)-1]
		p.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last.UpdatedAt.UnixMicro(), 10) + ":" + last.ID))
	}
	return p, nil
}

func decodeCursor(c string) (int64, string, error) {
	if c == "" {
		return 0, "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	at, id, ok := strings.Cut(string(raw), ":")
	n, perr := strconv.ParseInt(at, 10, 64)
	if err != nil || !ok || perr != nil || id == "" {
		return 0, "", parley.FieldErrorf("cursor", "The cursor is not valid.")
	}
	return n, id, nil
}

// Get returns one entry.
func (s *Service) Get(ctx context.Context, a parley.Actor, entryID string) (*parley.KnowledgeEntry, error) {
	return s.store.FindKnowledge(ctx, a.WorkspaceID, entryID)
}

// Create adds an entry (admins).
func (s *Service) Create(ctx context.Context, a parley.Actor, in Input) (*parley.KnowledgeEntry, error) {
	if err := admin(a); err != nil {
		return nil, err
	}
	k, err := in.entry()
	if err != nil {
		return nil, err
	}
	k.WorkspaceID = a.WorkspaceID
	if err := s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.SaveKnowledge(ctx, k) }); err != nil {
		return nil, err
	}
	return reread(k), nil
}

// reread fills the Q&A view of an entry as the store returns it.
func reread(k *parley.KnowledgeEntry) *parley.KnowledgeEntry {
	if k.Kind == parley.KnowledgeQA {
		k.Question, k.Answer = k.Title, k.Content
	}
	return k
}

// Update replaces an entry's text (admins); the kind may change too.
func (s *Service) Update(ctx context.Context, a parley.Actor, entryID string, in Input) (*parley.KnowledgeEntry, error) {
	if err := admin(a); err != nil {
		return nil, err
	}
	k, err := in.entry()
	if err != nil {
		return nil, err
	}
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		old, err := tx.FindKnowledge(ctx, a.WorkspaceID, entryID)
		if err != nil {
			return err
		}
		k.ID, k.WorkspaceID, k.Source, k.CreatedAt = old.ID, old.WorkspaceID, old.Source, old.CreatedAt
		return tx.SaveKnowledge(ctx, k)
	})
	if err != nil {
		return nil, err
	}
	return reread(k), nil
}

// Delete removes an entry (admins).
func (s *Service) Delete(ctx context.Context, a parley.Actor, entryID string) error {
	if err := admin(a); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.DeleteKnowledge(ctx, a.WorkspaceID, entryID) })
}

// ParseCSV reads question-and-answer pairs from CSV: a header naming
// question and answer columns (any order, any case), or without one, the
// first two columns. Empty lines are skipped; a row without a question or
// an answer is an error naming its line.
func ParseCSV(r io.Reader) ([]Input, error) {
	cr := csv.NewReader(io.LimitReader(r, MaxCSVBytes+1))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	qi, ai := 0, 1
	var out []Input
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, parley.FieldErrorf("file", "The CSV cannot be read at line %d: %v.", line, err)
		}
		if line == 1 {
			if q, a := header(rec); q >= 0 && a >= 0 {
				qi, ai = q, a
				continue
			}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) <= max(qi, ai) {
			return nil, parley.FieldErrorf("file", "Line %d has no answer column.", line)
		}
		in := Input{Kind: parley.KnowledgeQA, Question: rec[qi], Answer: rec[ai]}
		if _, err := in.entry(); err != nil {
			var pe *parley.Error
			msg := err.Error()
			if errors.As(err, &pe) {
				msg = pe.Message
			}
			return nil, parley.FieldErrorf("file", "Line %d: %s", line, msg)
		}
		out = append(out, in)
		if len(out) > MaxCSVRows {
			return nil, parley.FieldErrorf("file", "The CSV has more than %d pairs.", MaxCSVRows)
		}
	}
	if len(out) == 0 {
		return nil, parley.FieldErrorf("file", "The CSV has no question-and-answer pairs.")
	}
	return out, nil
}

func header(rec []string) (q, a int) {
	q, a = -1, -1
	for i, h := range rec {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "question", "questions", "q":
			q = i
		case "answer", "answers", "a":
			a = i
		}
	}
	return q, a
}

// ImportCSV adds the Q&A pairs of a CSV file (admins), all or none, and
// returns how many.
func (s *Service) ImportCSV(ctx context.Context, a parley.Actor, r io.Reader) (int, error) {
	if err := admin(a); err != nil {
		return 0, err
	}
	ins, err := ParseCSV(r)
	if err != nil {
		return 0, err
	}
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		for _, in := range ins {
			k, _ := in.entry()
			k.WorkspaceID, k.Source = a.WorkspaceID, "csv"
			if err := tx.SaveKnowledge(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ins), nil
}

// Match is a retrieved entry with its score in [0, 1] and the passage
// that answers best (an article's best paragraph, a pair's answer).
type Match struct {
	Entry   parley.KnowledgeEntry `json:"entry"`
	Score   float64               `json:"score"`
	Passage string                `json:"passage"`
}

// Search retrieves the entries that answer text, best first: full-text
// candidates, ranked by how much of the question they cover (their title
// or question counting most). only limits to those ids (an assistant's
// scope); empty means all.
func (s *Service) Search(ctx context.Context, workspaceID, text string, only []string, limit int) ([]Match, error) {
	q := Terms(text)
	if len(q) == 0 {
		return nil, nil
	}
	if len(q) > 30 {
		q = q[:30]
	}
	cands, err := s.candidates(ctx, workspaceID, q)
	if err != nil {
		return nil, fmt.Errorf("knowledge search: %w", err)
	}
	var out []Match
	for _, k := range cands {
		if len(only) > 0 && !slices.Contains(only, k.ID) {
			continue
		}
		score, passage := rank(q, k, s.analysisOf(k))
		if score > 0 {
			out = append(out, Match{Entry: k, Score: score, Passage: passage})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Entry.ID < out[j].Entry.ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// candidates are the entries Search ranks. A small knowledge base (the
// usual one: a few hundred answers) is ranked whole, from memory while its
// version is unchanged: one indexed count instead of a full-text query
// that scores every entry sharing a word with the question (3 ms on
// PostgreSQL at 300 entries, on the AI's reply path). A larger one is
// narrowed by the full-text index to its 50 best.
func (s *Service) candidates(ctx context.Context, workspaceID string, q []string) ([]parley.KnowledgeEntry, error) {
	count, latest, err := s.store.KnowledgeVersion(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	if count > maxInMemory {
		return s.store.SearchKnowledge(ctx, workspaceID, q, 50)
	}
	s.mu.Lock()
	b := s.bases[workspaceID]
	s.mu.Unlock()
	if b != nil && b.count == count && b.latest == latest {
		return b.entries, nil
	}
	entries, err := s.store.AllKnowledge(ctx, workspaceID, maxInMemory)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.bases) >= maxBases {
		s.bases = map[string]*base{}
	}
	s.bases[workspaceID] = &base{count: count, latest: latest, entries: entries}
	s.mu.Unlock()
	return entries, nil
}

// Rank scores how well entry k answers a question of terms q: half for
// the share of q found anywhere in it, three tenths for the share found in
// its title (question), a fifth for how much of the title q covers (a
// pair asked almost word for word scores near 1).
func Rank(q []string, k parley.KnowledgeEntry) (float64, string) {
	return rank(q, k, analyse(k))
}

func rank(q []string, k parley.KnowledgeEntry, a *analysis) (float64, string) {
	inTitle, inAny := 0, 0
	for _, t := range q {
		ht, hb := has(a.title, t), has(a.body, t)
		if ht {
			inTitle++
		}
		if ht || hb {
			inAny++
		}
	}
	if inAny == 0 {
		return 0, ""
	}
	n := float64(len(q))
	score := 0.5*float64(inAny)/n + 0.3*float64(inTitle)/n
	if len(a.title) > 0 {
		score += 0.2 * float64(inTitle) / float64(len(a.title))
	}
	passage := k.Content
	if k.Kind == parley.KnowledgeArticle {
		passage = bestParagraph(q, k.Content, a.paragraphs)
	}
	return min(score, 1), passage
}

// has matches a query stem against an entry's stems as the index does:
// as a prefix.
func has(s map[string]bool, t string) bool {
	if s[t] {
		return true
	}
	for w := range s {
		if strings.HasPrefix(w, t) || strings.HasPrefix(t, w) && len(w) >= 4 {
			return true
		}
	}
	return false
}

func set(ts []string) map[string]bool {
	m := make(map[string]bool, len(ts))
	for _, t := range ts {
		m[t] = true
	}
	return m
}

// bestParagraph is the article's paragraph holding the most of q (the
// first on a tie); headings alone are skipped.
func bestParagraph(q []string, content string, paras []paragraph) string {
	best, bestN := "", -1
	for _, p := range paras {
		n := 0
		for _, t := range q {
			if has(p.terms, t) {
				n++
			}
		}
		if n > bestN {
			best, bestN = p.text, n
		}
	}
	if best == "" {
		return strings.TrimSpace(content)
	}
	return best
}

// SourceFeedback marks the entries made from approved corrections.
const SourceFeedback = "feedback"

// SaveQA writes a Q&A pair inside tx with the given source: it replaces
// entry replaceID when that still exists in the workspace, else adds a new
// entry. The caller checks the actor's rights (an approval is an admin's).
func SaveQA(ctx context.Context, tx *sqlstore.Tx, workspaceID, source, replaceID, question, answer string) (*parley.KnowledgeEntry, error) {
	k, err := Input{Kind: parley.KnowledgeQA, Question: question, Answer: answer}.entry()
	if err != nil {
		return nil, err
	}
	k.WorkspaceID, k.Source = workspaceID, source
	if replaceID != "" {
		old, err := tx.FindKnowledge(ctx, workspaceID, replaceID)
		switch {
		case err == nil:
			k.ID, k.CreatedAt, k.Source = old.ID, old.CreatedAt, old.Source
		case !parley.IsNotFound(err):
			return nil, err
		}
	}
	if err := tx.SaveKnowledge(ctx, k); err != nil {
		return nil, err
	}
	return reread(k), nil
}

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
)

// ContactMatch narrows a conversation list to the conversations of the
// contacts a search matches: by name, company or email words (prefixes),
// by phone digits, or by exact email. Set at most one of Words, Phone and
// Email; IDs, when set, are what MatchContacts found for it.
type ContactMatch struct {
	Words []string
	// Phone is "+" and digits: an exact number or its prefix.
	Phone string
	Email string
	// IDs are the matching contacts, when there are few (MatchContacts):
	// the list then reads their conversations by contact instead of
	// walking the newest conversations for ones that match.
	IDs []string
}

// ContactProbeCap is how many matching contacts a search reads by contact
// (MatchContacts): up to it, reading each one's conversations and sorting
// costs less than walking the newest conversations for a rare match;
// beyond it the matches are common enough for the walk to fill a page soon.
const ContactProbeCap = 2000

// MatchContacts returns the ids of up to limit live contacts of the
// workspace m matches (m.IDs is ignored), and whether there are more.
func (q *queries) MatchContacts(ctx context.Context, workspaceID string, m ContactMatch, limit int) ([]string, bool, error) {
	b := &sqlBuilder{d: q.dialect}
	var stmt string
	switch {
	case m.Phone != "" || m.Email != "":
		col, v := "phone", m.Phone
		if m.Email != "" {
			col, v = "email", m.Email
		}
		// The contacts_phone and contacts_email indexes: (workspace_id, col).
		stmt = `SELECT x.id FROM contacts x WHERE x.workspace_id = ` + b.arg(workspaceID) + ` AND x.` + col + ` >= ` + b.arg(v) +
			` AND x.` + col + ` < ` + b.arg(v+"\x7f") + ` AND x.deleted_at IS NULL`
	case q.dialect == Postgres:
		stmt = `SELECT x.id FROM contacts x WHERE ` + contactWordsPG + ` @@ to_tsquery('simple', ` + b.arg(pgPrefixQuery(m.Words)) + `)
			AND x.workspace_id = ` + b.arg(workspaceID) + ` AND x.deleted_at IS NULL`
	default:
		stmt = `SELECT x.id FROM contacts_fts JOIN contacts x ON x.rowid = contacts_fts.rowid
			WHERE contacts_fts MATCH ` + b.arg(ftsPrefixQuery(m.Words)) + ` AND x.workspace_id = ` + b.arg(workspaceID) + ` AND x.deleted_at IS NULL`
	}
	rows, err := q.db.QueryContext(ctx, stmt+` LIMIT `+b.arg(limit+1), b.args...)
	if err != nil {
		return nil, false, fmt.Errorf("match contacts: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, false, fmt.Errorf("match contacts: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("match contacts: %w", err)
	}
	if len(ids) > limit {
		return ids[:limit], true, nil
	}
	return ids, false, nil
}

// contactWordsPG is the text the contacts_fts index holds, over contacts x.
const contactWordsPG = `to_tsvector('simple', x.name || ' ' || x.company || ' ' || x.email)`

func pgPrefixQuery(words []string) string {
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = pgQuote(w) + ":*"
	}
	return strings.Join(terms, " & ")
}

func ftsPrefixQuery(words []string) string {
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = ftsQuote(w) + "*"
	}
	return strings.Join(terms, " ")
}

// contactPredicate is the conversation predicate for a ContactMatch.
func (m *ContactMatch) predicate(d Dialect, ws string, arg func(any) string) string {
	if m.IDs != nil {
		ph := make([]string, len(m.IDs))
		for i, id := range m.IDs {
			ph[i] = arg(id)
		}
		return `c.contact_id IN (` + strings.Join(ph, ",") + `)`
	}
	switch {
	case m.Phone != "":
		return `c.contact_id IN (SELECT x.id FROM contacts x WHERE x.workspace_id = ` + arg(ws) + ` AND x.deleted_at IS NULL
			AND x.phone >= ` + arg(m.Phone) + ` AND x.phone < ` + arg(m.Phone+"\x7f") + `)`
	case m.Email != "":
		return `c.contact_id IN (SELECT x.id FROM contacts x WHERE x.workspace_id = ` + arg(ws) + ` AND x.deleted_at IS NULL
			AND x.email >= ` + arg(m.Email) + ` AND x.email < ` + arg(m.Email+"\x7f") + `)`
	}
	// Many contacts match (MatchContacts found more than its cap): each
	// conversation walked checks its own contact. On SQLite the matches are
	// collected once as full-text rowids, without reading a contact row
	// each (thousands of reads).
	if d == Postgres {
		return `EXISTS (SELECT 1 FROM contacts x WHERE x.id = c.contact_id AND x.deleted_at IS NULL
			AND ` + contactWordsPG + ` @@ to_tsquery('simple', ` + arg(pgPrefixQuery(m.Words)) + `))`
	}
	return `EXISTS (SELECT 1 FROM contacts x WHERE x.id = c.contact_id AND x.deleted_at IS NULL
		AND x.rowid IN (SELECT contacts_fts.rowid FROM contacts_fts WHERE contacts_fts MATCH ` + arg(ftsPrefixQuery(m.Words)) + `))`
}

// ftsQuote makes a word one FTS5 string token.
func ftsQuote(w string) string { return `"` + strings.ReplaceAll(w, `"`, `""`) + `"` }

// pgQuote makes a word one tsquery lexeme.
func pgQuote(w string) string {
	return `'` + strings.ReplaceAll(strings.ReplaceAll(w, `\`, `\\`), `'`, `''`) + `'`
}

// SearchWindow is the most of the newest matching messages a search ranks
// at a time: ranking every match of a common word would cost a scan of the
// index's whole posting list.
const SearchWindow = 200

// MessageHit is a message a search found.
type MessageHit struct {
	MessageID      string
	ConversationID string
	// Snippet is HTML: the text escaped, the matches in <mark>.
	Snippet string
	Rank    float64
	// content is the message's text where the search read it (SQLite):
	// MessageSnippets then cuts the snippet from it.
	content string
	// Key orders hits by recency inside the store (opaque).
	Key string
}

// Snippet markers, replaced by <mark> once the text is escaped.
const (
	markOpen  = "\x02"
	markClose = "\x03"
)

func markSnippet(s string) string {
	s = html.EscapeString(s)
	return strings.NewReplacer(markOpen, "<mark>", markClose, "</mark>").Replace(s)
}

// SearchMessages finds the newest window messages (at most SearchWindow)
// whose text matches query (words, and "quoted phrases") in conversations
// the scope may see, older than the key before (empty: from the newest),
// and returns them ranked (best first), with the window's oldest key when
// the window is full.
func (q *queries) SearchMessages(ctx context.Context, scope access.Scope, query, before string, window int) ([]MessageHit, string, error) {
	if strings.TrimSpace(query) == "" {
		return nil, "", nil
	}
	if window <= 0 || window > SearchWindow {
		window = SearchWindow
	}
	f := ConversationFilter{Scope: scope, View: ViewAll, Statuses: allStatuses()}
	var args []any
	var stmt string
	if q.dialect == Postgres {
		tsq := tsQuery(query)
		if tsq == "" {
			return nil, "", nil
		}
		args = []any{tsq}
		where, a := f.where(q.dialect, args)
		args = a
		bound := ""
		if before != "" {
			args = append(args, before)
			bound = ` AND m.id < ` + placeholder(len(args))
		}
		args = append(args, window)
		rare, err := q.rareWords(ctx, query)
		if err != nil {
			return nil, "", err
		}
		// A common word: the newest messages hold enough matches, walk them
		// newest first (the planner's choice). A rare one: start from the
		// GIN index, which the planner would not (it cannot tell a rare
		// word from one just below its most common list).
		from := `messages m`
		if rare {
			from = `(SELECT * FROM messages mm WHERE mm.content_tsv @@ to_tsquery('simple', $1) OFFSET 0) m`
		}
		stmt = `WITH hits AS (
			SELECT m.id, m.conversation_id, m.content, ts_rank(m.content_tsv, tq) AS rank
			FROM ` + from + ` JOIN conversations c ON c.id = m.conversation_id, to_tsquery('simple', $1) tq
			WHERE m.content_tsv @@ tq AND m.workspace_id = c.workspace_id AND ` + where + bound + `
			ORDER BY m.id DESC LIMIT ` + placeholder(len(args)) + `)
		SELECT id, conversation_id, content, rank, CAST(id AS TEXT) FROM hits`
	} else {
		match := ftsQuery(query)
		if match == "" {
			return nil, "", nil
		}
		args = []any{match}
		where, a := f.where(q.dialect, args)
		args = a
		bound := ""
		if before != "" {
			n, err := strconv.ParseInt(before, 10, 64)
			if err != nil {
				return nil, "", fmt.Errorf("search messages: bad cursor key %q", before)
			}
			args = append(args, n)
			bound = ` AND messages_fts.rowid < ` + placeholder(len(args))
		}
		args = append(args, window)
		// No bm25(): its first call reads every match of each word (for
		// their frequencies), which for a common word is most of the index.
		// The window is ranked below, by how often and how densely each
		// message holds the words.
		stmt = `SELECT m.id, m.conversation_id, m.content, 0.0, CAST(messages_fts.rowid AS TEXT)
			FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid JOIN conversations c ON c.id = m.conversation_id
			WHERE messages_fts MATCH $1 AND m.workspace_id = c.workspace_id AND ` + where + bound + `
			ORDER BY messages_fts.rowid DESC LIMIT ` + placeholder(len(args))
	}
	rows, err := q.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, "", fmt.Errorf("search messages: %w", err)
	}
	defer rows.Close()
	var hits []MessageHit
	var contents []string
	for rows.Next() {
		var h MessageHit
		var content string
		if err := rows.Scan(&h.MessageID, &h.ConversationID, &content, &h.Rank, &h.Key); err != nil {
			return nil, "", fmt.Errorf("search messages: %w", err)
		}
		if q.dialect != Postgres {
			h.content = content
		}
		hits = append(hits, h)
		contents = append(contents, content)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("search messages: %w", err)
	}
	if q.dialect != Postgres {
		rankTF(hits, contents, query)
	}
	oldest := ""
	if len(hits) == window {
		oldest = hits[len(hits)-1].Key
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Rank > hits[j].Rank })
	return hits, oldest, nil
}

// ConversationItems returns the conversations ids names as list items for
// the user, keyed by id, in one statement: a search page's hits (one
// FindConversationItem each cost a round trip per hit). Deleted
// conversations are left out; the caller has already applied the scope.
func (q *queries) ConversationItems(ctx context.Context, workspaceID string, ids []string, userID string) (map[string]parley.ConversationItem, error) {
	out := make(map[string]parley.ConversationItem, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if userID == "" {
		userID = noUser
	}
	b := &sqlBuilder{d: q.dialect, args: []any{userID}}
	ws := b.arg(workspaceID)
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = b.arg(id)
	}
	rows, err := q.db.QueryContext(ctx, itemSelect+` WHERE c.workspace_id = `+ws+` AND c.deleted_at IS NULL AND c.id IN (`+strings.Join(ph, ",")+`)`, b.args...)
	if err != nil {
		return nil, fmt.Errorf("conversation items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		item, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("conversation items: %w", err)
		}
		out[item.ID] = *item
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("conversation items: %w", err)
	}
	return out, nil
}

// rankTF scores each hit BM25-like on term frequency and length (the
// words' rarity is the same for every message of one search, so it
// cannot reorder them much within a window of recent matches).
func rankTF(hits []MessageHit, contents []string, query string) {
	terms := map[string]bool{}
	for _, w := range words(query) {
		terms[strings.ToLower(w)] = true
	}
	lens := make([]int, len(contents))
	total := 0
	for i, c := range contents {
		lens[i] = len(words(c))
		total += lens[i]
	}
	avg := max(1, float64(total)/float64(max(1, len(contents))))
	for i, c := range contents {
		tf := map[string]int{}
		for _, w := range words(c) {
			if lw := strings.ToLower(w); terms[lw] {
				tf[lw]++
			}
		}
		norm := 1.2 * (0.25 + 0.75*float64(lens[i])/avg)
		var s float64
		for _, n := range tf {
			s += float64(n) * 2.2 / (float64(n) + norm)
		}
		hits[i].Rank = s
	}
}

// MessageSnippets fills in the snippets of hits SearchMessages found for
// query: only for the page shown, as cutting a snippet costs more than
// finding the message.
func (q *queries) MessageSnippets(ctx context.Context, query string, hits []MessageHit) error {
	if len(hits) == 0 {
		return nil
	}
	if q.dialect != Postgres && !slices.ContainsFunc(hits, func(h MessageHit) bool { return h.content == "" }) {
		// FTS5's snippet() runs the full-text query again for each hit
		// (about a millisecond each for a common word, half a search's
		// time): cut the snippets from the text the search already read.
		terms := map[string]bool{}
		for _, w := range words(query) {
			terms[foldToken(w)] = true
		}
		for i := range hits {
			hits[i].Snippet = markSnippet(cutSnippet(hits[i].content, terms, snippetTokens))
		}
		return nil
	}
	var stmt string
	var args []any
	if q.dialect == Postgres {
		args = []any{tsQuery(query)}
		stmt = `SELECT CAST(id AS TEXT), ts_headline('simple', content, to_tsquery('simple', $1),
			'StartSel=` + markOpen + `, StopSel=` + markClose + `, MaxWords=18, MinWords=6, MaxFragments=1') FROM messages WHERE id IN (`
	} else {
		args = []any{ftsQuery(query)}
		stmt = `SELECT CAST(rowid AS TEXT), snippet(messages_fts, 0, '` + markOpen + `', '` + markClose + `', '…', 14)
			FROM messages_fts WHERE messages_fts MATCH $1 AND rowid IN (`
	}
	ph := make([]string, len(hits))
	for i, h := range hits {
		var key any = h.Key
		if q.dialect == Postgres {
			key = h.MessageID
		} else if n, err := strconv.ParseInt(h.Key, 10, 64); err == nil {
			key = n
		}
		args = append(args, key)
		ph[i] = placeholder(len(args))
	}
	rows, err := q.db.QueryContext(ctx, stmt+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return fmt.Errorf("search snippets: %w", err)
	}
	defer rows.Close()
	snippets := map[string]string{}
	for rows.Next() {
		var key, s string
		if err := rows.Scan(&key, &s); err != nil {
			return fmt.Errorf("search snippets: %w", err)
		}
		snippets[key] = markSnippet(s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search snippets: %w", err)
	}
	for i := range hits {
		hits[i].Snippet = snippets[hits[i].Key]
	}
	return nil
}

// snippetTokens is how many tokens a snippet shows (as FTS5's snippet()
// was asked for).
const snippetTokens = 14

// foldToken is a token as the SQLite index compares it (unicode61 with
// remove_diacritics): lower case, without combining marks.
func foldToken(w string) string {
	var sb strings.Builder
	for _, r := range norm.NFD.String(w) {
		if !unicode.Is(unicode.Mn, r) {
			sb.WriteRune(unicode.ToLower(r))
		}
	}
	return sb.String()
}

// cutSnippet is content cut to n tokens around its first token in terms,
// the matching tokens between markOpen and markClose, "…" where cut.
func cutSnippet(content string, terms map[string]bool, n int) string {
	type span struct{ from, to int }
	var toks []span
	from := -1
	for i, r := range content {
		in := unicode.IsLetter(r) || unicode.IsNumber(r)
		switch {
		case in && from < 0:
			from = i
		case !in && from >= 0:
			toks = append(toks, span{from, i})
			from = -1
		}
	}
	if from >= 0 {
		toks = append(toks, span{from, len(content)})
	}
	if len(toks) == 0 {
		return content
	}
	first := slices.IndexFunc(toks, func(t span) bool { return terms[foldToken(content[t.from:t.to])] })
	start := max(0, min(first-3, len(toks)-n))
	end := min(len(toks), start+n)
	var sb strings.Builder
	if start > 0 {
		sb.WriteString("…")
	}
	at := toks[start].from
	if start == 0 {
		at = 0
	}
	for _, t := range toks[start:end] {
		sb.WriteString(content[at:t.from])
		if w := content[t.from:t.to]; terms[foldToken(w)] {
			sb.WriteString(markOpen + w + markClose)
		} else {
			sb.WriteString(w)
		}
		at = t.to
	}
	if end < len(toks) {
		sb.WriteString("…")
	} else {
		sb.WriteString(content[at:])
	}
	return sb.String()
}

// rareWords reports whether one of the query's words is not among the
// most common lexemes PostgreSQL's statistics keep for the messages (or
// there are no statistics yet): its matches are then few enough to fetch
// them all from the GIN index and sort them.
func (q *queries) rareWords(ctx context.Context, query string) (bool, error) {
	ws := words(query)
	for i, w := range ws {
		ws[i] = strings.ToLower(w)
	}
	var rare sql.NullBool
	err := q.db.QueryRowContext(ctx, `SELECT bool_or(NOT (w = ANY (CAST(CAST(s.most_common_elems AS TEXT) AS TEXT[]))))
		FROM pg_stats s, unnest(string_to_array($1, ' ')) w
		WHERE s.schemaname = current_schema() AND s.tablename = 'messages' AND s.attname = 'content_tsv'`,
		strings.Join(ws, " ")).Scan(&rare)
	if err != nil {
		return false, fmt.Errorf("search messages: word statistics: %w", err)
	}
	return rare.Bool || !rare.Valid, nil
}

// ftsQuery turns what a user typed into an FTS5 query: each word and
// each "quoted phrase" a string that must appear; FTS5 syntax in the input
// means nothing.
func ftsQuery(q string) string {
	var parts []string
	for i, chunk := range strings.Split(q, `"`) {
		if i%2 == 1 { // inside quotes: a phrase
			if w := strings.Join(words(chunk), " "); w != "" {
				parts = append(parts, ftsQuote(w))
			}
			continue
		}
		for _, w := range words(chunk) {
			parts = append(parts, ftsQuote(w))
		}
	}
	return strings.Join(parts, " ")
}

// tsQuery is ftsQuery for PostgreSQL: every word and "quoted phrase"
// must appear.
func tsQuery(q string) string {
	var parts []string
	for i, chunk := range strings.Split(q, `"`) {
		ws := words(chunk)
		if len(ws) == 0 {
			continue
		}
		quoted := make([]string, len(ws))
		for j, w := range ws {
			quoted[j] = pgQuote(w)
		}
		if i%2 == 1 {
			parts = append(parts, "("+strings.Join(quoted, " <-> ")+")")
		} else {
			parts = append(parts, quoted...)
		}
	}
	return strings.Join(parts, " & ")
}

// words splits text into the tokens the indexes see (letters and digits).
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// Words splits search text into words as the indexes do.
func Words(s string) []string { return words(s) }

func allStatuses() []parley.ConversationStatus { return parley.ConversationStatuses }

// ThreadHit is a message of one thread that an in-thread search found.
type ThreadHit struct {
	MessageID string `json:"message_id"`
	Snippet   string `json:"snippet"`
}

// SearchThread finds the messages of one conversation containing text
// (case-insensitive), newest first. Threads are short: the conversation's
// index bounds the scan.
func (q *queries) SearchThread(ctx context.Context, conversationID, text string, limit int) ([]ThreadHit, error) {
	pattern := "%" + likeEscape(strings.ToLower(text)) + "%"
	rows, err := q.db.QueryContext(ctx, `SELECT id, content FROM messages WHERE conversation_id = $1 AND lower(content) LIKE $2 ESCAPE '\'
		ORDER BY created_at DESC, id DESC LIMIT $3`, conversationID, pattern, limit)
	if err != nil {
		return nil, fmt.Errorf("search thread: %w", err)
	}
	defer rows.Close()
	out := []ThreadHit{}
	for rows.Next() {
		var h ThreadHit
		var content string
		if err := rows.Scan(&h.MessageID, &content); err != nil {
			return nil, fmt.Errorf("search thread: %w", err)
		}
		h.Snippet = threadSnippet(content, text)
		out = append(out, h)
	}
	return out, rows.Err()
}

// threadSnippet cuts the text around the first match and marks every
// match, HTML-escaped.
func threadSnippet(content, text string) string {
	lc, lt := strings.ToLower(content), strings.ToLower(text)
	i := strings.Index(lc, lt)
	if i < 0 || len(lc) != len(content) {
		return html.EscapeString(clipRunes(content, 160))
	}
	start := max(0, i-60)
	for start > 0 && !utfStart(content[start]) {
		start--
	}
	end := min(len(content), i+len(text)+100)
	for end < len(content) && !utfStart(content[end]) {
		end++
	}
	var sb strings.Builder
	if start > 0 {
		sb.WriteString("…")
	}
	seg, lseg := content[start:end], lc[start:end]
	for {
		j := strings.Index(lseg, lt)
		if j < 0 || lt == "" {
			sb.WriteString(html.EscapeString(seg))
			break
		}
		sb.WriteString(html.EscapeString(seg[:j]) + "<mark>" + html.EscapeString(seg[j:j+len(lt)]) + "</mark>")
		seg, lseg = seg[j+len(lt):], lseg[j+len(lt):]
	}
	if end < len(content) {
		sb.WriteString("…")
	}
	return sb.String()
}

func utfStart(b byte) bool { return b&0xC0 != 0x80 }

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
)

// Contact list orders.
const (
	ContactSortCreatedDesc = "created_desc"
	ContactSortCreatedAsc  = "created_asc"
	ContactSortNameAsc     = "name_asc"
	ContactSortNameDesc    = "name_desc"
	ContactSortUpdatedDesc = "updated_desc"
)

// ContactSorts are the orders a contact list may be asked for.
var ContactSorts = []string{ContactSortCreatedDesc, ContactSortCreatedAsc, ContactSortNameAsc, ContactSortNameDesc, ContactSortUpdatedDesc}

// ContactCursor is the keyset position in a contact list: the sort key of
// the last row (T for times, N for names) and its id.
type ContactCursor struct {
	Sort string `json:"s"`
	T    int64  `json:"t,omitempty"`
	N    string `json:"n,omitempty"`
	ID   string `json:"id"`
}

// ContactCursorAfter is the cursor that continues a contact list after c.
func ContactCursorAfter(sort string, c *parley.Contact) ContactCursor {
	cur := ContactCursor{Sort: sort, ID: c.ID}
	switch sort {
	case ContactSortNameAsc, ContactSortNameDesc:
		cur.N = c.Name
	case ContactSortUpdatedDesc:
		cur.T = micros(c.UpdatedAt)
	default:
		cur.T = micros(c.CreatedAt)
	}
	return cur
}

// ContactFilter selects contacts. Nil pointers do not filter. The caller
// validates (attribute keys, sort); the store only translates.
type ContactFilter struct {
	WorkspaceID string
	// Viewer fills Contact.Marked and is who Marked filters for.
	Viewer string
	// Query matches name, email and company as a substring; Phone (E.164)
	// and Digits (the query's digits) match the phone.
	Query  string
	Phone  string
	Digits string
	// PhoneExact (E.164) and EmailExact (lower case) match one value
	// through its index: a search for a whole number or address.
	PhoneExact string
	EmailExact string
	// Channel is an inbox channel ("whatsapp") the contact has an identity on.
	Channel     string
	Tags        []string
	HasPhone    *bool
	HasEmail    *bool
	Blocked     *bool
	Archived    *bool
	Marked      *bool
	Attributes  map[string]string
	CreatedFrom *time.Time
	CreatedTo   *time.Time
	IDs         []string
	Sort        string
	After       *ContactCursor
	Limit       int

	// rowids, when not nil, are the SQLite rows the search matched (found
	// first through the trigram table): the search is then an IN list.
	rowids []int64
	// scan searches with LIKE in list order (SQLite: too many trigram
	// matches; PostgreSQL reads such searches with searchWindow).
	scan bool
}

// searchProbeCap is how many trigram matches ListContacts collects before
// it gives up on the index and scans in list order instead: a search that
// matches thousands of contacts fills a page from the first rows it reads.
const searchProbeCap = 2000

// where builds the filter's predicate over contacts. Built: each filter is
// optional, and the search's form depends on the engine and the query.
func (f ContactFilter) where(d Dialect, args []any) (string, []any) {
	arg := func(v any) string { return bind(&args, v) }
	w := []string{`workspace_id = ` + arg(f.WorkspaceID), `deleted_at IS NULL`}
	if q := strings.TrimSpace(f.Query); q != "" {
		w = append(w, f.search(d, q, arg))
	}
	if f.PhoneExact != "" {
		w = append(w, `phone = `+arg(f.PhoneExact))
	}
	if f.EmailExact != "" {
		w = append(w, `email = `+arg(f.EmailExact))
	}
	if f.Channel != "" {
		w = append(w, `EXISTS (SELECT 1 FROM contact_identities ci JOIN inboxes i ON i.id = ci.inbox_id
			WHERE ci.contact_id = contacts.id AND i.channel = `+arg(f.Channel)+`)`)
	}
	for _, t := range f.Tags {
		if d == Postgres {
			w = append(w, `tags::jsonb @> jsonb_build_array(`+arg(t)+`::text)`)
		} else {
			w = append(w, `EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE value = `+arg(t)+`)`)
		}
	}
	flag := func(p *bool, col string) {
		if p != nil {
			w = append(w, col+` = `+arg(*p))
		}
	}
	flag(f.Blocked, "blocked")
	flag(f.Archived, "archived")
	has := func(p *bool, col string) {
		if p == nil {
			return
		}
		if *p {
			w = append(w, col+` <> ''`)
		} else {
			w = append(w, col+` = ''`)
		}
	}
	has(f.HasPhone, "phone")
	has(f.HasEmail, "email")
	if f.Marked != nil {
		not := ""
		if !*f.Marked {
			not = "NOT "
		}
		w = append(w, not+`EXISTS (SELECT 1 FROM contact_marks m WHERE m.contact_id = contacts.id AND m.user_id = `+arg(f.Viewer)+`)`)
	}
	for k, v := range f.Attributes {
		w = append(w, ContactAttributeExpr(d, "contacts", arg(ContactAttributeKey(d, k)))+` = `+arg(v))
	}
	if f.CreatedFrom != nil {
		w = append(w, `created_at >= `+arg(micros(*f.CreatedFrom)))
	}
	if f.CreatedTo != nil {
		w = append(w, `created_at < `+arg(micros(*f.CreatedTo)))
	}
	if len(f.IDs) > 0 {
		ph := make([]string, len(f.IDs))
		for i, id := range f.IDs {
			ph[i] = arg(id)
		}
		w = append(w, `id IN (`+strings.Join(ph, ",")+`)`)
	}
	if a := f.After; a != nil {
		// The leading bound (<= or >=) is what an index range can start
		// from; PostgreSQL does not derive it from the OR (a page half-way
		// down a million contacts took 670 ms without it).
		switch f.Sort {
		case ContactSortCreatedAsc:
			t, id := arg(a.T), arg(a.ID)
			w = append(w, `created_at >= `+t+` AND (created_at > `+t+` OR (created_at = `+t+` AND id > `+id+`))`)
		case ContactSortNameAsc:
			n, id := arg(a.N), arg(a.ID)
			w = append(w, `name >= `+n+` AND (name > `+n+` OR (name = `+n+` AND id > `+id+`))`)
		case ContactSortNameDesc:
			n, id := arg(a.N), arg(a.ID)
			w = append(w, `name <= `+n+` AND (name < `+n+` OR (name = `+n+` AND id < `+id+`))`)
		case ContactSortUpdatedDesc:
			t, id := arg(a.T), arg(a.ID)
			w = append(w, `updated_at <= `+t+` AND (updated_at < `+t+` OR (updated_at = `+t+` AND id < `+id+`))`)
		default:
			t, id := arg(a.T), arg(a.ID)
			w = append(w, `created_at <= `+t+` AND (created_at < `+t+` OR (created_at = `+t+` AND id < `+id+`))`)
		}
	}
	return strings.Join(w, " AND "), args
}

// search is the predicate of a substring search over name, email, company
// and phone. Both engines answer it from a trigram index (PostgreSQL's
// pg_trgm GIN indexes, SQLite's FTS5 trigram table) when the search has
// three characters or more; shorter ones scan, as an index cannot help.
func (f ContactFilter) search(d Dialect, q string, arg func(any) string) string {
	lower := strings.ToLower(q)
	if f.rowids != nil {
		list, _ := json.Marshal(f.rowids)
		return `contacts.rowid IN (SELECT value FROM json_each(` + arg(string(list)) + `))`
	}
	if d == Postgres || utf8.RuneCountInString(lower) < 3 || f.scan {
		like := arg("%" + escapeLike(lower) + "%")
		or := []string{`LOWER(name) LIKE ` + like, `email LIKE ` + like, `LOWER(company) LIKE ` + like}
		if f.Phone != "" {
			or = append(or, `phone = `+arg(f.Phone))
		}
		if f.Digits != "" {
			or = append(or, `phone LIKE `+arg("%"+f.Digits+"%"))
		}
		if d != Postgres {
			for i := range or[:3] {
				or[i] += ` ESCAPE '\'`
			}
		}
		return `(` + strings.Join(or, " OR ") + `)`
	}
	// One MATCH: a quoted string is a substring in trigram mode; the phone
	// column is searched for the number's digits or its E.164 form.
	return `contacts.rowid IN (SELECT rowid FROM contacts_trgm WHERE contacts_trgm MATCH ` + arg(f.trigramMatch(lower)) + `)`
}

// trigramMatch is the FTS5 query of a search of three characters or more.
func (f ContactFilter) trigramMatch(lower string) string {
	match := []string{`{name email company} : ` + ftsPhrase(lower)}
	if f.Phone != "" {
		match = append(match, `phone : `+ftsPhrase(f.Phone))
	}
	if f.Digits != "" {
		match = append(match, `phone : `+ftsPhrase(f.Digits))
	}
	return strings.Join(match, " OR ")
}

// probeSearch finds, on SQLite, the rows a search matches through the
// trigram table, up to searchProbeCap: few matches become an IN list read
// through the index, many a scan in list order that stops at the page.
func (q *queries) probeSearch(ctx context.Context, f *ContactFilter) error {
	lower := strings.ToLower(strings.TrimSpace(f.Query))
	if utf8.RuneCountInString(lower) < 3 {
		return nil
	}
	if q.dialect == Postgres {
		return nil // searchWindow and the trigram indexes (ListContacts)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT rowid FROM contacts_trgm WHERE contacts_trgm MATCH $1 LIMIT $2`,
		f.trigramMatch(lower), searchProbeCap+1)
	if err != nil {
		return fmt.Errorf("search contacts: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("search contacts: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search contacts: %w", err)
	}
	if len(ids) > searchProbeCap {
		f.scan = true
	} else {
		f.rowids = ids
	}
	return nil
}

// searchWindowRows is how many contacts, in list order, a PostgreSQL
// search reads before it turns to the trigram indexes.
const searchWindowRows = 2000

// searchWindow answers a PostgreSQL search whose term is common: it walks
// the list's own index from the page's start, reads at most
// searchWindowRows contacts that pass the other filters, and returns the
// ids of the first f.Limit of them that match, in list order. A page it
// fills is exactly the page the search asks for (the window is a prefix of
// the list). A term matching a fifth of the contacts fills a page of 50
// after ~250 rows, where the trigram indexes would first build a bitmap of
// every match (40,000 at 200k: two seconds). A rarer term fills no page
// here, and the caller reads its few matches through the indexes.
func (q *queries) searchWindow(ctx context.Context, f ContactFilter) ([]string, error) {
	query, args := searchWindowSQL(f)
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search contacts: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("search contacts: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search contacts: %w", err)
	}
	return ids, nil
}

// searchWindowSQL is searchWindow's query.
func searchWindowSQL(f ContactFilter) (string, []any) {
	g := f
	g.Query, g.Phone, g.Digits = "", "", ""
	where, args := g.where(Postgres, nil)
	arg := func(v any) string { return bind(&args, v) }
	// The derived table keeps the planner from the trigram indexes: the
	// search is a filter over the window's rows, which the inner LIMIT
	// reads in index order.
	window := `SELECT id, name, email, company, phone, created_at, updated_at FROM contacts WHERE ` + where +
		` ORDER BY ` + contactOrder(f.Sort) + ` LIMIT ` + arg(max(searchWindowRows, 10*f.Limit))
	match := f.search(Postgres, strings.TrimSpace(f.Query), arg)
	return `SELECT id FROM (` + window + `) w WHERE ` + match + ` ORDER BY ` + contactOrder(f.Sort) + ` LIMIT ` + arg(f.Limit), args
}

// ftsPhrase quotes s as one FTS5 string (a double quote is doubled).
func ftsPhrase(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// order is the list's ORDER BY. A PostgreSQL search orders by an
// expression no index has, so the planner reads the matches through the
// trigram indexes and sorts them, rather than walking the list's index
// hoping to meet matches early (a search that matches nothing would then
// read every contact: a second at 200k).
func (f ContactFilter) order(d Dialect) string {
	if d != Postgres || f.scan || utf8.RuneCountInString(strings.TrimSpace(f.Query)) < 3 {
		return contactOrder(f.Sort)
	}
	switch f.Sort {
	case ContactSortCreatedAsc:
		return `created_at + 0, id`
	case ContactSortNameAsc:
		return `name || '', id`
	case ContactSortNameDesc:
		return `name || '' DESC, id DESC`
	case ContactSortUpdatedDesc:
		return `updated_at + 0 DESC, id DESC`
	}
	return `created_at + 0 DESC, id DESC`
}

// contactOrder is the ORDER BY of a sort; each matches an index.
func contactOrder(sort string) string {
	switch sort {
	case ContactSortCreatedAsc:
		return `created_at, id`
	case ContactSortNameAsc:
		return `name, id`
	case ContactSortNameDesc:
		return `name DESC, id DESC`
	case ContactSortUpdatedDesc:
		return `updated_at DESC, id DESC`
	}
	return `created_at DESC, id DESC`
}

// ListContacts returns a page of live contacts matching f in its order.
func (q *queries) ListContacts(ctx context.Context, f ContactFilter) ([]parley.Contact, error) {
	viewer := f.Viewer
	if viewer == "" {
		viewer = noUser
	}
	if q.dialect == Postgres && utf8.RuneCountInString(strings.TrimSpace(f.Query)) >= 3 {
		ids, err := q.searchWindow(ctx, f)
		if err != nil {
			return nil, err
		}
		if len(ids) >= f.Limit {
			g := ContactFilter{WorkspaceID: f.WorkspaceID, IDs: ids}
			where, args := g.where(q.dialect, []any{viewer})
			return q.listContactsMarked(ctx, "$1", `WHERE `+where+` ORDER BY `+contactOrder(f.Sort), args...)
		}
	}
	if err := q.probeSearch(ctx, &f); err != nil {
		return nil, err
	}
	where, args := f.where(q.dialect, []any{viewer})
	args = append(args, f.Limit)
	return q.listContactsMarked(ctx, "$1", `WHERE `+where+` ORDER BY `+f.order(q.dialect)+` LIMIT `+placeholder(len(args)), args...)
}

// ListContactIDs returns the ids of every live contact matching f (no
// paging; Limit caps it), for bulk actions.
func (q *queries) ListContactIDs(ctx context.Context, f ContactFilter) ([]string, error) {
	where, args := f.where(q.dialect, nil)
	args = append(args, f.Limit)
	rows, err := q.db.QueryContext(ctx, `SELECT id FROM contacts WHERE `+where+` ORDER BY id LIMIT `+placeholder(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list contact ids: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list contact ids: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ContactAttributeExpr is the SQL text of a contact's custom attribute on
// either engine: alias names the contacts row, keyPlaceholder the argument
// holding ContactAttributeKey(d, key). A conversation filter on
// contact.attributes.<key> (views) compares it the same way:
//
//	EXISTS (SELECT 1 FROM contacts ct WHERE ct.id = c.contact_id AND <expr on ct> = $v)
func ContactAttributeExpr(d Dialect, alias, keyPlaceholder string) string {
	if d == Postgres {
		return `(` + alias + `.attributes::jsonb ->> ` + keyPlaceholder + `)`
	}
	return `json_extract(` + alias + `.attributes, ` + keyPlaceholder + `)`
}

// ContactAttributeKey is the argument ContactAttributeExpr's placeholder
// takes for key (keys are checked to be [a-z0-9_] before they get here).
func ContactAttributeKey(d Dialect, key string) string {
	if d == Postgres {
		return key
	}
	return `$."` + key + `"`
}

package workspace

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/phone"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// ContactQuery is a contact list request as a client sends it: every
// field optional, checked by Filter.
type ContactQuery struct {
	Q       string
	Channel string
	Tags    []string
	// HasPhone, HasEmail, Blocked and Marked are "", "true" or "false";
	// Archived is "" (not archived: archived contacts are hidden unless
	// asked for), "true", "false" or "any".
	HasPhone, HasEmail, Blocked, Archived, Marked string
	// Attributes are "key:value" pairs a contact must all have.
	Attributes []string
	// CreatedFrom and CreatedTo bound created_at: RFC 3339 or a date.
	CreatedFrom, CreatedTo string
	Sort                   string
	Cursor                 string
	Limit                  int
}

var attributeKey = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// Filter checks q and turns it into the store's filter for actor a.
func (q ContactQuery) Filter(a parley.Actor) (sqlstore.ContactFilter, error) {
	f := sqlstore.ContactFilter{WorkspaceID: a.WorkspaceID, Viewer: a.UserID, Query: strings.TrimSpace(q.Q),
		Channel: strings.TrimSpace(q.Channel), Sort: q.Sort, Limit: q.Limit}
	if f.Sort == "" {
		f.Sort = sqlstore.ContactSortCreatedDesc
	}
	if !slices.Contains(sqlstore.ContactSorts, f.Sort) {
		return f, parley.FieldErrorf("sort", "Unknown sort %q: use one of %s.", clip(q.Sort), strings.Join(sqlstore.ContactSorts, ", "))
	}
	if f.Query != "" {
		e164, err := phone.Normalize(f.Query)
		if err == nil {
			f.Phone = e164
		}
		// A whole number written with its country code, or a whole
		// address: one indexed lookup instead of a scan.
		lower := strings.ToLower(f.Query)
		if err == nil && (strings.HasPrefix(lower, "+") || strings.HasPrefix(lower, "00") || strings.Contains(lower, ":")) {
			f.PhoneExact, f.Query = e164, ""
			return q.rest(f)
		}
		if email, err := ValidEmail("q", f.Query); err == nil && completeDomain(email) {
			f.EmailExact, f.Query = strings.ToLower(email), ""
			return q.rest(f)
		}
		digits := strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, f.Query)
		if len(digits) >= 3 && strings.Trim(f.Query, "+0123456789 -().") == "" {
			f.Digits = digits
		}
	}
	return q.rest(f)
}

// rest adds the filters other than the search.
func (q ContactQuery) rest(f sqlstore.ContactFilter) (sqlstore.ContactFilter, error) {
	for _, t := range q.Tags {
		if t = strings.TrimSpace(t); t != "" {
			f.Tags = append(f.Tags, t)
		}
	}
	var err error
	flags := []struct {
		field string
		v     string
		dst   **bool
	}{{"has_phone", q.HasPhone, &f.HasPhone}, {"has_email", q.HasEmail, &f.HasEmail}, {"blocked", q.Blocked, &f.Blocked}, {"marked", q.Marked, &f.Marked}}
	for _, fl := range flags {
		if *fl.dst, err = triState(fl.field, fl.v); err != nil {
			return f, err
		}
	}
	switch q.Archived {
	case "":
		no := false
		f.Archived = &no
	case "any":
	default:
		if f.Archived, err = triState("archived", q.Archived); err != nil {
			return f, err
		}
	}
	if len(q.Attributes) > 0 {
		f.Attributes = map[string]string{}
	}
	for _, kv := range q.Attributes {
		k, v, ok := strings.Cut(kv, ":")
		if !ok || !attributeKey.MatchString(k) {
			return f, parley.FieldErrorf("attribute", "Filter attributes as key:value with a key of lowercase letters, digits and _ (got %q).", clip(kv))
		}
		f.Attributes[k] = v
	}
	for _, b := range []struct {
		field string
		v     string
		dst   **time.Time
	}{{"created_from", q.CreatedFrom, &f.CreatedFrom}, {"created_to", q.CreatedTo, &f.CreatedTo}} {
		if b.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, b.v)
		if err != nil {
			if t, err = time.Parse("2006-01-02", b.v); err != nil {
				return f, parley.FieldErrorf(b.field, "%q is not a time (RFC 3339) or a date (YYYY-MM-DD).", clip(b.v))
			}
		}
		*b.dst = &t
	}
	if q.Cursor != "" {
		f.After = &sqlstore.ContactCursor{}
		raw, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		if err != nil || json.Unmarshal(raw, f.After) != nil || f.After.Sort != f.Sort || uuid.Validate(f.After.ID) != nil {
			return f, parley.FieldErrorf("cursor", "The cursor is malformed or from another sort: pass next_cursor from the previous page unchanged.")
		}
	}
	return f, nil
}

func triState(field, v string) (*bool, error) {
	switch v {
	case "":
		return nil, nil
	case "true":
		t := true
		return &t, nil
	case "false":
		f := false
		return &f, nil
	}
	return nil, parley.FieldErrorf(field, "%s must be true or false.", field)
}

// ContactPage is a page of contacts.
type ContactPage struct {
	Items      []parley.Contact `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

// Contacts lists the contacts matching q, a page at a time.
func (s *Service) Contacts(ctx context.Context, a parley.Actor, q ContactQuery) (*ContactPage, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Limit > 200 {
		return nil, parley.FieldErrorf("limit", "The limit must be at most 200.")
	}
	f, err := q.Filter(a)
	if err != nil {
		return nil, err
	}
	items, err := s.store.ListContacts(ctx, f)
	if err != nil {
		return nil, err
	}
	page := &ContactPage{Items: items}
	if len(items) == f.Limit {
		b, _ := json.Marshal(sqlstore.ContactCursorAfter(f.Sort, &items[len(items)-1]))
		page.NextCursor = base64.RawURLEncoding.EncodeToString(b)
	}
	return page, nil
}

// completeDomain reports whether an address's domain looks finished (a dot
// and a top-level part of two letters or more): only then is a search for
// it a search for that one address.
func completeDomain(email string) bool {
	_, domain, _ := strings.Cut(email, "@")
	i := strings.LastIndexByte(domain, '.')
	return i > 0 && len(domain)-i-1 >= 2
}

package conversation

import (
	"net/url"
	"regexp"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

var externalRefType = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// applyExternalRef sets or (null) removes the conversation's external
// reference: a type such as case, lead or order, the object's id in its
// system, and optionally a link back and a title.
func applyExternalRef(c *parley.Conversation, ch Change) error {
	if !ch.ExternalRef.Set {
		return nil
	}
	if ch.ExternalRef.Null {
		c.ExternalRef = nil
		return nil
	}
	r := ch.ExternalRef.Value
	switch {
	case !externalRefType.MatchString(r.Type):
		return parley.FieldErrorf("external_ref.type", "The type must have 1 to 32 lowercase letters, digits, _ or - (case, lead, order…).")
	case r.ID == "" || len(r.ID) > 200 || !utf8.ValidString(r.ID):
		return parley.FieldErrorf("external_ref.id", "The id must have 1 to 200 characters.")
	case utf8.RuneCountInString(r.Title) > 200:
		return parley.FieldErrorf("external_ref.title", "The title must have at most 200 characters.")
	}
	if r.URL != "" {
		u, err := url.Parse(r.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(r.URL) > 2048 {
			return parley.FieldErrorf("external_ref.url", "The url must be an http or https link.")
		}
	}
	c.ExternalRef = &r
	return nil
}

// externalKey is the list filter's key for a reference: both parts or neither.
func externalKey(refType, refID string) (string, error) {
	if (refType == "") != (refID == "") {
		return "", parley.FieldErrorf("external_ref_id", "Give both external_ref_type and external_ref_id.")
	}
	return sqlstore.ExternalKey(refType, refID), nil
}

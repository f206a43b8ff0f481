package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// CreateContact inserts a contact and its identities. An identity already
// taken on its inbox is a race the caller resolves by retrying the write.
func (tx *Tx) CreateContact(ctx context.Context, c *parley.Contact) error {
	c.ID = id.New()
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	normalizeContact(c)
	attrs, _ := json.Marshal(c.Attributes)
	tags, _ := json.Marshal(c.Tags)
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO contacts (id, workspace_id, name, email, phone, company, title, avatar_url, attributes, tags, blocked, archived, created_at, updated_at)
		 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		c.ID, c.WorkspaceID, c.Name, c.Email, c.Phone, c.Company, c.Title, c.AvatarURL, string(attrs), string(tags),
		c.Blocked, c.Archived, micros(tx.now), micros(tx.now)); err != nil {
		return fmt.Errorf("create contact: %w", err)
	}
	for _, ident := range c.Identities {
		if err := tx.addIdentity(ctx, c.WorkspaceID, c.ID, ident); err != nil {
			return err
		}
	}
	return nil
}

func normalizeContact(c *parley.Contact) {
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	if c.Tags == nil {
		c.Tags = []string{}
	}
	if c.Identities == nil {
		c.Identities = []parley.ContactIdentity{}
	}
	c.Email = normalizeEmail(c.Email)
}

func (tx *Tx) addIdentity(ctx context.Context, workspaceID, contactID string, ident parley.ContactIdentity) error {
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO contact_identities (inbox_id, source_id, contact_id, workspace_id) VALUES ($1,$2,$3,$4)`,
		ident.InboxID, ident.SourceID, contactID, workspaceID)
	if err != nil {
		return fmt.Errorf("add contact identity: %w", err)
	}
	return nil
}

// AddContactIdentity links a channel identity to a contact; an identity
// that belongs to someone else is ECONFLICT.
func (tx *Tx) AddContactIdentity(ctx context.Context, workspaceID, contactID string, ident parley.ContactIdentity) error {
	owner, err := tx.FindContactIDByIdentity(ctx, ident.InboxID, ident.SourceID)
	if err == nil {
		if owner == contactID {
			return nil
		}
		return &parley.Error{Code: parley.ECONFLICT, Field: "source_id", Message: "This identity already belongs to another contact."}
	}
	if !parley.IsNotFound(err) {
		return err
	}
	return tx.addIdentity(ctx, workspaceID, contactID, ident)
}

// UpdateContact rewrites a contact's fields (not its identities).
func (tx *Tx) UpdateContact(ctx context.Context, c *parley.Contact) error {
	normalizeContact(c)
	c.UpdatedAt = tx.now
	attrs, _ := json.Marshal(c.Attributes)
	tags, _ := json.Marshal(c.Tags)
	res, err := tx.db.ExecContext(ctx,
		`UPDATE contacts SET name=$1, email=$2, phone=$3, company=$4, title=$5, avatar_url=$6, attributes=$7, tags=$8,
		 blocked=$9, archived=$10, updated_at=$11 WHERE id=$12 AND workspace_id=$13 AND deleted_at IS NULL`,
		c.Name, c.Email, c.Phone, c.Company, c.Title, c.AvatarURL, string(attrs), string(tags), c.Blocked, c.Archived,
		micros(tx.now), c.ID, c.WorkspaceID)
	if err != nil {
		return fmt.Errorf("update contact: %w", err)
	}
	return mustAffect(res, "Contact")
}

// lockContactSQL reads the contact LockContact locks (with forUpdate).
const lockContactSQL = `SELECT name, avatar_url FROM contacts WHERE id = $1 AND deleted_at IS NULL`

// LockContact takes the contact's row lock until commit, so concurrent
// messages from one contact pick or create their conversation one at a
// time, and returns the contact as other objects name it. A deleted or
// unknown contact is ENOTFOUND.
func (tx *Tx) LockContact(ctx context.Context, contactID string) (parley.ContactRef, error) {
	ref := parley.ContactRef{ID: contactID}
	// A row lock without a new row version; SQLite's single writer
	// serialises these transactions already.
	err := tx.db.QueryRowContext(ctx, lockContactSQL+tx.forUpdate(false), contactID).Scan(&ref.Name, &ref.AvatarURL)
	if err != nil {
		return ref, notFound(err, "Contact")
	}
	return ref, nil
}

// DeleteContact marks a contact deleted and frees its identities.
func (tx *Tx) DeleteContact(ctx context.Context, workspaceID, contactID string) error {
	res, err := tx.db.ExecContext(ctx, `UPDATE contacts SET deleted_at = $1 WHERE id = $2 AND workspace_id = $3 AND deleted_at IS NULL`,
		micros(tx.now), contactID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete contact: %w", err)
	}
	if err := mustAffect(res, "Contact"); err != nil {
		return err
	}
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM contact_identities WHERE contact_id = $1`, contactID); err != nil {
		return fmt.Errorf("delete contact identities: %w", err)
	}
	return nil
}

// FindContactIDByIdentity returns the contact known as sourceID on an
// inbox, or ENOTFOUND.
func (q *queries) FindContactIDByIdentity(ctx context.Context, inboxID, sourceID string) (string, error) {
	var cid string
	err := q.db.QueryRowContext(ctx, `SELECT contact_id FROM contact_identities WHERE inbox_id = $1 AND source_id = $2`, inboxID, sourceID).Scan(&cid)
	if err != nil {
		return "", notFound(err, "Contact")
	}
	return cid, nil
}

// FindContactIDByPhone returns the live contact with that E.164 phone in
// the workspace, or ENOTFOUND: how one person is recognised across channels.
func (q *queries) FindContactIDByPhone(ctx context.Context, workspaceID, phone string) (string, error) {
	var cid string
	err := q.db.QueryRowContext(ctx,
		`SELECT id FROM contacts WHERE workspace_id = $1 AND phone = $2 AND deleted_at IS NULL ORDER BY created_at LIMIT 1`,
		workspaceID, phone).Scan(&cid)
	if err != nil {
		return "", notFound(err, "Contact")
	}
	return cid, nil
}

const contactColumns = `id, workspace_id, name, email, phone, company, title, avatar_url, attributes, tags, blocked, archived, created_at, updated_at`

// FindContactByID returns a live contact of the workspace with its
// identities, or ENOTFOUND.
func (q *queries) FindContactByID(ctx context.Context, workspaceID, contactID string) (*parley.Contact, error) {
	cs, err := q.listContacts(ctx, `WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`, workspaceID, contactID)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "Contact not found.")
	}
	return &cs[0], nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (q *queries) listContacts(ctx context.Context, tail string, args ...any) ([]parley.Contact, error) {
	return q.listContactsMarked(ctx, "", tail, args...)
}

// listContactsMarked lists contacts; markedBy, when not empty, is the SQL
// expression of the reading user's id, to fill Marked.
func (q *queries) listContactsMarked(ctx context.Context, markedBy, tail string, args ...any) ([]parley.Contact, error) {
	marked := "FALSE"
	if markedBy != "" {
		marked = `EXISTS (SELECT 1 FROM contact_marks m WHERE m.contact_id = contacts.id AND m.user_id = ` + markedBy + `)`
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+contactColumns+`, `+marked+` FROM contacts `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	defer rows.Close()
	out := []parley.Contact{}
	for rows.Next() {
		var c parley.Contact
		var attrs, tags string
		var created, updated int64
		if err := rows.Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.Email, &c.Phone, &c.Company, &c.Title, &c.AvatarURL,
			&attrs, &tags, &c.Blocked, &c.Archived, &created, &updated, &c.Marked); err != nil {
			return nil, fmt.Errorf("list contacts: %w", err)
		}
		c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
		_ = json.Unmarshal([]byte(attrs), &c.Attributes)
		_ = json.Unmarshal([]byte(tags), &c.Tags)
		normalizeContact(&c)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	// The page's identities in one statement, not one per contact.
	ids := make([]any, len(out))
	at := map[string]int{}
	for i := range out {
		ids[i], at[out[i].ID] = out[i].ID, i
	}
	irows, err := q.db.QueryContext(ctx, `SELECT contact_id, inbox_id, source_id FROM contact_identities WHERE contact_id IN (`+
		placeholders(1, len(ids))+`) ORDER BY contact_id, inbox_id, source_id`, ids...)
	if err != nil {
		return nil, fmt.Errorf("list identities: %w", err)
	}
	defer irows.Close()
	for irows.Next() {
		var cid string
		var i parley.ContactIdentity
		if err := irows.Scan(&cid, &i.InboxID, &i.SourceID); err != nil {
			return nil, fmt.Errorf("list identities: %w", err)
		}
		if n, ok := at[cid]; ok {
			out[n].Identities = append(out[n].Identities, i)
		}
	}
	return out, irows.Err()
}

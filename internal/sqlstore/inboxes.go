package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// Keys in Inbox.Secrets that the store surfaces as fields.
const (
	secretInboundToken   = "inbound_token"
	secretCallbackSecret = "callback_secret"
)

// HashToken returns the lookup hash of a bearer-style token. Tokens are
// 256-bit random, so a fast hash is as strong as a KDF here.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ErrRouteKeyTaken is returned when another live inbox of the channel has
// the route key: the caller words it for people (it must not say whose).
var ErrRouteKeyTaken = &parley.Error{Code: parley.ECONFLICT, Field: "route_key", Message: "Another inbox has this route key."}

// CreateInbox inserts an inbox. Secrets (including the inbound token and
// callback secret) are sealed; the inbound token is also stored as a hash
// for lookup.
func (tx *Tx) CreateInbox(ctx context.Context, in *parley.Inbox) error {
	in.ID = id.New()
	in.CreatedAt = tx.now
	cfg, sealed, hash, err := tx.encodeInbox(in)
	if err != nil {
		return err
	}
	_, err = tx.db.ExecContext(ctx,
		`INSERT INTO inboxes (id, workspace_id, name, channel, config, secrets, team_id, fallback_inbox_id, inbound_token_hash, created_at, route_key)
		 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		in.ID, in.WorkspaceID, in.Name, in.Channel, cfg, sealed, nullString(in.TeamID), nullString(in.FallbackInboxID),
		nullString(hash), micros(tx.now), nullString(in.RouteKey))
	if err != nil {
		if isUniqueViolation(err) && in.RouteKey != "" {
			return ErrRouteKeyTaken
		}
		return fmt.Errorf("create inbox: %w", err)
	}
	return nil
}

// UpdateInbox rewrites an inbox's name, config, secrets, team and fallback.
func (tx *Tx) UpdateInbox(ctx context.Context, in *parley.Inbox) error {
	cfg, sealed, hash, err := tx.encodeInbox(in)
	if err != nil {
		return err
	}
	res, err := tx.db.ExecContext(ctx,
		`UPDATE inboxes SET name = $1, config = $2, secrets = $3, team_id = $4, fallback_inbox_id = $5, inbound_token_hash = $6, route_key = $9
		 WHERE id = $7 AND workspace_id = $8 AND deleted_at IS NULL`,
		in.Name, cfg, sealed, nullString(in.TeamID), nullString(in.FallbackInboxID), nullString(hash), in.ID, in.WorkspaceID,
		nullString(in.RouteKey))
	if err != nil {
		if isUniqueViolation(err) && in.RouteKey != "" {
			return ErrRouteKeyTaken
		}
		return fmt.Errorf("update inbox: %w", err)
	}
	return mustAffect(res, "Inbox")
}

// DeleteInbox marks an inbox deleted; its conversations stay.
func (tx *Tx) DeleteInbox(ctx context.Context, workspaceID, inboxID string) error {
	res, err := tx.db.ExecContext(ctx,
		`UPDATE inboxes SET deleted_at = $1, inbound_token_hash = NULL WHERE id = $2 AND workspace_id = $3 AND deleted_at IS NULL`,
		micros(tx.now), inboxID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete inbox: %w", err)
	}
	return mustAffect(res, "Inbox")
}

func (tx *Tx) encodeInbox(in *parley.Inbox) (cfg string, sealed []byte, hash string, err error) {
	if in.Config == nil {
		in.Config = map[string]string{}
	}
	raw, _ := json.Marshal(in.Config)
	secrets := map[string]string{}
	for k, v := range in.Secrets {
		secrets[k] = v
	}
	if in.InboundToken != "" {
		secrets[secretInboundToken] = in.InboundToken
		hash = HashToken(in.InboundToken)
	}
	if in.CallbackSecret != "" {
		secrets[secretCallbackSecret] = in.CallbackSecret
	}
	plain, _ := json.Marshal(secrets)
	sealed, err = tx.box.Seal(plain)
	if err != nil {
		return "", nil, "", fmt.Errorf("seal inbox secrets: %w", err)
	}
	return string(raw), sealed, hash, nil
}

const inboxColumns = `id, workspace_id, name, channel, config, secrets, team_id, fallback_inbox_id, created_at, route_key`

// FindInboxByID returns a live inbox of the workspace, or ENOTFOUND.
func (q *queries) FindInboxByID(ctx context.Context, workspaceID, inboxID string) (*parley.Inbox, error) {
	return q.scanInbox(q.db.QueryRowContext(ctx,
		`SELECT `+inboxColumns+` FROM inboxes WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL`, inboxID, workspaceID))
}

// FindInboxByIDAnyWorkspace returns a live inbox by id alone, for provider
// webhooks whose URL names the inbox.
func (q *queries) FindInboxByIDAnyWorkspace(ctx context.Context, inboxID string) (*parley.Inbox, error) {
	return q.scanInbox(q.db.QueryRowContext(ctx,
		`SELECT `+inboxColumns+` FROM inboxes WHERE id = $1 AND deleted_at IS NULL`, inboxID))
}

// FindInboxByInboundToken returns the live inbox whose inbound token is
// token, or ENOTFOUND.
func (q *queries) FindInboxByInboundToken(ctx context.Context, token string) (*parley.Inbox, error) {
	return q.scanInbox(q.db.QueryRowContext(ctx,
		`SELECT `+inboxColumns+` FROM inboxes WHERE inbound_token_hash = $1 AND deleted_at IS NULL`, HashToken(token)))
}

// ListInboxes returns a workspace's live inboxes by name.
func (q *queries) ListInboxes(ctx context.Context, workspaceID string) ([]parley.Inbox, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT `+inboxColumns+` FROM inboxes WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY name, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list inboxes: %w", err)
	}
	defer rows.Close()
	out := []parley.Inbox{}
	for rows.Next() {
		in, err := q.scanInbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *in)
	}
	return out, rows.Err()
}

// ListInboxesByChannel returns every live inbox of a channel kind, across
// workspaces, for app-wide webhooks that route by a config value.
func (q *queries) ListInboxesByChannel(ctx context.Context, channel string) ([]parley.Inbox, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT `+inboxColumns+` FROM inboxes WHERE channel = $1 AND deleted_at IS NULL ORDER BY id`, channel)
	if err != nil {
		return nil, fmt.Errorf("list inboxes: %w", err)
	}
	defer rows.Close()
	out := []parley.Inbox{}
	for rows.Next() {
		in, err := q.scanInbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *in)
	}
	return out, rows.Err()
}

type rowScanner interface{ Scan(dest ...any) error }

func (q *queries) scanInbox(row rowScanner) (*parley.Inbox, error) {
	var in parley.Inbox
	var cfg string
	var sealed []byte
	var team, fallback, route sql.NullString
	var created int64
	if err := row.Scan(&in.ID, &in.WorkspaceID, &in.Name, &in.Channel, &cfg, &sealed, &team, &fallback, &created, &route); err != nil {
		return nil, notFound(err, "Inbox")
	}
	in.TeamID, in.FallbackInboxID, in.CreatedAt, in.RouteKey = team.String, fallback.String, fromMicros(created), route.String
	in.Config = map[string]string{}
	if err := json.Unmarshal([]byte(cfg), &in.Config); err != nil {
		return nil, fmt.Errorf("decode inbox config: %w", err)
	}
	in.Secrets = map[string]string{}
	if len(sealed) > 0 {
		plain, err := q.box.Open(sealed)
		if err != nil {
			return nil, fmt.Errorf("open inbox secrets: %w", err)
		}
		if err := json.Unmarshal(plain, &in.Secrets); err != nil {
			return nil, fmt.Errorf("decode inbox secrets: %w", err)
		}
	}
	in.InboundToken = in.Secrets[secretInboundToken]
	in.CallbackSecret = in.Secrets[secretCallbackSecret]
	delete(in.Secrets, secretInboundToken)
	delete(in.Secrets, secretCallbackSecret)
	return &in, nil
}

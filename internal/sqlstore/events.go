package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
)

// LatestSeq returns the highest committed event number of a workspace.
func (q *queries) LatestSeq(ctx context.Context, workspaceID string) (int64, error) {
	var n int64
	err := q.db.QueryRowContext(ctx, `SELECT value FROM counters WHERE workspace_id = $1 AND name = 'event_seq'`, workspaceID).Scan(&n)
	if err != nil {
		return 0, notFound(err, "Workspace")
	}
	return n, nil
}

// OldestSeq returns the lowest event number still stored (0 when none).
func (q *queries) OldestSeq(ctx context.Context, workspaceID string) (int64, error) {
	var n sql.NullInt64
	if err := q.db.QueryRowContext(ctx, `SELECT MIN(seq) FROM events WHERE workspace_id = $1`, workspaceID).Scan(&n); err != nil {
		return 0, fmt.Errorf("oldest seq: %w", err)
	}
	return n.Int64, nil
}

// EventsAfter returns up to limit events numbered above after, in order.
func (q *queries) EventsAfter(ctx context.Context, workspaceID string, after int64, limit int) ([]parley.Event, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT seq, type, conversation_id, audience, prev_audience, data, created_at FROM events
		 WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, workspaceID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	defer rows.Close()
	out := []parley.Event{}
	for rows.Next() {
		ev := parley.Event{WorkspaceID: workspaceID}
		var conv, aud, prev sql.NullString
		var data string
		var created int64
		if err := rows.Scan(&ev.Seq, &ev.Type, &conv, &aud, &prev, &data, &created); err != nil {
			return nil, fmt.Errorf("events after %d: %w", after, err)
		}
		ev.ConversationID, ev.Data, ev.CreatedAt = conv.String, json.RawMessage(data), fromMicros(created)
		ev.Audience, ev.PrevAudience = decodeAudience(aud), decodeAudience(prev)
		out = append(out, ev)
	}
	return out, rows.Err()
}

func decodeAudience(s sql.NullString) *parley.Audience {
	if !s.Valid {
		return nil
	}
	var a parley.Audience
	if json.Unmarshal([]byte(s.String), &a) != nil {
		return nil
	}
	return &a
}

// PruneEvents deletes events older than before and returns how many.
func (s *Store) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.db.ExecContext(ctx, `DELETE FROM events WHERE created_at < $1`, micros(before))
		if err != nil {
			return fmt.Errorf("prune events: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}

// ConversationAudience returns who may see a conversation, for real-time
// signals; ENOTFOUND when it does not exist or is deleted.
func (q *queries) ConversationAudience(ctx context.Context, workspaceID, conversationID string) (parley.Audience, error) {
	c, err := q.FindConversationByID(ctx, workspaceID, conversationID)
	if err != nil {
		return parley.Audience{}, err
	}
	return c.Audience(), nil
}

// audienceBuckets are the sizes of ConversationAudiences' id lists: a list
// is padded to the next one (and a longer one split), so that at most
// this many statement texts reach the prepared-statement cache.
var audienceBuckets = [...]int{8, 32, 128}

// ConversationAudiences returns who may see each of the conversations
// now, by id, in one query per 128 ids, for the real-time hub's replay of
// missed events. A conversation that does not exist, is deleted or is in
// another workspace is left out.
func (q *queries) ConversationAudiences(ctx context.Context, workspaceID string, conversationIDs []string) (map[string]parley.Audience, error) {
	out := make(map[string]parley.Audience, len(conversationIDs))
	for len(conversationIDs) > 0 {
		size := audienceBuckets[len(audienceBuckets)-1]
		for _, b := range audienceBuckets {
			if len(conversationIDs) <= b {
				size = b
				break
			}
		}
		chunk := conversationIDs[:min(size, len(conversationIDs))]
		conversationIDs = conversationIDs[len(chunk):]
		args := make([]any, 0, size+1)
		args = append(args, workspaceID)
		for i := range size {
			args = append(args, chunk[min(i, len(chunk)-1)]) // padded with the last id
		}
		rows, err := q.db.QueryContext(ctx, `SELECT id, team_id, assignee_ids, visible_to FROM conversations
			WHERE workspace_id = $1 AND deleted_at IS NULL AND id IN (`+placeholders(2, size)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("conversation audiences: %w", err)
		}
		for rows.Next() {
			var convID, assignees string
			var team, visible sql.NullString
			if err := rows.Scan(&convID, &team, &assignees, &visible); err != nil {
				rows.Close()
				return nil, fmt.Errorf("conversation audiences: %w", err)
			}
			c := parley.Conversation{TeamID: team.String}
			_ = json.Unmarshal([]byte(assignees), &c.AssigneeIDs)
			if visible.Valid {
				c.VisibleTo = []string{}
				_ = json.Unmarshal([]byte(visible.String), &c.VisibleTo)
			}
			out[convID] = c.Audience()
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("conversation audiences: %w", err)
		}
	}
	return out, nil
}

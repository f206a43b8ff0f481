package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries holds the read statements, shared by Store (read pool) and Tx.
type queries struct {
	db      querier
	dialect Dialect
	box     SecretBox
}

// Tx is one write transaction. Its methods may only be used inside the
// function given to Store.Write; that function may run more than once (after
// a conflict), so it must not have effects outside the database.
type Tx struct {
	queries
	store  *Store
	now    time.Time
	events []parley.Event
	seqs   map[string]int64
}

// Now is the transaction's time: every row written in it carries the same.
func (tx *Tx) Now() time.Time { return tx.now }

// maxAttempts bounds retries of a transaction that hit a conflict.
const maxAttempts = 8

// Write runs fn in a transaction and commits it. Conflicts (unique
// violations raised by races, serialization failures, deadlocks) retry fn
// from the start. On SQLite, concurrent writes are batched into one commit
// (group commit), each in its own savepoint so one failing fn does not
// affect the others.
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	if s.writer != nil {
		return s.writer.write(ctx, fn)
	}
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var seqs map[string]int64
		seqs, err = s.writeOnce(ctx, fn)
		if err == nil {
			s.notify(seqs)
			return nil
		}
		if !isConflict(err) || ctx.Err() != nil {
			return err
		}
	}
	return fmt.Errorf("write: gave up after %d conflicts: %w", maxAttempts, err)
}

func (s *Store) writeOnce(ctx context.Context, fn func(tx *Tx) error) (map[string]int64, error) {
	sqlTx, err := s.writeDB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	tx := s.newTx(sqlTx)
	if err := tx.run(ctx, fn); err != nil {
		sqlTx.Rollback()
		return nil, err
	}
	if err := sqlTx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return tx.seqs, nil
}

func (s *Store) newTx(db querier) *Tx {
	return &Tx{queries: queries{db: db, dialect: s.dialect, box: s.box}, store: s, now: s.Now()}
}

// run calls fn and then numbers and writes its events: the sequence update
// is the last statement before commit, so its row lock is held only through
// the commit and numbers commit in order (gap-safe for resuming readers).
func (tx *Tx) run(ctx context.Context, fn func(tx *Tx) error) error {
	if err := fn(tx); err != nil {
		return err
	}
	return tx.flushEvents(ctx)
}

func (s *Store) notify(seqs map[string]int64) {
	if s.onCommit == nil {
		return
	}
	for ws, seq := range seqs {
		s.onCommit(ws, seq)
	}
}

// AppendEvent records a state change, numbered at commit.
func (tx *Tx) AppendEvent(typ, workspaceID, conversationID string, data any, aud, prev *parley.Audience) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("append event %s: %w", typ, err)
	}
	tx.events = append(tx.events, parley.Event{
		Type: typ, WorkspaceID: workspaceID, ConversationID: conversationID,
		Data: raw, Audience: aud, PrevAudience: prev, CreatedAt: tx.now,
	})
	return nil
}

func (tx *Tx) flushEvents(ctx context.Context) error {
	if len(tx.events) == 0 {
		return nil
	}
	byWS := map[string][]int{}
	var order []string
	for i, ev := range tx.events {
		if _, ok := byWS[ev.WorkspaceID]; !ok {
			order = append(order, ev.WorkspaceID)
		}
		byWS[ev.WorkspaceID] = append(byWS[ev.WorkspaceID], i)
	}
	tx.seqs = map[string]int64{}
	for _, ws := range order {
		idx := byWS[ws]
		var last int64
		err := tx.db.QueryRowContext(ctx,
			`UPDATE counters SET value = value + $1 WHERE workspace_id = $2 AND name = 'event_seq' RETURNING value`,
			len(idx), ws).Scan(&last)
		if err != nil {
			return fmt.Errorf("number events: %w", err)
		}
		var sb strings.Builder
		sb.WriteString(`INSERT INTO events (workspace_id, seq, type, conversation_id, audience, prev_audience, data, created_at) VALUES `)
		args := make([]any, 0, len(idx)*8)
		for j, i := range idx {
			ev := &tx.events[i]
			ev.Seq = last - int64(len(idx)) + int64(j) + 1
			if j > 0 {
				sb.WriteString(",")
			}
			n := len(args)
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
			args = append(args, ws, ev.Seq, ev.Type, nullString(ev.ConversationID),
				audienceText(ev.Audience), audienceText(ev.PrevAudience), string(ev.Data), micros(ev.CreatedAt))
		}
		if _, err := tx.db.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		tx.seqs[ws] = last
	}
	return nil
}

func audienceText(a *parley.Audience) sql.NullString {
	if a == nil {
		return sql.NullString{}
	}
	b, _ := json.Marshal(a)
	return sql.NullString{String: string(b), Valid: true}
}

// Audit writes one audit-log row in the transaction. The audit log is
// never pruned.
func (tx *Tx) Audit(ctx context.Context, workspaceID, actorID, action, objectType, objectID string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	_, err = tx.db.ExecContext(ctx,
		`INSERT INTO audit_log (id, workspace_id, actor_id, action, object_type, object_id, data, created_at)
		 VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		id.New(), workspaceID, actorID, action, objectType, objectID, string(raw), micros(tx.now))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// groupWriter serialises SQLite writes through one connection and commits
// whatever has queued up meanwhile in one transaction, so one fsync serves
// many requests.
type groupWriter struct {
	s       *Store
	conn    *sql.Conn
	cache   *connCache
	reqs    chan *writeReq
	done    chan struct{}
	stopped chan struct{}
}

type writeReq struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	err  chan error
	seqs map[string]int64
}

// maxBatch bounds how many transactions share one commit.
const maxBatch = 256

func newGroupWriter(ctx context.Context, s *Store) (*groupWriter, error) {
	conn, err := s.writeDB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("writer connection: %w", err)
	}
	g := &groupWriter{s: s, conn: conn, cache: newConnCache(s.writeDB), reqs: make(chan *writeReq, maxBatch),
		done: make(chan struct{}), stopped: make(chan struct{})}
	go g.loop()
	return g, nil
}

func (g *groupWriter) write(ctx context.Context, fn func(tx *Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, err: make(chan error, 1)}
	select {
	case g.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.done:
		return errors.New("write: store closed")
	}
	// Once queued, wait for the outcome even if ctx ends: the write may
	// already be committed and the caller must not believe otherwise.
	err := <-req.err
	if err == nil {
		g.s.notify(req.seqs)
	}
	return err
}

func (g *groupWriter) close() {
	close(g.done)
	<-g.stopped
	g.cache.close()
	g.conn.Close()
}

func (g *groupWriter) loop() {
	defer close(g.stopped)
	batch := make([]*writeReq, 0, maxBatch)
	for {
		select {
		case <-g.done:
			return
		case req := <-g.reqs:
			batch = append(batch[:0], req)
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case req := <-g.reqs:
				batch = append(batch, req)
			default:
				break drain
			}
		}
		g.commit(batch)
		g.cache.prepareWanted(context.Background())
	}
}

func (g *groupWriter) commit(batch []*writeReq) {
	ctx := context.Background()
	sqlTx, err := g.conn.BeginTx(ctx, nil)
	if err != nil {
		failAll(batch, fmt.Errorf("begin: %w", err))
		return
	}
	results := make([]error, len(batch))
	for i, req := range batch {
		results[i] = g.runOne(ctx, sqlTx, req)
	}
	if err := sqlTx.Commit(); err != nil {
		failAll(batch, fmt.Errorf("commit: %w", err))
		return
	}
	for i, req := range batch {
		req.err <- results[i]
	}
}

func (g *groupWriter) runOne(ctx context.Context, sqlTx *sql.Tx, req *writeReq) error {
	if err := req.ctx.Err(); err != nil {
		return err
	}
	if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	tx := g.s.newTx(txCache{c: g.cache, tx: sqlTx})
	err := tx.run(req.ctx, req.fn)
	if err != nil {
		if _, rerr := sqlTx.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback to savepoint: %w", rerr))
		}
	}
	if _, rerr := sqlTx.ExecContext(ctx, "RELEASE w"); rerr != nil {
		return errors.Join(err, fmt.Errorf("release savepoint: %w", rerr))
	}
	req.seqs = tx.seqs
	return err
}

func failAll(batch []*writeReq, err error) {
	for _, req := range batch {
		req.err <- err
	}
}

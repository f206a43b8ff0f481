package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
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
	// deltas are the changes to the kept conversation counts, applied at
	// commit like the events.
	deltas map[viewKey]int64
	// after runs once the transaction has committed (AfterCommit).
	after []func()
}

// AfterCommit calls fn once the transaction has committed, and never if it
// does not (a write that runs again after a conflict registers again). fn
// runs on the writer's goroutine: it must return at once, handing any work
// to a goroutine of its own.
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// committed is what a commit leaves to do: tell the OnCommit hook the new
// event numbers, and call the AfterCommit functions.
type committed struct {
	seqs  map[string]int64
	after []func()
}

func (s *Store) finish(c committed) {
	if s.ckpt != nil {
		s.ckpt.committed()
	}
	s.notify(c.seqs)
	for _, fn := range c.after {
		fn()
	}
}

// Now is the transaction's time: every row written in it carries the same.
func (tx *Tx) Now() time.Time { return tx.now }

// maxAttempts bounds retries of a transaction that hit a conflict.
const maxAttempts = 8

// Write runs fn in a transaction and commits it. Conflicts (unique
// violations raised by races, serialization failures, deadlocks) retry fn
// from the start.
//
// Concurrent writes share commits (group commit): writer goroutines, each
// with a connection of its own, run whatever has queued up in one
// transaction, each fn in a savepoint so one failing fn does not affect the
// others, and number all their events in one statement just before the
// commit. One commit then serves many requests: on SQLite that shares the
// fsync; on PostgreSQL it shares the per-workspace sequence row, whose lock
// is held only from that last statement through the commit (which keeps
// numbers in commit order, gap-safe for resuming readers).
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	return s.writer.write(ctx, fn, false, "")
}

// WriteOptimistic is Write for a write that almost never fails, such as a
// customer message: on PostgreSQL it runs without a savepoint of its own,
// a round trip less. Should it fail after all, the whole shared
// transaction rolls back and every write in it runs again alone (as Write
// does when a shared commit fails), so a failure still writes nothing and
// costs the others only time.
//
// Writes with the same key (what they lock: a customer) share a writer,
// so two shared transactions never wait for each other's locks on it,
// nor take such locks in opposite orders: they would deadlock, and
// PostgreSQL takes a second to notice. (Ordering each batch by key would
// avoid the deadlocks too, but batches on different writers would still
// queue behind each other's locks: at 1,000 messages a second from 200
// customers, p99 went from ~90 to ~106 ms.)
func (s *Store) WriteOptimistic(ctx context.Context, key string, fn func(tx *Tx) error) error {
	return s.writer.write(ctx, fn, true, key)
}

// errBatchAborted marks an optimistic write's failure: the shared
// transaction holds what it wrote before failing and must not commit.
var errBatchAborted = errors.New("write without a savepoint failed")

// writeAlone runs fn in a transaction of its own, retrying conflicts: the
// fallback when a shared commit fails as a whole.
func (s *Store) writeAlone(ctx context.Context, fn func(tx *Tx) error) (committed, error) {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var c committed
		if c, err = s.writeOnce(ctx, fn); err == nil {
			return c, nil
		}
		if !isConflict(err) || ctx.Err() != nil {
			return committed{}, err
		}
	}
	return committed{}, fmt.Errorf("write: gave up after %d conflicts: %w", maxAttempts, err)
}

func (s *Store) writeOnce(ctx context.Context, fn func(tx *Tx) error) (committed, error) {
	sqlTx, err := s.writeDB.BeginTx(ctx, nil)
	if err != nil {
		return committed{}, fmt.Errorf("begin: %w", err)
	}
	tx := s.newTx(sqlTx)
	err = fn(tx)
	if err == nil {
		err = tx.flushCounts(ctx)
	}
	if err == nil {
		err = tx.flushEvents(ctx)
	}
	if err != nil {
		sqlTx.Rollback()
		return committed{}, err
	}
	if err := sqlTx.Commit(); err != nil {
		return committed{}, fmt.Errorf("commit: %w", err)
	}
	return committed{seqs: tx.seqs, after: tx.after}, nil
}

func (s *Store) newTx(db querier) *Tx {
	return &Tx{queries: queries{db: db, dialect: s.dialect, box: s.box}, store: s, now: s.Now()}
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
	order, byWS := tx.eventGroups()
	tx.seqs = map[string]int64{}
	for _, ws := range order {
		idx := byWS[ws]
		number := tx.numberEvents
		if tx.dialect == Postgres {
			number = tx.numberEventsPostgres
		}
		last, err := number(ctx, ws, idx)
		if err != nil {
			return err
		}
		tx.seqs[ws] = last
	}
	return nil
}

// eventGroups returns the workspaces of the transaction's events in the
// order they first appear, and each one's events (indexes in tx.events).
func (tx *Tx) eventGroups() ([]string, map[string][]int) {
	byWS := map[string][]int{}
	var order []string
	for i, ev := range tx.events {
		if _, ok := byWS[ev.WorkspaceID]; !ok {
			order = append(order, ev.WorkspaceID)
		}
		byWS[ev.WorkspaceID] = append(byWS[ev.WorkspaceID], i)
	}
	return order, byWS
}

// numberEvents takes the workspace's next numbers and inserts its events
// of the transaction (idx) with them. The counter row stays locked until
// commit, so numbers commit in order: see Store.EventsAfter.
func (tx *Tx) numberEvents(ctx context.Context, ws string, idx []int) (int64, error) {
	var last int64
	err := tx.db.QueryRowContext(ctx,
		`UPDATE counters SET value = value + $1 WHERE workspace_id = $2 AND name = 'event_seq' RETURNING value`,
		len(idx), ws).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("number events: %w", err)
	}
	// Built: one VALUES row per event of the transaction.
	var sb strings.Builder
	sb.WriteString(`INSERT INTO events (workspace_id, seq, type, conversation_id, audience, prev_audience, data, created_at) VALUES `)
	args := make([]any, 0, len(idx)*8)
	for j, i := range idx {
		ev := &tx.events[i]
		ev.Seq = last - int64(len(idx)) + int64(j) + 1
		if j > 0 {
			sb.WriteString(",")
		}
		sb.WriteString("(" + placeholders(len(args)+1, 8) + ")")
		args = append(args, ws, ev.Seq, ev.Type, nullString(ev.ConversationID),
			audienceText(ev.Audience), audienceText(ev.PrevAudience), string(ev.Data), micros(ev.CreatedAt))
	}
	if _, err := tx.db.ExecContext(ctx, sb.String(), args...); err != nil {
		return 0, fmt.Errorf("insert events: %w", err)
	}
	return last, nil
}

// numberEventsPostgres is numberEvents in one statement: the counter row's
// lock, which every committing writer of the workspace waits for, is held
// for this round trip and the commit's, not for one more.
func (tx *Tx) numberEventsPostgres(ctx context.Context, ws string, idx []int) (int64, error) {
	query, args := tx.eventStatement(ws, idx)
	rows, err := tx.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("number events: %w", err)
	}
	defer rows.Close()
	var last int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return 0, fmt.Errorf("number events: %w", err)
		}
		last = max(last, seq)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("number events: %w", err)
	}
	return last, tx.setSeqs(ws, idx, last)
}

// eventValueTypes types eventStatement's first VALUES row: PostgreSQL
// takes a VALUES list's column types from it.
var eventValueTypes = [...]string{"bigint", "text", "uuid", "text", "text", "text", "bigint"}

// eventStatement takes the workspace's next numbers and inserts its events
// of the transaction (idx) with them, returning each seq (PostgreSQL).
// Built: one VALUES row per event.
func (tx *Tx) eventStatement(ws string, idx []int) (string, []any) {
	var sb strings.Builder
	sb.WriteString(`WITH s AS (UPDATE counters SET value = value + $1 WHERE workspace_id = $2 AND name = 'event_seq' RETURNING value)
		INSERT INTO events (workspace_id, seq, type, conversation_id, audience, prev_audience, data, created_at)
		SELECT $2::uuid, s.value - $1::bigint + v.ord, v.type, v.conv, v.aud, v.prev, v.data, v.at FROM s, (VALUES `)
	args := make([]any, 0, 2+len(idx)*7)
	args = append(args, len(idx), ws)
	for j, i := range idx {
		ev := &tx.events[i]
		n := len(args)
		if j == 0 {
			sb.WriteString("(")
			for k, typ := range eventValueTypes {
				if k > 0 {
					sb.WriteString(",")
				}
				sb.WriteString(placeholder(n+1+k) + "::" + typ)
			}
			sb.WriteString(")")
		} else {
			sb.WriteString(",(" + placeholders(n+1, len(eventValueTypes)) + ")")
		}
		args = append(args, j+1, ev.Type, nullString(ev.ConversationID),
			audienceText(ev.Audience), audienceText(ev.PrevAudience), string(ev.Data), micros(ev.CreatedAt))
	}
	sb.WriteString(`) v(ord, type, conv, aud, prev, data, at) RETURNING seq`)
	return sb.String(), args
}

// setSeqs numbers the workspace's events idx, the last of which got last.
func (tx *Tx) setSeqs(ws string, idx []int, last int64) error {
	if last == 0 {
		return fmt.Errorf("number events: workspace %s has no event counter", ws)
	}
	for j, i := range idx {
		tx.events[i].Seq = last - int64(len(idx)) + int64(j) + 1
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

// groupWriter runs writes in shared transactions: see Store.Write.
type groupWriter struct {
	s       *Store
	workers []*batchWorker
	reqs    chan *writeReq // for any writer
	done    chan struct{}
	stopped sync.WaitGroup
}

// batchWorker is one writer goroutine and its connection.
type batchWorker struct {
	g    *groupWriter
	own  chan *writeReq // keyed writes, for this writer only
	conn *sql.Conn
	// cache holds prepared statements (SQLite only; pgx caches its own).
	cache *connCache
}

type writeReq struct {
	ctx context.Context
	fn  func(tx *Tx) error
	err chan error
	// optimistic: no savepoint (see Store.WriteOptimistic).
	optimistic bool
}

// maxBatch bounds how many writes share one commit; fnTimeout bounds one
// write's statements (a request's own cancellation does not interrupt a
// shared transaction).
const (
	maxBatch  = 256
	fnTimeout = 30 * time.Second
)

// writers is how many shared transactions run at once: SQLite has one
// writer; on PostgreSQL several overlap their statements with each
// other's commits.
func writers(d Dialect) int {
	if d == SQLite {
		return 1
	}
	return 4
}

func newGroupWriter(ctx context.Context, s *Store) (*groupWriter, error) {
	g := &groupWriter{s: s, reqs: make(chan *writeReq, maxBatch), done: make(chan struct{})}
	for range writers(s.dialect) {
		conn, err := s.writeDB.Conn(ctx)
		if err != nil {
			g.close()
			return nil, fmt.Errorf("writer connection: %w", err)
		}
		w := &batchWorker{g: g, conn: conn, own: make(chan *writeReq, maxBatch)}
		if s.dialect == SQLite {
			w.cache = newConnCache(s.writeDB)
		}
		g.workers = append(g.workers, w)
	}
	for _, w := range g.workers {
		g.stopped.Add(1)
		go w.loop()
	}
	return g, nil
}

func (g *groupWriter) write(ctx context.Context, fn func(tx *Tx) error, optimistic bool, key string) error {
	req := &writeReq{ctx: ctx, fn: fn, err: make(chan error, 1), optimistic: optimistic && g.s.dialect == Postgres}
	queue := g.reqs
	if key != "" {
		h := fnv.New32a()
		h.Write([]byte(key))
		queue = g.workers[h.Sum32()%uint32(len(g.workers))].own
	}
	select {
	case queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.done:
		return errors.New("write: store closed")
	}
	// Once queued, wait for the outcome even if ctx ends: the write may
	// already be committed and the caller must not believe otherwise.
	return <-req.err
}

func (g *groupWriter) close() {
	select {
	case <-g.done:
		return
	default:
	}
	close(g.done)
	g.stopped.Wait()
	for _, w := range g.workers {
		if w.cache != nil {
			w.cache.close()
		}
		w.conn.Close()
	}
}

func (w *batchWorker) loop() {
	defer w.g.stopped.Done()
	batch := make([]*writeReq, 0, maxBatch)
	for {
		select {
		case <-w.g.done:
			return
		case req := <-w.own:
			batch = append(batch[:0], req)
		case req := <-w.g.reqs:
			batch = append(batch[:0], req)
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case req := <-w.own:
				batch = append(batch, req)
			case req := <-w.g.reqs:
				batch = append(batch, req)
			default:
				break drain
			}
		}
		w.commit(batch)
		if w.cache != nil {
			w.cache.prepareWanted(context.Background())
		}
	}
}

func (w *batchWorker) querier(sqlTx *sql.Tx) querier {
	if w.cache != nil {
		return txCache{c: w.cache, tx: sqlTx}
	}
	return sqlTx
}

// commit runs a batch in one transaction. Should the shared transaction
// fail as a whole (its events, or the commit), each write runs again in a
// transaction of its own, so no request pays for another's failure.
func (w *batchWorker) commit(batch []*writeReq) {
	s := w.g.s
	ctx := context.Background()
	results := make([]error, len(batch))
	done, err := func() (committed, error) {
		sqlTx, err := w.conn.BeginTx(ctx, nil)
		if err != nil {
			return committed{}, fmt.Errorf("begin: %w", err)
		}
		var events []parley.Event
		var deltas map[viewKey]int64
		var after []func()
		open := false // a savepoint of an earlier write is still open
		for i, req := range batch {
			results[i] = w.runOne(sqlTx, req, &events, &deltas, &after, &open)
			if errors.Is(results[i], errBatchAborted) {
				sqlTx.Rollback()
				return committed{}, results[i]
			}
		}
		tx := s.newTx(w.querier(sqlTx))
		tx.events, tx.deltas = events, deltas
		err = tx.flushCounts(ctx)
		if err == nil {
			err = tx.flushEvents(ctx)
		}
		if err != nil {
			sqlTx.Rollback()
			return committed{}, err
		}
		if err := sqlTx.Commit(); err != nil {
			return committed{}, fmt.Errorf("commit: %w", err)
		}
		return committed{seqs: tx.seqs, after: after}, nil
	}()
	if err != nil {
		level := slog.LevelWarn
		if errors.Is(err, errBatchAborted) { // expected now and then: a race, a duplicate
			level = slog.LevelInfo
		}
		s.log.Log(ctx, level, "shared commit failed; writing one by one", "writes", len(batch), "err", err)
		for _, req := range batch {
			done, err := s.writeAlone(context.WithoutCancel(req.ctx), req.fn)
			if err == nil {
				s.finish(done)
			}
			req.err <- err
		}
		return
	}
	s.finish(done)
	for i, req := range batch {
		req.err <- results[i]
	}
}

// runOne runs one write in a savepoint, retrying it on a conflict, and
// adds its events to the batch's when it succeeds. The previous write's
// savepoint is released in the same round trip that opens this one's; the
// last is released by the commit.
func (w *batchWorker) runOne(sqlTx *sql.Tx, req *writeReq, events *[]parley.Event, deltas *map[viewKey]int64, after *[]func(), open *bool) error {
	if err := req.ctx.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(req.ctx), fnTimeout)
	defer cancel()
	if req.optimistic {
		tx := w.g.s.newTx(w.querier(sqlTx))
		if err := req.fn(tx); err != nil {
			return fmt.Errorf("%w: %w", errBatchAborted, err)
		}
		*events = append(*events, tx.events...)
		*after = append(*after, tx.after...)
		mergeDeltas(deltas, tx.deltas)
		return nil
	}
	begin := "SAVEPOINT w"
	if *open {
		begin = "RELEASE w; SAVEPOINT w"
	}
	if _, err := sqlTx.ExecContext(ctx, begin); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	*open = true
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		tx := w.g.s.newTx(w.querier(sqlTx))
		if err = req.fn(tx); err == nil {
			*events = append(*events, tx.events...)
			*after = append(*after, tx.after...)
			mergeDeltas(deltas, tx.deltas)
			return nil
		}
		if isDeadlock(err) {
			// The locks that closed the cycle may belong to earlier writes
			// of this batch, which a retry here would not release: the
			// batch gives way, and each write runs again alone.
			return fmt.Errorf("%w: %w", errBatchAborted, err)
		}
		// Rolling back to the savepoint keeps it, for the retry.
		if _, rerr := sqlTx.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback to savepoint: %w", rerr))
		}
		if !isConflict(err) {
			return err
		}
	}
	return fmt.Errorf("write: gave up after %d conflicts: %w", maxAttempts, err)
}

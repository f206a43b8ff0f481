package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite parses every statement afresh unless it is prepared, and parsing
// was a third of the inbound path's CPU. These queriers keep prepared
// statements per SQL text. PostgreSQL needs none: pgx caches statements
// on the server side itself.

// maxCached bounds the cache; SQL texts built at run time (lists with a
// variable number of filters) beyond it run unprepared.
const maxCached = 512

// poolCache prepares statements on a connection pool.
type poolCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newPoolCache(db *sql.DB) *poolCache { return &poolCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *poolCache) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	st, ok := c.m[query]
	c.mu.Unlock()
	if ok {
		return st
	}
	if len(c.m) >= maxCached {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // run unprepared; the error, if real, surfaces there
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok {
		st.Close()
		return old
	}
	c.m[query] = st
	return st
}

func (c *poolCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
}

// ExecContext implements querier.
func (c *poolCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

// QueryContext implements querier.
func (c *poolCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

// QueryRowContext implements querier.
func (c *poolCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// connCache holds the statements of the SQLite writer. They are prepared
// on the pool (database/sql re-prepares a connection-bound statement in
// every transaction, but keeps a pool statement's preparation per
// connection), so the writer connection prepares each text once, at its
// first use in a transaction after it was registered here. A statement
// first seen inside a transaction runs unprepared and is registered
// between transactions.
type connCache struct {
	db     *sql.DB
	m      map[string]*sql.Stmt
	wanted map[string]bool
}

func newConnCache(db *sql.DB) *connCache {
	return &connCache{db: db, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// prepareWanted prepares what transactions asked for; call it between
// transactions, from the writer goroutine.
func (c *connCache) prepareWanted(ctx context.Context) {
	for q := range c.wanted {
		if len(c.m) < maxCached {
			if st, err := c.db.PrepareContext(ctx, q); err == nil {
				c.m[q] = st
			}
		}
		delete(c.wanted, q)
	}
}

func (c *connCache) close() {
	for _, st := range c.m {
		st.Close()
	}
}

// txCache runs a transaction's statements through the writer's cache.
type txCache struct {
	c  *connCache
	tx *sql.Tx
}

func (t txCache) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := t.c.m[query]; ok {
		return t.tx.StmtContext(ctx, st)
	}
	t.c.wanted[query] = true
	return nil
}

// ExecContext implements querier.
func (t txCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryContext implements querier.
func (t txCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext implements querier.
func (t txCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

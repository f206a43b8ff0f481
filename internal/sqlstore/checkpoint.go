package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// SQLite's WAL is copied back into the database by a checkpoint. By
// default the commit that takes the WAL past 1,000 pages runs it, in the
// committing connection and with an fsync of the database file: every
// few hundred writes one of them waited for that, the worst latency on
// the commit path. Here the writer connections never checkpoint
// (wal_autocheckpoint(0)) and a goroutine on a connection of its own
// does, PASSIVE (it takes no lock a writer or reader waits for), soon
// after commits. journal_size_limit keeps the WAL file from staying at
// its high-water mark once it has been reset.
const (
	checkpointEvery = 200 * time.Millisecond
	// walSizeLimit is what the WAL file is cut back to after a reset.
	walSizeLimit = 64 << 20
)

type checkpointer struct {
	db    *sql.DB
	dirty atomic.Bool // commits since the last checkpoint
	// observe, when set, sees each background checkpoint's outcome
	// (tests).
	observe func(log, done int, err error)
	done    chan struct{}
	stopped sync.WaitGroup
}

func newCheckpointer(path, pragmas string, observe func(log, done int, err error)) (*checkpointer, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("open sqlite checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, done: make(chan struct{}), observe: observe}
	c.stopped.Add(1)
	go c.loop()
	return c, nil
}

// committed marks that the WAL has grown.
func (c *checkpointer) committed() { c.dirty.Store(true) }

func (c *checkpointer) loop() {
	defer c.stopped.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if c.dirty.Swap(false) {
				log, done, err := c.checkpoint("PASSIVE")
				if c.observe != nil {
					c.observe(log, done, err)
				}
			}
		}
	}
}

// checkpoint runs one checkpoint and reports the WAL's pages and how many
// of them are now in the database. Failures are left for the next tick
// (a checkpoint is only ever housekeeping).
func (c *checkpointer) checkpoint(mode string) (log, done int, err error) {
	var busy int
	err = c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &done)
	return log, done, err
}

// close stops the loop and truncates the WAL: the database file alone
// holds everything.
func (c *checkpointer) close() error {
	close(c.done)
	c.stopped.Wait()
	_, _, err := c.checkpoint("TRUNCATE")
	return errors.Join(err, c.db.Close())
}

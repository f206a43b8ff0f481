// Package sqlstore is Parley's one store, on database/sql, for embedded
// SQLite (modernc.org/sqlite) and PostgreSQL (pgx). Both engines run the same
// SQL text where they can (modernc binds $N like PostgreSQL); the few
// statements that differ are chosen per dialect. Business rules live in the
// callers, never here.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/parleyhq/parley"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrations embed.FS

// Dialect names the SQL engine.
type Dialect string

// Dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options configure Open.
type Options struct {
	// DatabaseURL is a postgres:// URL, or empty for SQLite in DataDir.
	DatabaseURL string
	// DataDir holds parley.db when DatabaseURL is empty.
	DataDir string
	Clock   parley.Clock
	Logger  *slog.Logger
	// OnCommit is called after every commit that appended events, with the
	// workspace and its highest committed sequence number.
	OnCommit func(workspaceID string, seq int64)
	// Secrets seals inbox secrets at rest.
	Secrets SecretBox

	// observeCheckpoint sees SQLite's background checkpoints (tests).
	observeCheckpoint func(log, done int, err error)
}

// SecretBox encrypts and decrypts secrets at rest.
type SecretBox interface {
	Seal(plaintext []byte) ([]byte, error)
	Open(ciphertext []byte) ([]byte, error)
}

// Store is the database. It is safe for concurrent use.
type Store struct {
	queries
	dialect   Dialect
	writeDB   *sql.DB
	readDB    *sql.DB
	clock     parley.Clock
	log       *slog.Logger
	onCommit  func(string, int64)
	writer    *groupWriter
	box       SecretBox
	readCache *poolCache
	dataDir   string
	// ckpt copies SQLite's WAL into the database (SQLite only).
	ckpt *checkpointer
}

// Open connects to the database named by opts and migrates it.
func Open(ctx context.Context, opts Options) (*Store, error) {
	s, err := open(opts)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.writer, err = newGroupWriter(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	if s.dialect == SQLite {
		s.readCache = newPoolCache(s.readDB)
		s.queries.db = s.readCache
	}
	return s, nil
}

func open(opts Options) (*Store, error) {
	if opts.Clock == nil {
		opts.Clock = parley.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Secrets == nil {
		return nil, errors.New("open: a secret box is required")
	}
	s := &Store{clock: opts.Clock, log: opts.Logger, onCommit: opts.OnCommit, box: opts.Secrets}
	if strings.HasPrefix(opts.DatabaseURL, "postgres://") || strings.HasPrefix(opts.DatabaseURL, "postgresql://") {
		db, err := sql.Open("pgx", withoutJIT(opts.DatabaseURL))
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(32)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.dialect, s.writeDB, s.readDB = Postgres, db, db
	} else if opts.DatabaseURL != "" {
		return nil, fmt.Errorf("open: PARLEY_DATABASE_URL must start with postgres:// (got scheme %q)", schemeOf(opts.DatabaseURL))
	} else {
		if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("open sqlite: create data dir: %w", err)
		}
		path := filepath.Join(opts.DataDir, "parley.db")
		// synchronous=FULL: an acknowledged write survives a power cut. The
		// group writer batches concurrent transactions into one commit so
		// the fsync cost is shared.
		walLimit := "&_pragma=journal_size_limit(" + strconv.Itoa(walSizeLimit) + ")"
		pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_time_format=sqlite"
		// The writers leave checkpoints to the checkpointer (checkpoint.go).
		w, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&"+pragmas+walLimit+"&_pragma=wal_autocheckpoint(0)")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// One connection for the group writer, one for migrations and
		// the rare write outside it; SQLite serialises them anyway.
		w.SetMaxOpenConns(2)
		r, err := sql.Open("sqlite", "file:"+path+"?mode=ro&"+pragmas)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		s.dialect, s.writeDB, s.readDB, s.dataDir = SQLite, w, r, opts.DataDir
		if s.ckpt, err = newCheckpointer(path, pragmas+walLimit, opts.observeCheckpoint); err != nil {
			w.Close()
			r.Close()
			return nil, err
		}
	}
	s.queries = queries{db: s.readDB, dialect: s.dialect, box: s.box}
	return s, nil
}

// withoutJIT turns PostgreSQL's JIT compilation off for the store's
// sessions unless the URL sets it: our statements are short, but a list
// whose rows the planner underestimates (a view over a million
// conversations) costs above jit_above_cost and spent seconds compiling
// for milliseconds of execution.
func withoutJIT(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw // sql.Open reports it
	}
	q := u.Query()
	if q.Has("jit") {
		return raw
	}
	q.Set("jit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

func schemeOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	return u.Scheme
}

// Dialect returns the engine in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// Migrate brings the schema up to date. On PostgreSQL it holds an advisory
// lock so several nodes can start at once.
func (s *Store) Migrate(ctx context.Context) error {
	dir, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var opts []goose.ProviderOption
	gd := goose.DialectSQLite3
	if s.dialect == SQLite {
		unlock, err := lockFile(s.dataDir)
		if err != nil {
			return err
		}
		defer unlock()
	}
	if s.dialect == Postgres {
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return fmt.Errorf("migrate: locker: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, s.writeDB, dir, opts...)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// lockFile takes an exclusive lock on the data dir's migration lock file,
// so two processes opening one SQLite database (a server and the CLI)
// migrate one after the other.
func lockFile(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, "migrate.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.readDB.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// Close stops the writer and closes the connections.
func (s *Store) Close() error {
	if s.writer != nil {
		s.writer.close()
	}
	if s.readCache != nil {
		s.readCache.close()
	}
	err := s.writeDB.Close()
	if s.readDB != s.writeDB {
		err = errors.Join(err, s.readDB.Close())
	}
	if s.ckpt != nil {
		err = errors.Join(err, s.ckpt.close())
	}
	return err
}

// Now returns the store clock's time, truncated to the stored precision.
func (s *Store) Now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// isConflict reports whether err is a unique-constraint violation, a
// serialization failure or a deadlock: errors a retry of the whole
// transaction resolves.
func isConflict(err error) bool {
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pe.Code {
		case "23505", "40001", "40P01":
			return true
		}
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_BUSY:
			return true
		}
	}
	return false
}

// isDeadlock reports whether PostgreSQL ended a statement to break a
// deadlock.
func isDeadlock(err error) bool {
	pe, ok := errors.AsType[*pgconn.PgError](err)
	return ok && pe.Code == "40P01"
}

// isInvalidText reports whether PostgreSQL refused a value's text form (a
// malformed UUID): for a lookup, that object does not exist.
func isInvalidText(err error) bool {
	pe, ok := errors.AsType[*pgconn.PgError](err)
	return ok && pe.Code == "22P02"
}

// isUniqueViolation reports whether err is a unique-constraint violation.
func isUniqueViolation(err error) bool {
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pe.Code == "23505"
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// micros converts a time to the stored representation.
func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

// fromMicros converts a stored time back.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullMicros converts an optional time.
func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(*t), Valid: true}
}

// timePtr converts an optional stored time.
func timePtr(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMicros(n.Int64)
	return &t
}

// nullString turns "" into NULL, for optional references.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// ExecMaintenance runs a maintenance statement (ANALYZE, VACUUM) outside
// any transaction, for operators and benchmarks.
func (s *Store) ExecMaintenance(ctx context.Context, statement string) (int64, error) {
	switch strings.ToUpper(strings.TrimSpace(statement)) {
	case "ANALYZE", "VACUUM", "VACUUM ANALYZE":
	default:
		return 0, fmt.Errorf("maintenance: %q is not a maintenance statement", statement)
	}
	res, err := s.writeDB.ExecContext(ctx, statement)
	if err != nil {
		return 0, fmt.Errorf("maintenance %s: %w", statement, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Pools returns the connection pools by role, for metrics.
func (s *Store) Pools() map[string]*sql.DB {
	if s.readDB == s.writeDB {
		return map[string]*sql.DB{"parley_db": s.writeDB}
	}
	return map[string]*sql.DB{"parley_db_write": s.writeDB, "parley_db_read": s.readDB}
}

// Package storetest opens real stores for tests: SQLite in a temporary
// directory always, and PostgreSQL when PARLEY_TEST_POSTGRES_URL is set,
// each test in a schema of its own so packages run in parallel. Under
// CI=true a missing PostgreSQL fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/secret"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Engine names a store under test.
type Engine string

// Engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Engines returns the engines to test: SQLite, and PostgreSQL when
// configured (required under CI=true).
func Engines(t testing.TB) []Engine {
	t.Helper()
	if os.Getenv("PARLEY_TEST_POSTGRES_URL") != "" {
		return []Engine{SQLite, Postgres}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("PARLEY_TEST_POSTGRES_URL is not set: under CI=true the PostgreSQL half must run")
	}
	return []Engine{SQLite}
}

// Options tune a test store.
type Options struct {
	Clock    parley.Clock
	OnCommit func(workspaceID string, seq int64)
}

// Each runs fn as a subtest once per engine, with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e, Options{}))
		})
	}
}

// Box returns a secret box with a fixed test key.
func Box() *secret.Box {
	b, _ := secret.NewBox(make([]byte, secret.KeySize))
	return b
}

// Open returns a fresh, migrated store of the engine, closed at cleanup.
func Open(t testing.TB, e Engine, o Options) *sqlstore.Store {
	t.Helper()
	opts := sqlstore.Options{Clock: o.Clock, OnCommit: o.OnCommit, Secrets: Box()}
	switch e {
	case SQLite:
		opts.DataDir = t.TempDir()
	case Postgres:
		opts.DatabaseURL = Schema(t)
	}
	s, err := sqlstore.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open %s store: %v", e, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Schema creates a PostgreSQL schema for one test, dropped at cleanup, and
// returns a database URL whose search_path is that schema.
func Schema(t testing.TB) string {
	t.Helper()
	base := os.Getenv("PARLEY_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("PARLEY_TEST_POSTGRES_URL is not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP SCHEMA " + name + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse PARLEY_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// Fixture is a workspace with an admin, an agent and an API inbox.
type Fixture struct {
	Workspace *parley.Workspace
	Admin     parley.Actor
	Agent     parley.Actor
	Inbox     *parley.Inbox
}

// Seed creates a Fixture in s.
func Seed(t testing.TB, s *sqlstore.Store) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{}
	err := s.Write(ctx, func(tx *sqlstore.Tx) error {
		ws, err := tx.CreateWorkspace(ctx, "Acme", parley.DefaultWorkspaceSettings())
		if err != nil {
			return err
		}
		f.Workspace = ws
		for _, m := range []struct {
			actor *parley.Actor
			email string
			role  parley.Role
		}{{&f.Admin, "admin@example.com", parley.RoleAdmin}, {&f.Agent, "agent@example.com", parley.RoleAgent}} {
			u, err := tx.CreateUser(ctx, m.email, string(m.role), "")
			if err != nil {
				return err
			}
			if err := tx.AddMember(ctx, ws.ID, u.ID, m.role); err != nil {
				return err
			}
			*m.actor = parley.Actor{UserID: u.ID, Name: u.Name, WorkspaceID: ws.ID, Role: m.role, TeamIDs: []string{}}
		}
		f.Inbox = &parley.Inbox{WorkspaceID: ws.ID, Name: "API", Channel: parley.ChannelAPI, InboundToken: "pin_" + ws.ID, CallbackSecret: "whsec_test"}
		return tx.CreateInbox(ctx, f.Inbox)
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return f
}

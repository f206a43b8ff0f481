package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func TestRun_UserCreateOnAFreshDatabase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Setenv("PARLEY_DATA_DIR", t.TempDir())
			t.Setenv("PARLEY_DATABASE_URL", "")
			if e == storetest.Postgres {
				t.Setenv("PARLEY_DATABASE_URL", storetest.Schema(t))
			}
			t.Setenv("PARLEY_LOG_LEVEL", "error")
			ctx := context.Background()
			if err := run(ctx, []string{"migrate"}); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			args := []string{"user", "create", "--email", "ada@example.com", "--password", "correct horse", "--name", "Ada", "--workspace", "Acme", "--role", "admin"}
			if err := run(ctx, args); err != nil {
				t.Fatalf("user create: %v", err)
			}
			err := run(ctx, args)
			if err == nil || !strings.Contains(message(err), "already exists") {
				t.Errorf("creating the same user again = %v, want a clear conflict", err)
			}
			bad := []string{"user", "create", "--email", "bo@example.com", "--password", "short", "--name", "Bo", "--workspace", "Acme"}
			if err := run(ctx, bad); err == nil || !strings.Contains(message(err), "password") {
				t.Errorf("a short password = %v, want an error naming the password", err)
			}
			if err := run(ctx, []string{"user", "reset-link", "--email", "ada@example.com"}); err != nil {
				t.Errorf("user reset-link: %v", err)
			}
			if err := run(ctx, []string{"user", "reset-link", "--email", "nobody@example.com"}); err == nil || !strings.Contains(message(err), "No account") {
				t.Errorf("reset-link for an unknown address = %v, want a clear error", err)
			}
			if err := run(ctx, []string{"frobnicate"}); err == nil {
				t.Errorf("an unknown command succeeded")
			}
		})
	}
}

func TestRun_HelpExitsCleanly(t *testing.T) {
	for _, args := range [][]string{{"serve", "--help"}, {"serve", "-h"}, {"migrate", "--help"}, {"user", "create", "--help"}, {"help"}} {
		if err := run(context.Background(), args); err != nil {
			t.Errorf("run(%q) = %v, want nil (help is not an error)", args, err)
		}
	}
}

// TestRun_UserCreateTakesServeFlags checks that user create writes to the
// database --data-dir names (not ./data) and that a workspace named with
// other case joins the existing one instead of creating a second.
func TestRun_UserCreateTakesServeFlags(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Setenv("PARLEY_DATA_DIR", filepath.Join(t.TempDir(), "not-this-one"))
			t.Setenv("PARLEY_DATABASE_URL", "")
			t.Setenv("PARLEY_LOG_LEVEL", "error")
			dir := t.TempDir()
			flags := []string{"--data-dir", dir}
			if e == storetest.Postgres {
				flags = append(flags, "--database-url", storetest.Schema(t))
			}
			ctx := context.Background()
			create := func(email, ws string) {
				t.Helper()
				args := append([]string{"user", "create", "--email", email, "--password", "correct horse", "--name", "X", "--workspace", ws}, flags...)
				if err := run(ctx, args); err != nil {
					t.Fatalf("user create %s in %q: %v", email, ws, err)
				}
			}
			create("ada@example.com", "Acme")
			create("bo@example.com", "acme")
			if _, err := os.Stat(filepath.Join(os.Getenv("PARLEY_DATA_DIR"))); err == nil {
				t.Errorf("user create wrote to PARLEY_DATA_DIR although --data-dir was given")
			}
			cfg, err := config.Load(flags)
			if err != nil {
				t.Fatal(err)
			}
			a, err := app.New(ctx, cfg, app.Options{NoApp: true})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			var got []string
			for _, email := range []string{"ada@example.com", "bo@example.com"} {
				u, _, err := a.Store.FindUserByEmail(ctx, email)
				if err != nil {
					t.Fatalf("FindUserByEmail(%s): %v", email, err)
				}
				ws, err := a.Store.ListWorkspacesOfUser(ctx, u.ID)
				if err != nil || len(ws) != 1 {
					t.Fatalf("ListWorkspacesOfUser(%s) = %v, %v; want one", email, ws, err)
				}
				got = append(got, ws[0].ID+" "+ws[0].Name)
			}
			if got[0] != got[1] || !strings.HasSuffix(got[0], " Acme") {
				t.Errorf("workspaces = %q, want both in the one named Acme", got)
			}
		})
	}
}

package main

import (
	"context"
	"strings"
	"testing"

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

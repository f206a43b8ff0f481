package invite_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/invite"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

type fixture struct {
	*storetest.Fixture
	store *sqlstore.Store
	svc   *invite.Service
	clock *clocktest.Clock
	other parley.Actor // the admin of a second workspace
}

func setup(t *testing.T, e storetest.Engine) *fixture {
	t.Helper()
	clock := clocktest.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s := storetest.Open(t, e, storetest.Options{Clock: clock})
	f := &fixture{Fixture: storetest.Seed(t, s), store: s, clock: clock}
	f.svc = invite.New(s, auth.NewTestHasher(), clock, func() string { return "https://parley.example/" })
	ctx := context.Background()
	err := s.Write(ctx, func(tx *sqlstore.Tx) error {
		ws, err := tx.CreateWorkspace(ctx, "Beta", parley.DefaultWorkspaceSettings())
		if err != nil {
			return err
		}
		u, err := tx.CreateUser(ctx, "bea@b.test", "Bea", "")
		if err != nil {
			return err
		}
		f.other = parley.Actor{UserID: u.ID, WorkspaceID: ws.ID, Role: parley.RoleAdmin}
		return tx.AddMember(ctx, ws.ID, u.ID, parley.RoleAdmin)
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) { fn(t, setup(t, e)) })
	}
}

func TestService_Create(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		t.Run("answers alike for an address with an account elsewhere and a new one", func(t *testing.T) {
			known, err := f.svc.Create(ctx, f.Admin, "Bea@B.test", parley.RoleAdmin)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := f.svc.Create(ctx, f.Admin, "new@b.test", parley.RoleAdmin)
			if err != nil {
				t.Fatal(err)
			}
			ignore := func(l invite.InvitationLink) invite.InvitationLink { l.ID, l.Email, l.Link = "", "", ""; return l }
			if diff := cmp.Diff(ignore(*known), ignore(*fresh)); diff != "" {
				t.Errorf("answers differ (-known +fresh):\n%s", diff)
			}
			if want := f.clock.Now().Add(invite.InviteTTL); !known.ExpiresAt.Equal(want) {
				t.Errorf("ExpiresAt = %v, want %v", known.ExpiresAt, want)
			}
		})
		t.Run("refuses a member of this workspace, an agent and a bad role", func(t *testing.T) {
			for _, tc := range []struct {
				actor parley.Actor
				email string
				role  parley.Role
				code  string
			}{
				{f.Admin, "agent@example.com", parley.RoleAgent, parley.ECONFLICT},
				{f.Agent, "x@example.com", parley.RoleAgent, parley.EFORBIDDEN},
				{f.Admin, "x@example.com", "owner", parley.EINVALID},
				{f.Admin, "not an address", parley.RoleAgent, parley.EINVALID},
			} {
				if _, err := f.svc.Create(ctx, tc.actor, tc.email, tc.role); parley.ErrorCode(err) != tc.code {
					t.Errorf("Create(%s, %q, %q) = %v, want %s", tc.actor.Role, tc.email, tc.role, err, tc.code)
				}
			}
		})
	})
}

func TestService_Accept(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		l, err := f.svc.Create(ctx, f.Admin, "bea@b.test", parley.RoleAgent)
		if err != nil {
			t.Fatal(err)
		}
		tok := tokenOf(t, l.Link)
		bea, err := f.store.FindUserByID(ctx, f.other.UserID)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("an existing account must be signed in as itself", func(t *testing.T) {
			if _, err := f.svc.Accept(ctx, invite.Acceptance{Token: tok, Name: "M", Password: "attackerpw1"}, nil); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
				t.Errorf("Accept signed out = %v, want EUNAUTHORIZED", err)
			}
			admin, _ := f.store.FindUserByID(ctx, f.Admin.UserID)
			if _, err := f.svc.Accept(ctx, invite.Acceptance{Token: tok}, admin); parley.ErrorCode(err) != parley.ECONFLICT {
				t.Errorf("Accept as someone else = %v, want ECONFLICT", err)
			}
			_, hash, _ := f.store.FindUserByEmail(ctx, "bea@b.test")
			if hash != "" {
				t.Errorf("the refused accepts set a password hash %q", hash)
			}
		})
		t.Run("signed in, only the membership is added", func(t *testing.T) {
			got, err := f.svc.Accept(ctx, invite.Acceptance{Token: tok, Name: "Mallory", Password: "attackerpw1"}, bea)
			if err != nil {
				t.Fatal(err)
			}
			if got.Token != "" || got.WorkspaceID != f.Workspace.ID {
				t.Errorf("Accept = %+v, want no new session, workspace %s", got, f.Workspace.ID)
			}
			u, hash, _ := f.store.FindUserByEmail(ctx, "bea@b.test")
			if u.Name != "Bea" || hash != "" {
				t.Errorf("account after accept = %q with hash %q, want Bea unchanged", u.Name, hash)
			}
			if m, err := f.store.FindMember(ctx, f.Workspace.ID, bea.ID); err != nil || m.Role != parley.RoleAgent {
				t.Errorf("membership = %+v, %v; want agent", m, err)
			}
		})
		t.Run("a used link is ENOTFOUND", func(t *testing.T) {
			if _, err := f.svc.Accept(ctx, invite.Acceptance{Token: tok}, bea); parley.ErrorCode(err) != parley.ENOTFOUND {
				t.Errorf("second Accept = %v, want ENOTFOUND", err)
			}
		})
	})
}

func TestService_ConfirmReset(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		l, err := f.svc.IssueReset(ctx, f.Admin, f.Agent.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if want := f.clock.Now().Add(invite.ResetTTL); !l.ExpiresAt.Equal(want) {
			t.Errorf("ExpiresAt = %v, want %v", l.ExpiresAt, want)
		}
		// The agent joins Beta after the link was issued: Acme's admin's
		// link no longer works, and no new one is issued.
		inv, err := f.svc.Create(ctx, f.other, "agent@example.com", parley.RoleAgent)
		if err != nil {
			t.Fatal(err)
		}
		agent, _ := f.store.FindUserByID(ctx, f.Agent.UserID)
		if _, err := f.svc.Accept(ctx, invite.Acceptance{Token: tokenOf(t, inv.Link)}, agent); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ConfirmReset(ctx, tokenOf(t, l.Link), "attacker pw"); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("ConfirmReset after the user joined another workspace = %v, want ECONFLICT", err)
		}
		if _, err := f.svc.IssueReset(ctx, f.Admin, f.Agent.UserID); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("IssueReset for a shared account = %v, want ECONFLICT", err)
		}
		if _, err := f.svc.IssueReset(ctx, f.other, f.Admin.UserID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("IssueReset for another workspace's member = %v, want ENOTFOUND", err)
		}
		// Acme's admin alone in Acme: a link works within the hour, once.
		l, err = f.svc.IssueReset(ctx, f.Admin, f.Admin.UserID)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(invite.ResetTTL - time.Second)
		if err := f.svc.ConfirmReset(ctx, tokenOf(t, l.Link), "a new password"); err != nil {
			t.Fatalf("ConfirmReset = %v", err)
		}
		if err := f.svc.ConfirmReset(ctx, tokenOf(t, l.Link), "a new password"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("second ConfirmReset = %v, want ENOTFOUND", err)
		}
		// The operator's link (parley user reset-link) serves the shared
		// account.
		l, err = f.svc.OperatorReset(ctx, "agent@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ConfirmReset(ctx, tokenOf(t, l.Link), "the agent's own"); err != nil {
			t.Errorf("ConfirmReset of the operator's link = %v", err)
		}
	})
}

// refusingMailer answers every email with err.
type refusingMailer struct{ err error }

func (m refusingMailer) HasRelay(context.Context, string) (bool, error) { return true, nil }
func (m refusingMailer) SendMail(context.Context, string, string, string, string, string) error {
	return m.err
}

// TestService_CreateSaysWhyNothingWasEmailed: a mailer's "no relay" (as
// notify reports it, wrapped) is told apart from a relay's refusal.
func TestService_CreateSaysWhyNothingWasEmailed(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"the workspace has no relay", fmt.Errorf("send: %w", notify.ErrNoRelay),
			"No email server is set for this workspace (Settings → Workspace → Email), so nothing was sent."},
		{"the relay refuses", errors.New("550 no such user"), "The email server refused it: 550 no such user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, storetest.SQLite)
			svc := invite.New(f.store, auth.NewTestHasher(), f.clock, func() string { return "https://parley.example/" },
				invite.Options{Mailer: refusingMailer{tt.err}})
			l, err := svc.Create(context.Background(), f.Admin, "new@a.test", parley.RoleAgent)
			if err != nil {
				t.Fatalf("Create() = %v", err)
			}
			if l.Emailed.Emailed || l.EmailError != tt.want {
				t.Errorf("Create() emailed %v, error %q; want not emailed, %q", l.Emailed.Emailed, l.EmailError, tt.want)
			}
		})
	}
}

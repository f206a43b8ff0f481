package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/clocktest"
)

// secondWorkspace creates another workspace with its own admin (as an
// operator does with parley user create) and signs the admin in.
func (n *node) secondWorkspace(name, email, password string) session {
	n.t.Helper()
	if _, err := n.app.CreateUser(context.Background(), email, password, name+" Admin", name, parley.RoleAdmin); err != nil {
		n.t.Fatalf("CreateUser: %v", err)
	}
	tok := n.login(email, password)
	var ws struct {
		Items []struct{ ID, Name string } `json:"items"`
	}
	n.must(200, "GET", "/api/v1/workspaces", tok, nil).json(n.t, &ws)
	for _, w := range ws.Items {
		if w.Name == name {
			return session{token: tok, workspace: w.ID}
		}
	}
	n.t.Fatalf("no workspace %q", name)
	return session{}
}

// login signs in or fails the test.
func (n *node) login(email, password string) string {
	n.t.Helper()
	return n.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}).m(n.t)["token"].(string)
}

// canLogin reports whether email and password sign in.
func (n *node) canLogin(email, password string) bool {
	n.t.Helper()
	r := n.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	if r.status != 200 && r.status != 401 {
		n.t.Fatalf("login %s = %d %s", email, r.status, r.body)
	}
	return r.status == 200
}

// invitation is an invitation as its admin sees it when it is made.
type invitation struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
	Link      string    `json:"link"`
}

// token is the link's token.
func (i invitation) token(t *testing.T) string {
	t.Helper()
	return tokenOf(t, i.Link)
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("link %q has no token", link)
	}
	return u.Query().Get("token")
}

// invite invites email to the session's workspace.
func (n *node) invite(s session, email, role string) invitation {
	n.t.Helper()
	var inv invitation
	body := map[string]string{"email": email}
	if role != "" {
		body["role"] = role
	}
	n.must(201, "POST", s.ws("/invites"), s.token, body).json(n.t, &inv)
	return inv
}

// accept uses an invitation token, signed in with bearer when set.
func (n *node) accept(token, name, password, bearer string) response {
	n.t.Helper()
	return n.do("POST", "/api/v1/invites/accept", bearer, map[string]string{"token": token, "name": name, "password": password})
}

// join invites a new person and accepts for them: their session token and
// user id.
func (n *node) join(s session, email, password, role string) (token, userID string) {
	n.t.Helper()
	inv := n.invite(s, email, role)
	r := n.accept(inv.token(n.t), email, password, "")
	if r.status != 200 {
		n.t.Fatalf("accept = %d %s", r.status, r.body)
	}
	var out struct {
		Token string              `json:"token"`
		User  struct{ ID string } `json:"user"`
	}
	r.json(n.t, &out)
	return out.Token, out.User.ID
}

// workspacesOf lists the names of the caller's workspaces and roles.
func (n *node) workspacesOf(token string) []string {
	n.t.Helper()
	var ws struct {
		Items []struct{ Name, Role string } `json:"items"`
	}
	n.must(200, "GET", "/api/v1/workspaces", token, nil).json(n.t, &ws)
	var out []string
	for _, w := range ws.Items {
		out = append(out, w.Name+":"+w.Role)
	}
	slices.Sort(out)
	return out
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The attack of issue 9 point 1: workspace A's admin "adds" an address
// before workspace B does, choosing its password, so that whoever knows A's
// password later holds B's admin role. Now an admin sets and learns nothing
// about a global account: each link gives its own membership to whoever
// holds it, and a password chosen through one workspace never signs in to
// an account that gains another workspace's role.
func TestInvite_AnotherWorkspaceCannotTakeOverAnAccount(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		a := n.bootstrap()
		b := n.secondWorkspace("Beta", "bea@b.test", "beta admin pw")

		// The old call with a password is refused and creates nothing.
		r := n.do("POST", a.ws("/users"), a.token, map[string]string{"email": "newhire@b.test", "name": "x", "password": "attackerpw1"})
		if r.status != 422 || !strings.Contains(string(r.body), "password") {
			t.Fatalf("POST /users with a password = %d %s, want 422 naming the password", r.status, r.body)
		}
		if n.canLogin("newhire@b.test", "attackerpw1") {
			t.Fatalf("A's chosen password signs in to newhire@b.test")
		}
		// Without one it invites, and says nothing about any account.
		r = n.must(201, "POST", a.ws("/users"), a.token, map[string]string{"email": "newhire@b.test", "name": "x", "role": "admin"})
		if got, want := keysOf(r.m(t)), []string{"email", "email_error", "emailed", "expires_at", "id", "link", "role"}; !slices.Equal(got, want) {
			t.Errorf("POST /users answers %v, want %v", got, want)
		}
		linkA := tokenOf(t, r.m(t)["link"].(string))
		linkB := n.invite(b, "newhire@b.test", "admin").token(t)

		// The real new hire opens B's link first and sets their password.
		r = n.accept(linkB, "New Hire", "my own password", "")
		if r.status != 200 || !strings.Contains(r.header.Get("Set-Cookie"), "parley_session=") {
			t.Fatalf("accept B's link = %d %s (cookie %q), want 200 with a session", r.status, r.body, r.header.Get("Set-Cookie"))
		}
		hire := r.m(t)["token"].(string)
		if got := n.workspacesOf(hire); !slices.Equal(got, []string{"Beta:admin"}) {
			t.Errorf("the new hire's workspaces = %v, want [Beta:admin]", got)
		}
		// Whoever holds A's link cannot set the account's password or
		// name: they must sign in to it first.
		lookup := n.must(200, "GET", "/api/v1/invites/lookup?token="+url.QueryEscape(linkA), "", nil).m(t)
		if lookup["account_exists"] != true || lookup["workspace_name"] != "Acme" || lookup["email"] != "newhire@b.test" {
			t.Errorf("lookup of A's link = %v", lookup)
		}
		if r := n.accept(linkA, "Mallory", "attackerpw1", ""); r.status != 401 {
			t.Errorf("accept A's link signed out = %d %s, want 401", r.status, r.body)
		}
		if r := n.accept(linkA, "Mallory", "attackerpw1", a.token); r.status != 409 {
			t.Errorf("accept A's link as A's admin = %d %s, want 409", r.status, r.body)
		}
		if n.canLogin("newhire@b.test", "attackerpw1") || !n.canLogin("newhire@b.test", "my own password") {
			t.Errorf("the new hire's password changed through A's link")
		}
		me := n.must(200, "GET", "/api/v1/me", hire, nil).m(t)["user"].(map[string]any)
		if me["name"] != "New Hire" {
			t.Errorf("the new hire's name = %v, want New Hire", me["name"])
		}
		if got := n.workspacesOf(hire); !slices.Equal(got, []string{"Beta:admin"}) {
			t.Errorf("after A's link was refused the new hire's workspaces = %v, want [Beta:admin]", got)
		}
		// The hire, signed in, may accept A's invitation: only the
		// membership is added.
		r = n.accept(linkA, "ignored", "ignored pw", hire)
		if r.status != 200 || r.m(t)["token"] != nil || r.header.Get("Set-Cookie") != "" {
			t.Fatalf("accept A's link signed in = %d %s, want 200 without a new session", r.status, r.body)
		}
		if got := n.workspacesOf(hire); !slices.Equal(got, []string{"Acme:admin", "Beta:admin"}) {
			t.Errorf("the new hire's workspaces = %v, want Acme and Beta", got)
		}
		if !n.canLogin("newhire@b.test", "my own password") {
			t.Errorf("accepting while signed in changed the password")
		}
	})
}

// The other order: A's link holder creates the account first, with a
// password A's admin may know. B's invitation of the same address then
// gives B's role to nobody who knows only that password.
func TestInvite_AccountMadeThroughOneWorkspaceGainsNoOtherRole(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		a := n.bootstrap()
		b := n.secondWorkspace("Beta", "bea@b.test", "beta admin pw")
		linkA := n.invite(a, "newhire@b.test", "agent").token(t)
		linkB := n.invite(b, "newhire@b.test", "admin").token(t)

		r := n.accept(linkA, "Mallory", "attackerpw1", "")
		if r.status != 200 {
			t.Fatalf("accept A's link = %d %s", r.status, r.body)
		}
		mallory := r.m(t)["token"].(string)
		// B's link, held by someone else, cannot be used signed out, and
		// its name and password are ignored.
		if r := n.accept(linkB, "Real Hire", "realpassword", ""); r.status != 401 || !strings.Contains(string(r.body), "sign in") {
			t.Errorf("accept B's link signed out = %d %s, want 401 telling to sign in", r.status, r.body)
		}
		if n.canLogin("newhire@b.test", "realpassword") {
			t.Errorf("B's link set the password of an existing account")
		}
		if got := n.workspacesOf(mallory); !slices.Equal(got, []string{"Acme:agent"}) {
			t.Errorf("the account made through A is in %v, want only [Acme:agent]", got)
		}
		var members struct {
			Items []struct{ Email string } `json:"items"`
		}
		n.must(200, "GET", b.ws("/users"), b.token, nil).json(t, &members)
		for _, m := range members.Items {
			if m.Email == "newhire@b.test" {
				t.Errorf("newhire@b.test became a member of Beta")
			}
		}
		// A's admin cannot issue a reset link for an account B shares
		// either; here it is A's alone, so A may.
		uid := n.userID(a, "newhire@b.test")
		n.must(201, "POST", a.ws("/users/"+uid+"/password-reset"), a.token, nil)
	})
}

// Inviting an address that has an account elsewhere answers exactly as
// for a new address: nothing about the account is revealed or attached.
func TestInvite_RevealsNothingAboutOtherWorkspaces(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		a := n.bootstrap()
		b := n.secondWorkspace("Beta", "bea@b.test", "beta admin pw")
		for path, body := range map[string]map[string]string{
			"/users":   {"email": "bea@b.test", "name": "x", "role": "admin"},
			"/invites": {"email": "bea@b.test", "role": "admin"},
		} {
			r := n.must(201, "POST", a.ws(path), a.token, body)
			body := string(r.body)
			if keys := keysOf(r.m(t)); !slices.Equal(keys, []string{"email", "email_error", "emailed", "expires_at", "id", "link", "role"}) || strings.Contains(body, "Beta") {
				t.Errorf("POST %s for an account elsewhere = %s", path, body)
			}
		}
		if got := n.workspacesOf(b.token); !slices.Equal(got, []string{"Beta:admin"}) {
			t.Errorf("Bea's workspaces = %v before accepting, want [Beta:admin]", got)
		}
		var members struct {
			Items []struct{ Email string } `json:"items"`
		}
		n.must(200, "GET", a.ws("/users"), a.token, nil).json(t, &members)
		if len(members.Items) != 1 {
			t.Errorf("Acme's members = %+v, want only its admin", members.Items)
		}
		// A member of this workspace is 409, saying only that.
		r := n.do("POST", a.ws("/invites"), a.token, map[string]string{"email": "ada@example.com", "role": "agent"})
		if r.status != 409 || !strings.Contains(string(r.body), "already a member of this workspace") {
			t.Errorf("inviting a member = %d %s, want 409", r.status, r.body)
		}
	})
}

func TestInvite_LinkWorksOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		inv := n.invite(s, "Bo@Example.com", "")
		if inv.Email != "bo@example.com" || inv.Role != "agent" || !strings.HasPrefix(inv.Link, n.base+"/invite?token=") {
			t.Errorf("invitation = %+v, want bo@example.com, agent, a link under %s/invite", inv, n.base)
		}
		tok := inv.token(t)
		d := n.must(200, "GET", "/api/v1/invites/lookup?token="+url.QueryEscape(tok), "", nil).m(t)
		if d["account_exists"] != false || d["role"] != "agent" || d["workspace_name"] != "Acme" {
			t.Errorf("lookup = %v", d)
		}
		// A short password is refused, stating the rule, and uses nothing.
		r := n.accept(tok, "Bo", "short", "")
		if r.status != 422 || !strings.Contains(string(r.body), "at least 8 characters") || !strings.Contains(string(r.body), "body.password") {
			t.Errorf("accept with a short password = %d %s, want 422 naming the rule", r.status, r.body)
		}
		if r := n.accept(tok, "Bo", "password123", ""); r.status != 200 {
			t.Fatalf("accept = %d %s", r.status, r.body)
		}
		if !n.canLogin("bo@example.com", "password123") {
			t.Errorf("the new account cannot sign in")
		}
		for _, r := range []response{
			n.accept(tok, "Bo", "password456", ""),
			n.do("GET", "/api/v1/invites/lookup?token="+url.QueryEscape(tok), "", nil),
		} {
			if r.status != 404 {
				t.Errorf("used link = %d %s, want 404", r.status, r.body)
			}
		}
		if list := n.must(200, "GET", s.ws("/invites"), s.token, nil).m(t)["items"].([]any); len(list) != 0 {
			t.Errorf("pending invitations after accepting = %v, want none", list)
		}
		if n.canLogin("bo@example.com", "password456") {
			t.Errorf("the used link set a password")
		}
	})
}

func TestInvite_Expires(t *testing.T) {
	clock := clocktest.New(time.Now().UTC().Truncate(time.Second))
	eachEngineWith(t, nodeOptions{clock: clock}, func(t *testing.T, n *node) {
		s := n.bootstrap()
		inv := n.invite(s, "bo@example.com", "agent")
		if want := clock.Now().Add(7 * 24 * time.Hour); !inv.ExpiresAt.Equal(want) {
			t.Errorf("expires_at = %v, want %v", inv.ExpiresAt, want)
		}
		clock.Add(7*24*time.Hour - time.Second)
		n.must(200, "GET", "/api/v1/invites/lookup?token="+url.QueryEscape(inv.token(t)), "", nil)
		clock.Add(time.Second)
		if r := n.accept(inv.token(t), "Bo", "password123", ""); r.status != 404 {
			t.Errorf("accept an expired link = %d %s, want 404", r.status, r.body)
		}
		if r := n.do("GET", "/api/v1/invites/lookup?token="+url.QueryEscape(inv.token(t)), "", nil); r.status != 404 || !strings.Contains(string(r.body), "query.token") {
			t.Errorf("lookup an expired link = %d %s, want 404 naming query.token", r.status, r.body)
		}
		// Still listed, so the admin can renew it.
		if list := n.must(200, "GET", s.ws("/invites"), s.token, nil).m(t)["items"].([]any); len(list) != 1 {
			t.Errorf("pending invitations = %v, want the expired one", list)
		}
		var renewed invitation
		n.must(200, "POST", s.ws("/invites/"+inv.ID+"/resend"), s.token, nil).json(t, &renewed)
		if r := n.accept(renewed.token(t), "Bo", "password123", ""); r.status != 200 {
			t.Errorf("accept the renewed link = %d %s", r.status, r.body)
		}
	})
}

func TestInvite_RevokeResendAndReinvite(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		lookup := func(tok string) int {
			return n.do("GET", "/api/v1/invites/lookup?token="+url.QueryEscape(tok), "", nil).status
		}
		first := n.invite(s, "bo@example.com", "agent")
		// Inviting again replaces the pending invitation: same id, new
		// role and link, and the old link stops working.
		again := n.invite(s, "bo@example.com", "admin")
		if again.ID != first.ID || again.Role != "admin" || again.Link == first.Link {
			t.Errorf("re-invite = %+v after %+v, want the same id with a new role and link", again, first)
		}
		if got := lookup(first.token(t)); got != 404 {
			t.Errorf("replaced link = %d, want 404", got)
		}
		var resent invitation
		n.must(200, "POST", s.ws("/invites/"+again.ID+"/resend"), s.token, nil).json(t, &resent)
		if resent.ID != again.ID || resent.Email != "bo@example.com" || resent.Role != "admin" {
			t.Errorf("resend = %+v", resent)
		}
		if got := lookup(again.token(t)); got != 404 {
			t.Errorf("link before resend = %d, want 404", got)
		}
		if got := lookup(resent.token(t)); got != 200 {
			t.Errorf("resent link = %d, want 200", got)
		}
		var list struct {
			Items []map[string]any `json:"items"`
		}
		n.must(200, "GET", s.ws("/invites"), s.token, nil).json(t, &list)
		if len(list.Items) != 1 || list.Items[0]["email"] != "bo@example.com" || list.Items[0]["link"] != nil || list.Items[0]["token"] != nil {
			t.Errorf("pending invitations = %v, want bo without a link", list.Items)
		}
		n.must(204, "DELETE", s.ws("/invites/"+again.ID), s.token, nil)
		if got := lookup(resent.token(t)); got != 404 {
			t.Errorf("revoked link = %d, want 404", got)
		}
		if r := n.accept(resent.token(t), "Bo", "password123", ""); r.status != 404 {
			t.Errorf("accept a revoked link = %d, want 404", r.status)
		}
		for _, p := range []string{"/invites/" + again.ID + "/resend"} {
			if r := n.do("POST", s.ws(p), s.token, nil); r.status != 404 {
				t.Errorf("POST %s after revoking = %d, want 404", p, r.status)
			}
		}
		if r := n.do("DELETE", s.ws("/invites/"+again.ID), s.token, nil); r.status != 404 {
			t.Errorf("revoke twice = %d, want 404", r.status)
		}
		// Another workspace's admin cannot see or touch it.
		other := n.invite(s, "cy@example.com", "agent")
		b := n.secondWorkspace("Beta", "bea@b.test", "beta admin pw")
		for _, r := range []response{
			n.do("DELETE", b.ws("/invites/"+other.ID), b.token, nil),
			n.do("POST", b.ws("/invites/"+other.ID+"/resend"), b.token, nil),
		} {
			if r.status != 404 {
				t.Errorf("another workspace's invitation = %d %s, want 404", r.status, r.body)
			}
		}
		// Agents do not invite.
		agent, _ := n.join(s, "dee@example.com", "password123", "agent")
		for _, r := range []response{
			n.do("POST", s.ws("/invites"), agent, map[string]string{"email": "x@example.com"}),
			n.do("GET", s.ws("/invites"), agent, nil),
			n.do("POST", s.ws("/invites/"+other.ID+"/resend"), agent, nil),
		} {
			if r.status != 403 {
				t.Errorf("an agent's invitation call = %d %s, want 403", r.status, r.body)
			}
		}
	})
}

// The tables hold only SHA-256 hashes of the links' tokens.
func TestInvite_TokensAreStoredHashed(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		inv := n.invite(s, "bo@example.com", "agent")
		_, uid := n.join(s, "cy@example.com", "password123", "agent")
		reset := n.must(201, "POST", s.ws("/users/"+uid+"/password-reset"), s.token, nil).m(t)
		for table, raw := range map[string]string{"invites": inv.token(t), "password_resets": tokenOf(t, reset["link"].(string))} {
			sum := sha256.Sum256([]byte(raw))
			var db = n.app.Store.Pools()
			for _, pool := range db {
				rows, err := pool.Query(`SELECT * FROM ` + table)
				if err != nil {
					t.Fatal(err)
				}
				cols, _ := rows.Columns()
				found := 0
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						t.Fatal(err)
					}
					for i, v := range vals {
						text := fmt.Sprint(v)
						if b, ok := v.([]byte); ok {
							text = string(b)
						}
						if strings.Contains(text, raw) {
							t.Errorf("%s.%s holds the raw token", table, cols[i])
						}
						if cols[i] == "token_hash" && text == hex.EncodeToString(sum[:]) {
							found++
						}
					}
				}
				rows.Close()
				if found != 1 {
					t.Errorf("%s has %d rows with the token's SHA-256, want 1", table, found)
				}
				break
			}
		}
	})
}

// An admin's reset link works once, within the hour, and signs the person
// out everywhere; it is refused for someone another workspace shares.
func TestPasswordReset_AdminLink(t *testing.T) {
	clock := clocktest.New(time.Now().UTC().Truncate(time.Second))
	eachEngineWith(t, nodeOptions{clock: clock}, func(t *testing.T, n *node) {
		s := n.bootstrap()
		bo, uid := n.join(s, "bo@example.com", "password123", "agent")
		second := n.login("bo@example.com", "password123")
		api := n.must(201, "POST", "/api/v1/tokens", bo, map[string]string{"name": "ci"}).m(t)["token"].(string)

		r := n.must(201, "POST", s.ws("/users/"+uid+"/password-reset"), s.token, nil).m(t)
		if keys := keysOf(r); !slices.Equal(keys, []string{"email_error", "emailed", "expires_at", "link"}) || r["emailed"] != false || !strings.HasPrefix(r["link"].(string), n.base+"/reset-password?token=") {
			t.Errorf("reset link = %v", r)
		}
		if exp, _ := time.Parse(time.RFC3339, r["expires_at"].(string)); !exp.Equal(clock.Now().Add(time.Hour)) {
			t.Errorf("expires_at = %v, want an hour from now", r["expires_at"])
		}
		tok := tokenOf(t, r["link"].(string))
		if r := n.do("POST", "/api/v1/password-reset/confirm", "", map[string]string{"token": tok, "password": "short"}); r.status != 422 || !strings.Contains(string(r.body), "at least 8 characters") {
			t.Errorf("confirm with a short password = %d %s, want 422 stating the rule", r.status, r.body)
		}
		n.must(204, "POST", "/api/v1/password-reset/confirm", "", map[string]string{"token": tok, "password": "a new password"})
		for name, token := range map[string]string{"session": bo, "second session": second, "API token": api} {
			if r := n.do("GET", "/api/v1/me", token, nil); r.status != 401 {
				t.Errorf("%s after reset = %d, want 401", name, r.status)
			}
		}
		if n.canLogin("bo@example.com", "password123") || !n.canLogin("bo@example.com", "a new password") {
			t.Errorf("after reset the old password works or the new one does not")
		}
		if r := n.do("POST", "/api/v1/password-reset/confirm", "", map[string]string{"token": tok, "password": "third password"}); r.status != 404 {
			t.Errorf("reuse of a reset link = %d %s, want 404", r.status, r.body)
		}
		// A new link replaces the last; links expire after an hour.
		old := tokenOf(t, n.must(201, "POST", s.ws("/users/"+uid+"/password-reset"), s.token, nil).m(t)["link"].(string))
		late := tokenOf(t, n.must(201, "POST", s.ws("/users/"+uid+"/password-reset"), s.token, nil).m(t)["link"].(string))
		if r := n.do("POST", "/api/v1/password-reset/confirm", "", map[string]string{"token": old, "password": "third password"}); r.status != 404 {
			t.Errorf("replaced reset link = %d, want 404", r.status)
		}
		clock.Add(time.Hour)
		if r := n.do("POST", "/api/v1/password-reset/confirm", "", map[string]string{"token": late, "password": "third password"}); r.status != 404 {
			t.Errorf("expired reset link = %d, want 404", r.status)
		}
		if !n.canLogin("bo@example.com", "a new password") {
			t.Errorf("a refused reset changed the password")
		}
		// Agents issue none.
		bo = n.login("bo@example.com", "a new password")
		if r := n.do("POST", s.ws("/users/"+s.userID+"/password-reset"), bo, nil); r.status != 403 {
			t.Errorf("an agent's reset link = %d, want 403", r.status)
		}
	})
}

// Workspace A's admin cannot reset the password of an account workspace B
// shares, neither when it is shared already nor by keeping a link until it
// is.
func TestPasswordReset_NotForAccountsOtherWorkspacesShare(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		a := n.bootstrap()
		b := n.secondWorkspace("Beta", "bea@b.test", "beta admin pw")
		hire, uid := n.join(a, "hire@example.com", "password123", "agent")
		early := tokenOf(t, n.must(201, "POST", a.ws("/users/"+uid+"/password-reset"), a.token, nil).m(t)["link"].(string))
		// The hire joins B too.
		if r := n.accept(n.invite(b, "hire@example.com", "admin").token(t), "", "", hire); r.status != 200 {
			t.Fatalf("join Beta = %d %s", r.status, r.body)
		}
		r := n.do("POST", a.ws("/users/"+uid+"/password-reset"), a.token, nil)
		if r.status != 409 || !strings.Contains(string(r.body), "belongs to other workspaces") {
			t.Errorf("A's reset of a shared account = %d %s, want 409", r.status, r.body)
		}
		if r := n.do("POST", "/api/v1/password-reset/confirm", "", map[string]string{"token": early, "password": "attacker pw"}); r.status != 409 {
			t.Errorf("A's earlier link after the hire joined B = %d %s, want 409", r.status, r.body)
		}
		if n.canLogin("hire@example.com", "attacker pw") || !n.canLogin("hire@example.com", "password123") {
			t.Errorf("A's admin changed the password of an account B shares")
		}
		n.must(200, "GET", "/api/v1/me", hire, nil)
		// B's admin cannot reset A's admin, who is not B's member.
		if r := n.do("POST", b.ws("/users/"+a.userID+"/password-reset"), b.token, nil); r.status != 404 {
			t.Errorf("B's reset of a non-member = %d, want 404", r.status)
		}
	})
}

// "Forgot password?" answers the same for every address and, with no
// email relay, says to ask an admin.
func TestPasswordReset_RequestRevealsNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		n.bootstrap()
		known := n.must(202, "POST", "/api/v1/password-reset/request", "", map[string]string{"email": "ada@example.com"})
		unknown := n.must(202, "POST", "/api/v1/password-reset/request", "", map[string]string{"email": "nobody@example.com"})
		if string(known.body) != string(unknown.body) {
			t.Errorf("answers differ: %s vs %s", known.body, unknown.body)
		}
		m := known.m(t)
		if m["email_configured"] != false || !strings.Contains(m["message"].(string), "ask an admin of your workspace") {
			t.Errorf("answer = %v", m)
		}
		if r := n.do("POST", "/api/v1/password-reset/request", "", map[string]string{"email": "not an address"}); r.status != 422 {
			t.Errorf("malformed address = %d, want 422", r.status)
		}
	})
}

// Racing uses of one link: exactly one wins.
func TestInvite_LinkWorksOnceWhenRacing(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		tok := n.invite(s, "bo@example.com", "agent").token(t)
		const racers = 6
		statuses := make(chan int, racers)
		for i := range racers {
			go func() {
				statuses <- n.accept(tok, "Bo", fmt.Sprintf("password-%d", i), "").status
			}()
		}
		won := 0
		for range racers {
			switch st := <-statuses; st {
			case 200:
				won++
			case 401, 404:
			default:
				t.Errorf("a racing accept = %d, want 200, 401 or 404", st)
			}
		}
		if won != 1 {
			t.Errorf("%d racing accepts succeeded, want 1", won)
		}
		var members struct {
			Items []struct{ Email string } `json:"items"`
		}
		n.must(200, "GET", s.ws("/users"), s.token, nil).json(t, &members)
		if len(members.Items) != 2 {
			t.Errorf("members = %+v, want the admin and bo", members.Items)
		}
	})
}

// Package e2e drives Parley from the outside: the real app.Main wiring on a
// random port, with a temporary SQLite database and, when configured, a
// PostgreSQL schema, spoken to over HTTP as any client would.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/mailin"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// node is a running Parley.
type node struct {
	t       *testing.T
	app     *app.App
	base    string
	dataDir string
}

// nodeOptions tune a node.
type nodeOptions struct {
	databaseURL string
	dataDir     string
	natsURL     string
	withApp     bool
	// clock, when set, is the node's clock (tests move time).
	clock parley.Clock
	// configure, when set, changes the configuration before the node
	// starts (provider base URLs, secrets, a public URL of its own).
	configure func(*config.Config)
	// dns answers the email sender checks (nil: no record anywhere).
	dns mailin.Resolver
}

// start runs a node until the test ends.
func start(t *testing.T, o nodeOptions) *node {
	t.Helper()
	if o.dataDir == "" {
		o.dataDir = t.TempDir()
	}
	cfg := &config.Config{
		Addr: "127.0.0.1:0", DataDir: o.dataDir, DatabaseURL: o.databaseURL, NATSURL: o.natsURL,
		EventRetention: 168 * time.Hour, AllowPrivateAddresses: "127.0.0.1/8",
		SecretKey: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	}
	if o.configure != nil {
		o.configure(cfg)
	}
	if o.dns == nil {
		o.dns = mailin.StaticResolver{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("PARLEY_TEST_LOG") != "" {
		logger = slog.Default()
	}
	a, err := app.New(ctx, cfg, app.Options{Logger: logger, Hasher: auth.NewTestHasher(), NoApp: !o.withApp, Clock: o.clock, DNS: o.dns})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + a.Addr()
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		a.Close()
	})
	n := &node{t: t, app: a, base: "http://" + a.Addr(), dataDir: o.dataDir}
	n.waitReady()
	return n
}

func (n *node) waitReady() {
	n.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(n.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(10 * time.Millisecond) // polling a port that is coming up: nothing to await
	}
	n.t.Fatal("node never became ready")
}

// eachEngine runs fn against a node on SQLite and one on PostgreSQL.
func eachEngine(t *testing.T, fn func(t *testing.T, n *node)) {
	eachEngineWith(t, nodeOptions{}, fn)
}

// eachEngineWith is eachEngine with nodes started with o.
func eachEngineWith(t *testing.T, o nodeOptions, fn func(t *testing.T, n *node)) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			o := o
			if e == storetest.Postgres {
				o.databaseURL = storetest.Schema(t)
			}
			fn(t, start(t, o))
		})
	}
}

// response is a decoded HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v.
func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// m decodes the body as an object.
func (r response) m(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	r.json(t, &v)
	return v
}

// do sends a request with an optional bearer token and JSON body.
func (n *node) do(method, path, token string, body any, headers ...string) response {
	n.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, n.base+path, rd)
	if err != nil {
		n.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// must sends a request and fails the test unless the status is want.
func (n *node) must(want int, method, path, token string, body any) response {
	n.t.Helper()
	r := n.do(method, path, token, body)
	if r.status != want {
		n.t.Fatalf("%s %s = %d %s, want %d", method, path, r.status, r.body, want)
	}
	return r
}

// session is a signed-in admin with a workspace and an API inbox.
type session struct {
	token, workspace, inbox, inboundToken, userID string
}

func (n *node) setupToken() string {
	n.t.Helper()
	raw, err := os.ReadFile(filepath.Join(n.dataDir, "setup-token"))
	if err != nil {
		n.t.Fatalf("read setup token: %v", err)
	}
	return strings.TrimSpace(string(raw))
}

// bootstrap completes first-run set-up and creates an API inbox.
func (n *node) bootstrap() session {
	n.t.Helper()
	r := n.must(201, "POST", "/api/v1/setup", "", map[string]string{
		"token": n.setupToken(), "workspace_name": "Acme", "name": "Ada Admin", "email": "ada@example.com", "password": "correct horse",
	})
	var login struct {
		Token string `json:"token"`
		User  struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	r.json(n.t, &login)
	var ws struct {
		Items []struct{ ID string } `json:"items"`
	}
	n.must(200, "GET", "/api/v1/workspaces", login.Token, nil).json(n.t, &ws)
	s := session{token: login.Token, workspace: ws.Items[0].ID, userID: login.User.ID}
	var inbox struct {
		ID           string `json:"id"`
		InboundToken string `json:"inbound_token"`
	}
	n.must(201, "POST", s.ws("/inboxes"), s.token, map[string]any{"name": "API", "channel": "api"}).json(n.t, &inbox)
	s.inbox, s.inboundToken = inbox.ID, inbox.InboundToken
	return s
}

// ws prefixes a path with the session's workspace.
func (s session) ws(path string) string { return "/api/v1/workspaces/" + s.workspace + path }

// inbound posts a customer message to the session's API inbox.
func (n *node) inbound(s session, source, msgID, content string) (messageID, conversationID string) {
	n.t.Helper()
	var out struct{ MessageID, ConversationID string }
	r := n.must(202, "POST", "/api/v1/inbound/"+s.inboundToken+"/messages", "", map[string]any{
		"contact": map[string]string{"source_id": source, "name": "Customer " + source}, "source_message_id": msgID, "content": content,
	})
	var raw map[string]string
	r.json(n.t, &raw)
	out.MessageID, out.ConversationID = raw["message_id"], raw["conversation_id"]
	return out.MessageID, out.ConversationID
}

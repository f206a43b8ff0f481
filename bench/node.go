package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/config"
)

// node is an in-process Parley on a random loopback port.
type node struct {
	app      *app.App
	base     string
	dataDir  string
	stop     func()
	token    string
	ws       string
	inbound  string
	engine   string
	dbURL    string
	cleanups []func()
}

// startNode runs Parley on SQLite (dbURL empty) or in a fresh schema of
// the PostgreSQL database at dbURL.
func startNode(ctx context.Context, dbURL string) (*node, error) {
	return startNodeWith(ctx, dbURL, "")
}

// startNodeWith is startNode with a NATS broker when natsURL is set.
func startNodeWith(ctx context.Context, dbURL, natsURL string) (*node, error) {
	return startNodeHasher(ctx, dbURL, natsURL, auth.NewTestHasher(), "")
}

// startNodeHasher is startNodeWith with the password hasher given (the
// login benchmark measures the real one) and PARLEY_TRUSTED_PROXIES.
func startNodeHasher(ctx context.Context, dbURL, natsURL string, hasher *auth.Hasher, trustedProxies string) (*node, error) {
	return openNode(ctx, nodeOptions{dbURL: dbURL, natsURL: natsURL, hasher: hasher, trustedProxies: trustedProxies})
}

// nodeOptions says how a bench node starts. With saved set the node runs
// on a workspace an earlier `bench seed -save` loaded (its SQLite data
// directory or its PostgreSQL schema, kept after the node stops) instead
// of a fresh one.
type nodeOptions struct {
	dbURL, natsURL, trustedProxies string
	hasher                         *auth.Hasher
	saved                          *savedWorld
}

func openNode(ctx context.Context, o nodeOptions) (*node, error) {
	dbURL, hasher, trustedProxies, natsURL := o.dbURL, o.hasher, o.trustedProxies, o.natsURL
	if hasher == nil {
		hasher = auth.NewTestHasher()
	}
	if o.saved != nil {
		return openSaved(ctx, o)
	}
	dir, err := os.MkdirTemp("", "parley-bench-")
	if err != nil {
		return nil, err
	}
	n := &node{dataDir: dir, engine: "sqlite"}
	n.cleanups = append(n.cleanups, func() { os.RemoveAll(dir) })
	if dbURL != "" {
		n.engine = "postgres"
		if dbURL, err = freshSchema(dbURL, n); err != nil {
			return nil, err
		}
	}
	if err := n.run(ctx, dbURL, natsURL, hasher, trustedProxies); err != nil {
		return nil, err
	}
	return n, n.bootstrap()
}

// run starts Parley for n on dbURL (SQLite in n.dataDir when empty) and
// waits until it is ready.
func (n *node) run(ctx context.Context, dbURL, natsURL string, hasher *auth.Hasher, trustedProxies string) error {
	dir := n.dataDir
	n.dbURL = dbURL
	cfg := &config.Config{Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: dbURL, NATSURL: natsURL, EventRetention: 168 * time.Hour,
		SecretKey: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", TrustedProxies: trustedProxies}
	runCtx, cancel := context.WithCancel(ctx)
	a, err := app.New(runCtx, cfg, app.Options{Logger: slog.New(slog.DiscardHandler), Hasher: hasher, NoApp: true})
	if err != nil {
		cancel()
		return err
	}
	if err := a.Listen(); err != nil {
		cancel()
		return err
	}
	cfg.PublicURL = "http://" + a.Addr()
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	n.app, n.base = a, "http://"+a.Addr()
	n.stop = func() { cancel(); <-done; a.Close() }
	for i := 0; ; i++ {
		if resp, err := http.Get(n.base + "/readyz"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 500 {
			return fmt.Errorf("node did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

func (n *node) close() {
	n.stop()
	for i := len(n.cleanups) - 1; i >= 0; i-- {
		n.cleanups[i]()
	}
}

func freshSchema(base string, n *node) (string, error) {
	b := make([]byte, 6)
	rand.Read(b)
	name := "bench_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + name); err != nil {
		return "", fmt.Errorf("create schema: %w", err)
	}
	n.cleanups = append(n.cleanups, func() {
		if db, err := sql.Open("pgx", base); err == nil {
			db.Exec("DROP SCHEMA " + name + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (n *node) call(method, path, token string, body any, out any) error {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, n.base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (n *node) bootstrap() error {
	tok, err := os.ReadFile(filepath.Join(n.dataDir, "setup-token"))
	if err != nil {
		return err
	}
	var login struct{ Token string }
	if err := n.call("POST", "/api/v1/setup", "", map[string]string{"token": strings.TrimSpace(string(tok)),
		"workspace_name": "Bench", "name": "Bench", "email": "bench@example.com", "password": "benchmark"}, &login); err != nil {
		return err
	}
	n.token = login.Token
	var ws struct{ Items []struct{ ID string } }
	if err := n.call("GET", "/api/v1/workspaces", n.token, nil, &ws); err != nil {
		return err
	}
	n.ws = ws.Items[0].ID
	var inbox struct {
		InboundToken string `json:"inbound_token"`
	}
	if err := n.call("POST", "/api/v1/workspaces/"+n.ws+"/inboxes", n.token, map[string]string{"name": "API", "channel": "api"}, &inbox); err != nil {
		return err
	}
	n.inbound = inbox.InboundToken
	return nil
}

// checkpoint asks PostgreSQL for a checkpoint before a measured run. Each
// run makes a schema and drops it, so a checkpoint that falls inside a
// later run has thousands of files to sync, and commits stall behind it
// for a second or two: an artefact of the bench, not of the workload. A
// server that has been running meets a checkpoint every few minutes, with
// its own files only.
func (n *node) checkpoint() {
	if n.dbURL == "" {
		return
	}
	db, err := sql.Open("pgx", n.dbURL)
	if err != nil {
		return
	}
	defer db.Close()
	if _, err := db.Exec("CHECKPOINT"); err != nil {
		fmt.Fprintln(os.Stderr, "checkpoint before the run:", err)
	}
}

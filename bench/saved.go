package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/parleyhq/parley/internal/sqlstore"
)

// savedWorld is what `bench seed -save DIR` writes beside a loaded
// workspace it keeps, so that `bench views -from DIR` can time it again
// without loading it again (a million conversations take tens of minutes
// to load; a query plan takes seconds to change).
type savedWorld struct {
	Engine     string   `json:"engine"`
	Schema     string   `json:"schema,omitempty"` // PostgreSQL: the kept schema
	Workspace  string   `json:"workspace"`
	AdminToken string   `json:"admin_token"`
	Inbound    string   `json:"inbound_token"`
	AgentID    string   `json:"agent_id"`
	AgentToken string   `json:"agent_token"`
	AdminID    string   `json:"admin_id"`
	TeamIDs    []string `json:"team_ids"`
	InboxIDs   []string `json:"inbox_ids"`
	Size       int      `json:"conversations"`
	Messages   int      `json:"messages"`
	Contacts   int      `json:"contacts"`
	Phones     []string `json:"phones"`
	Names      []string `json:"names"`
	Numbers    int      `json:"numbers"`

	dir string // where it was read from
}

func savedPath(dir, engine string) string { return filepath.Join(dir, engine+".json") }

// save stops n and keeps its database in dir: the SQLite data directory
// moves to dir/sqlite, a PostgreSQL schema stays where it is.
func save(n *node, w *seeded, size int, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sw := savedWorld{Engine: n.engine, Workspace: n.ws, AdminToken: n.token, Inbound: n.inbound, AgentID: w.agentID,
		AgentToken: w.agentToken, AdminID: w.adminID, TeamIDs: w.teamIDs, InboxIDs: w.inboxIDs, Size: size,
		Messages: w.messages, Contacts: w.contacts, Phones: w.phones, Names: w.names, Numbers: w.numbers}
	n.stop()
	if n.engine == "sqlite" {
		target := filepath.Join(dir, "sqlite")
		if err := os.RemoveAll(target); err != nil {
			return err
		}
		if err := os.Rename(n.dataDir, target); err != nil {
			return fmt.Errorf("save: move the SQLite data directory: %w", err)
		}
	} else {
		u, err := url.Parse(n.dbURL)
		if err != nil {
			return err
		}
		sw.Schema = u.Query().Get("search_path")
	}
	n.stop = func() {}
	n.cleanups = nil // keep the schema and the data directory
	raw, err := json.MarshalIndent(sw, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(savedPath(dir, n.engine), raw, 0o600)
}

// loadSaved reads what save wrote for engine; nil when dir has none.
func loadSaved(dir, engine string) (*savedWorld, error) {
	raw, err := os.ReadFile(savedPath(dir, engine))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sw savedWorld
	if err := json.Unmarshal(raw, &sw); err != nil {
		return nil, fmt.Errorf("%s: %w", savedPath(dir, engine), err)
	}
	sw.dir = dir
	return &sw, nil
}

// openSaved starts a node on a saved workspace; the database is kept when
// the node closes. New migrations apply to it as the node starts.
func openSaved(ctx context.Context, o nodeOptions) (*node, error) {
	sw := o.saved
	n := &node{engine: sw.Engine, token: sw.AdminToken, ws: sw.Workspace, inbound: sw.Inbound}
	dbURL := ""
	if sw.Engine == "sqlite" {
		n.dataDir = filepath.Join(sw.dir, "sqlite")
	} else {
		u, err := url.Parse(o.dbURL)
		if err != nil {
			return nil, err
		}
		q := u.Query()
		q.Set("search_path", sw.Schema)
		u.RawQuery = q.Encode()
		dbURL = u.String()
		dir, err := os.MkdirTemp("", "parley-bench-")
		if err != nil {
			return nil, err
		}
		n.dataDir = dir
		n.cleanups = append(n.cleanups, func() { os.RemoveAll(dir) })
	}
	if err := n.run(ctx, dbURL, o.natsURL, o.hasher, o.trustedProxies); err != nil {
		return nil, err
	}
	// Saved before seed did this itself.
	err := n.app.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		w, err := tx.FindWorkspaceByID(ctx, sw.Workspace)
		if err != nil || w.Settings.Lifecycle != nil && w.Settings.Lifecycle.AutoResolveHours == 0 {
			return err
		}
		quietLifecycle(w)
		return tx.UpdateWorkspace(ctx, w)
	})
	if err != nil {
		n.close()
		return nil, err
	}
	return n, nil
}

// world is the seeded view of a saved workspace.
func (sw *savedWorld) world() *seeded {
	return &seeded{agentID: sw.AgentID, agentToken: sw.AgentToken, adminID: sw.AdminID, teamIDs: sw.TeamIDs,
		inboxIDs: sw.InboxIDs, messages: sw.Messages, contacts: sw.Contacts, phones: sw.Phones, names: sw.Names, numbers: sw.Numbers}
}

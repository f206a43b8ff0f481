package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// list measures conversation-list and count latency over HTTP at a given
// number of conversations (seeded straight into the store).
func list(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	size := fs.Int("n", 100000, "conversations to seed")
	reqs := fs.Int("requests", 200, "requests per query")
	pg := postgresURL(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	engines := []string{""}
	if *pg != "" {
		engines = append(engines, *pg)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tconversations\tquery\tp50 ms\tp99 ms\t")
	for _, dbURL := range engines {
		n, err := startNode(ctx, dbURL)
		if err != nil {
			return err
		}
		t0 := time.Now()
		if err := seed(ctx, n, *size); err != nil {
			n.close()
			return err
		}
		fmt.Fprintf(os.Stderr, "seeded %d conversations on %s in %s\n", *size, n.engine, time.Since(t0).Round(time.Second))
		if err := settle(n); err != nil {
			n.close()
			return err
		}
		deep, err := cursorAfter(n, 20)
		if err != nil {
			n.close()
			return err
		}
		ws := "/api/v1/workspaces/" + n.ws
		for _, q := range []struct{ name, path string }{
			{"all, open statuses, first page", ws + "/conversations?view=all&status=queued,open,pending,snoozed&limit=50"},
			{"all, any status, page 21", ws + "/conversations?view=all&limit=50&cursor=" + deep},
			{"mine, first page", ws + "/conversations?view=mine&status=open,pending&limit=50"},
			{"unassigned, first page", ws + "/conversations?view=unassigned&status=open&limit=50"},
			{"resolved, first page", ws + "/conversations?status=resolved&limit=50"},
			{"counts (all/mine/unassigned)", ws + "/conversations/counts?status=queued,open,pending,snoozed"},
		} {
			p50, p99, err := timeGET(n, q.path, *reqs)
			if err != nil {
				n.close()
				return err
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%.1f\t%.1f\t\n", n.engine, *size, q.name, p50, p99)
		}
		if err := timeCounts(ctx, n, tw, *size, *reqs); err != nil {
			n.close()
			return err
		}
		n.close()
	}
	tw.Flush()
	fmt.Printf("\nconditions: one node, one workspace, signed in as admin, HTTP on loopback, %d cores\n", numCPU())
	return nil
}

// seed writes size contacts and conversations in batches: a mix of
// statuses, a fifth assigned to the admin, activity spread over a year.
func seed(ctx context.Context, n *node, size int) error {
	var inboxes struct{ Items []struct{ ID string } }
	if err := n.call("GET", "/api/v1/workspaces/"+n.ws+"/inboxes", n.token, nil, &inboxes); err != nil {
		return err
	}
	var me struct{ User struct{ ID string } }
	if err := n.call("GET", "/api/v1/me", n.token, nil, &me); err != nil {
		return err
	}
	inbox := inboxes.Items[0].ID
	statuses := []parley.ConversationStatus{parley.StatusOpen, parley.StatusOpen, parley.StatusPending, parley.StatusResolved,
		parley.StatusResolved, parley.StatusResolved, parley.StatusSnoozed, parley.StatusQueued}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Now().Add(-365 * 24 * time.Hour)
	const batch = 2000
	for done := 0; done < size; done += batch {
		err := n.app.Store.Write(ctx, func(tx *sqlstore.Tx) error {
			for i := done; i < min(done+batch, size); i++ {
				c := &parley.Contact{WorkspaceID: n.ws, Name: fmt.Sprintf("Customer %d", i),
					Identities: []parley.ContactIdentity{{InboxID: inbox, SourceID: fmt.Sprintf("seed-%d", i)}}}
				if err := tx.CreateContact(ctx, c); err != nil {
					return err
				}
				conv := &parley.Conversation{WorkspaceID: n.ws, ContactID: c.ID, InboxID: inbox,
					Status:         statuses[rng.IntN(len(statuses))],
					LastActivityAt: base.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))),
					LastMessage:    &parley.MessagePreview{Content: "Hello, about my order", Direction: parley.DirectionIn, SenderKind: parley.SenderContact}}
				if rng.IntN(5) == 0 {
					conv.AssigneeIDs = []string{me.User.ID}
				}
				if err := tx.CreateConversation(ctx, conv); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

func cursorAfter(n *node, pages int) (string, error) {
	cursor := ""
	for range pages {
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		if err := n.call("GET", "/api/v1/workspaces/"+n.ws+"/conversations?limit=50&cursor="+cursor, n.token, nil, &page); err != nil {
			return "", err
		}
		cursor = page.NextCursor
	}
	return cursor, nil
}

func timeGET(n *node, path string, count int) (p50, p99 float64, err error) {
	lat := make([]time.Duration, 0, count)
	for range count {
		req, _ := http.NewRequest("GET", n.base+path, nil)
		req.Header.Set("Authorization", "Bearer "+n.token)
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, 0, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), nil
}

// timeCounts times each view's count alone, in the store.
func timeCounts(ctx context.Context, n *node, tw io.Writer, size, count int) error {
	var me struct{ User struct{ ID string } }
	if err := n.call("GET", "/api/v1/me", n.token, nil, &me); err != nil {
		return err
	}
	open := []parley.ConversationStatus{parley.StatusQueued, parley.StatusOpen, parley.StatusPending, parley.StatusSnoozed}
	for _, view := range []string{sqlstore.ViewAll, sqlstore.ViewMine, sqlstore.ViewUnassigned} {
		f := sqlstore.ConversationFilter{Scope: access.Scope{WorkspaceID: n.ws, UserID: me.User.ID, All: true}, View: view, Statuses: open}
		lat := make([]time.Duration, 0, count)
		for range count {
			t0 := time.Now()
			if _, err := n.app.Store.CountConversations(ctx, f); err != nil {
				return err
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Fprintf(tw, "%s\t%d\tstore count %s\t%.1f\t%.1f\t\n", n.engine, size, view, ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]))
	}
	return nil
}

// settle does what the database's background maintenance does in steady
// state after a bulk load: statistics for the planner (and, on
// PostgreSQL, the visibility map that index-only scans need).
func settle(n *node) error {
	if n.dbURL == "" {
		_, err := n.app.Store.ExecMaintenance(context.Background(), "ANALYZE")
		return err
	}
	db, err := sql.Open("pgx", n.dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec("VACUUM ANALYZE")
	return err
}

package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// importFile is a CSV of rows contacts p<i>@example.com, with bad rows
// (neither email nor phone) after every 1000th.
func importFile(rows, bad int) []byte {
	var sb strings.Builder
	sb.WriteString("email,name,phone,tags\n")
	for i := range rows {
		fmt.Fprintf(&sb, "p%d@example.com,Person %d,+1415%07d,imported\n", i, i, i)
		if i%1000 == 999 && bad > 0 {
			sb.WriteString(",Nobody,,\n")
			bad--
		}
	}
	return []byte(sb.String())
}

// importNode is one node's scheduler running the import job.
func importNode(t *testing.T, st *sqlstore.Store, svc *Service, clock parley.Clock) *scheduler.Scheduler {
	t.Helper()
	s, err := scheduler.New(scheduler.Config{Store: st, Clock: clock, Concurrency: 1,
		Handlers: map[string]scheduler.Handler{KindContactImport: svc.ContactImportJob()}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func liveContacts(t *testing.T, st *sqlstore.Store, ws string) int {
	t.Helper()
	ids, err := st.ListContactIDs(context.Background(), sqlstore.ContactFilter{WorkspaceID: ws, Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	return len(ids)
}

// TestContactImport_ResumesAfterCrash: node A dies after two batches of a
// background import; node B cannot take the job while A's lease holds,
// takes it after, and finishes from A's last committed batch; A's stale
// claim cannot write once B holds the job. The counts come out exact and
// no contact is written twice.
func TestContactImport_ResumesAfterCrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		ws := f.Workspace.ID
		svc := New(st, nil)
		// 100 of the people exist already, under another name.
		const rows, existing, bad = 3200, 100, 3
		for i := range existing {
			email := fmt.Sprintf("p%d@example.com", i)
			if _, err := svc.CreateContact(ctx, f.Admin, ContactInput{Email: &email}, nil); err != nil {
				t.Fatal(err)
			}
		}
		// The schedulers' clock is ahead of the store's (the job is due) and
		// moves only when the test moves it (the leases).
		clock := clocktest.New(time.Now().Add(time.Hour))
		im, done, err := svc.ImportContacts(ctx, f.Admin, ImportRequest{CSV: importFile(rows, bad)})
		if err != nil || done || im.Status != "running" || im.Total != rows+bad || im.Failed != bad {
			t.Fatalf("ImportContacts = %+v, done %v, %v; want running in the background", im, done, err)
		}

		// Node A crashes once its second batch has committed.
		nodeA := importNode(t, st, svc, clock)
		crashCtx, crash := context.WithCancel(ctx)
		batches := 0
		svc.afterImportBatch = func(*sqlstore.ContactImport) {
			if batches++; batches == 2 {
				crash()
			}
		}
		if n, err := nodeA.RunOnce(crashCtx); err != nil || n != 1 {
			t.Fatalf("node A RunOnce = %d, %v", n, err)
		}
		svc.afterImportBatch = nil
		svc.importSlice = time.Nanosecond // from now on one batch per claim: B's claims reschedule the job
		mid, err := st.FindContactImport(ctx, ws, im.ID)
		if err != nil {
			t.Fatal(err)
		}
		if mid.Status != "running" || mid.Processed != bad+2*importBatch || mid.Created != 2*importBatch-existing || mid.Updated != existing {
			t.Fatalf("after the crash: %+v, want two batches written", mid)
		}
		stale, err := st.FindJob(ctx, KindContactImport, im.ID)
		if err != nil {
			t.Fatal(err)
		}

		// Node B: nothing to claim while A's lease holds.
		nodeB := importNode(t, st, svc, clock)
		if n, err := nodeB.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("node B claimed %d jobs under A's lease (%v)", n, err)
		}
		clock.Add(3 * time.Minute) // A's lease runs out
		if n, err := nodeB.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("node B RunOnce = %d, %v", n, err)
		}
		// A comes back with its old claim: it cannot write a batch.
		before := liveContacts(t, st, ws)
		if err := svc.ContactImportJob().Run(ctx, stale); !errors.Is(err, errLostImport) {
			t.Errorf("A's stale claim ran: %v, want errLostImport", err)
		}
		if got := liveContacts(t, st, ws); got != before {
			t.Errorf("A's stale claim wrote %d contacts", got-before)
		}
		for range 20 {
			if n, err := nodeB.RunOnce(ctx); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				break
			}
		}

		got, err := st.FindContactImport(ctx, ws, im.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := sqlstore.ContactImport{Status: "done", Total: rows + bad, Processed: rows + bad, Created: rows - existing, Updated: existing, Failed: bad}
		if got.Status != want.Status || got.Total != want.Total || got.Processed != want.Processed || got.Created != want.Created ||
			got.Updated != want.Updated || got.Unchanged != 0 || got.Failed != want.Failed || len(got.Errors) != bad {
			t.Errorf("import = %+v, want %+v", got, want)
		}
		if n := liveContacts(t, st, ws); n != rows {
			t.Errorf("%d contacts, want %d (none twice)", n, rows)
		}
		for _, email := range []string{"p0@example.com", "p999@example.com", "p1000@example.com", "p3199@example.com"} {
			id, err := st.FindContactIDByEmail(ctx, ws, email)
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			c, err := st.FindContactByID(ctx, ws, id)
			if err != nil || !strings.HasPrefix(c.Name, "Person ") || len(c.Tags) != 1 {
				t.Errorf("%s = %+v, %v", email, c, err)
			}
		}
		if _, err := st.FindJob(ctx, KindContactImport, im.ID); !parley.IsNotFound(err) {
			t.Errorf("the job is still there: %v", err)
		}
		if _, err := st.FindContactImportFile(ctx, ws, im.ID); !parley.IsNotFound(err) {
			t.Errorf("the file is still kept: %v", err)
		}
		// Each committed batch was announced to the workspace's clients.
		evs, err := st.EventsAfter(ctx, ws, 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		var seen []sqlstore.ContactImport
		for _, e := range evs {
			var p sqlstore.ContactImport
			if e.Type == EventContactImportUpdated && json.Unmarshal(e.Data, &p) == nil && p.ID == im.ID {
				seen = append(seen, p)
			}
		}
		if len(seen) < rows/importBatch {
			t.Errorf("%d progress events, want one per batch", len(seen))
		} else if last := seen[len(seen)-1]; last.Status != "done" || last.Processed != rows+bad {
			t.Errorf("last progress event %+v, want done", last)
		}
		// Importing the same file again changes nothing.
		again, _, err := svc.ImportContacts(ctx, f.Admin, ImportRequest{CSV: importFile(rows, bad)})
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			if n, _ := nodeB.RunOnce(ctx); n == 0 {
				break
			}
		}
		if again, err = st.FindContactImport(ctx, ws, again.ID); err != nil || again.Status != "done" || again.Unchanged != rows {
			t.Errorf("second import = %+v, %v; want %d unchanged", again, err, rows)
		}
	})
}

// TestContactImport_Time measures a background import of
// PARLEY_IMPORT_ROWS rows (say 100000) through the job, on each store.
// Skipped unless the variable is set.
func TestContactImport_Time(t *testing.T) {
	rows, _ := strconv.Atoi(os.Getenv("PARLEY_IMPORT_ROWS"))
	if rows <= 0 {
		t.Skip("set PARLEY_IMPORT_ROWS=100000 to time a large import")
	}
	storetest.Each(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		svc := New(st, nil)
		file := importFile(rows, 0)
		node, err := scheduler.New(scheduler.Config{Store: st, Concurrency: 1, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
			Handlers: map[string]scheduler.Handler{KindContactImport: svc.ContactImportJob()}})
		if err != nil {
			t.Fatal(err)
		}
		claims := 0
		svc.afterImportBatch = func(im *sqlstore.ContactImport) {
			if im.Processed%10000 == 0 {
				t.Logf("%s: %d rows at %s", st.Dialect(), im.Processed, time.Now().Format(time.TimeOnly))
			}
		}
		start := time.Now()
		im, _, err := svc.ImportContacts(ctx, f.Admin, ImportRequest{CSV: file})
		if err != nil {
			t.Fatal(err)
		}
		var got *sqlstore.ContactImport
		for {
			n, err := node.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			claims += n
			if got, err = st.FindContactImport(ctx, f.Workspace.ID, im.ID); err != nil || got.Status != "running" {
				break
			}
			if n == 0 { // a claim failed and waits its backoff: the log says why
				time.Sleep(time.Second)
			}
		}
		took := time.Since(start)
		if got == nil || got.Status != "done" || got.Created != rows {
			t.Fatalf("import = %+v", got)
		}
		t.Logf("%s: %d rows (%.1f MB) imported in %v (%.0f rows/s, %d claims)", st.Dialect(), rows, float64(len(file))/1e6,
			took.Round(time.Millisecond), float64(rows)/took.Seconds(), claims)
	})
}

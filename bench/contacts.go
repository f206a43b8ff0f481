package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// contactsCmd loads n contacts into a fresh node (COPY on PostgreSQL,
// multi-row INSERTs in one transaction on SQLite, secondary indexes built
// once after the load) and times, over HTTP, the contact list's pages,
// filters and search shapes, and the CSV export's throughput:
//
//	go run ./bench contacts [-n 1000000] [-requests 30] [-postgres URL] [-sqlite]
func contactsCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("contacts", flag.ContinueOnError)
	size := fs.Int("n", 1000000, "contacts to load")
	reqs := fs.Int("requests", 30, "requests per query")
	pg := postgresURL(fs)
	sqliteOnly := fs.Bool("sqlite", false, "SQLite only, even when a PostgreSQL URL is known")
	pgOnly := fs.Bool("pg", false, "PostgreSQL only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var engines []string
	if !*pgOnly {
		engines = append(engines, "")
	}
	if *pg != "" && !*sqliteOnly {
		engines = append(engines, *pg)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tcontacts\tquery\tp50 ms\tp99 ms\trows\tload avg\t")
	for _, dbURL := range engines {
		if err := benchContacts(ctx, dbURL, *size, *reqs, tw); err != nil {
			return err
		}
	}
	tw.Flush()
	fmt.Printf("\nconditions: one node, one workspace, signed in as admin, HTTP on loopback, %d cores shared with other work (load avg per row)\n", numCPU())
	return nil
}

func benchContacts(ctx context.Context, dbURL string, size, reqs int, tw io.Writer) error {
	n, err := startNode(ctx, dbURL)
	if err != nil {
		return err
	}
	defer n.close()
	t0 := time.Now()
	shapes, err := loadContacts(ctx, n, size)
	if err != nil {
		return err
	}
	if err := settle(n); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: loaded %d contacts in %s (%.0f rows/s, load avg %s)\n", n.engine, size, time.Since(t0).Round(time.Second),
		float64(size)/time.Since(t0).Seconds(), loadAvg())
	base := "/api/v1/workspaces/" + n.ws + "/contacts?limit=50"
	for _, q := range []struct{ name, query string }{
		{"first page, newest first", ""},
		{"first page by name", "&sort=name_asc"},
		{"tag vip (10%)", "&tag=vip"},
		{"attribute plan:enterprise (5%)", "&attribute=plan:enterprise"},
		{"tag vip and attribute plan:enterprise", "&tag=vip&attribute=plan:enterprise"},
		{"search common term (company, 22%)", "&q=globex"},
		{"search common term, second page", "&q=globex&cursor=" + shapes.globexCursor},
		{"search rare name part (0.01%)", "&q=zbigniew"},
		{"search email part (1 match)", "&q=" + url.QueryEscape(shapes.emailPart)},
		{"search phone, national format (1 match)", "&q=" + url.QueryEscape(shapes.phone)},
		{"search matching nothing", "&q=zqxj"},
	} {
		var rows int
		p50, p99, err := timeGETRows(n, base+q.query, reqs, &rows)
		if err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.1f\t%.1f\t%d\t%s\t\n", n.engine, size, q.name, p50, p99, rows, loadAvg())
	}
	for _, q := range []struct{ name, query string }{
		{"export tag vip (CSV)", "?tag=vip"},
		{"export search globex (CSV)", "?q=globex"},
	} {
		t := time.Now()
		lines, bytes, err := exportLines(n, "/api/v1/workspaces/"+n.ws+"/contacts/export"+q.query)
		if err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		took := time.Since(t)
		fmt.Fprintf(tw, "%s\t%d\t%s: %.1f MB in %.1f s, %.0f rows/s\t\t\t%d\t%s\t\n", n.engine, size, q.name, float64(bytes)/1e6,
			took.Seconds(), float64(lines)/took.Seconds(), lines, loadAvg())
	}
	return nil
}

// contactShapes are values the searches look for.
type contactShapes struct {
	emailPart, phone, globexCursor string
}

var contactCompanies = []string{"Acme", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay", "Soylent",
	"Tyrell", "Cyberdyne", "Aperture", "Wonka", "Gringotts", "Oceanic", "Monarch", ""}

// loadContacts loads size contacts: names from the seed's lists (one in
// 10,000 with the rare surname Zbigniewska), 22% at company Globex, a
// unique phone and email each, tags (vip 10%), a plan attribute
// (enterprise 5%), 2% archived.
func loadContacts(ctx context.Context, n *node, size int) (*contactShapes, error) {
	l, closeLoader, err := openLoader(ctx, n)
	if err != nil {
		return nil, err
	}
	defer closeLoader()
	restore, err := l.dropIndexes(ctx)
	if err != nil {
		return nil, err
	}
	if l.pg == nil {
		restore = append(restore, `INSERT INTO contacts_trgm (contacts_trgm) VALUES ('rebuild')`)
	}
	rng := mrand.New(mrand.NewPCG(17, 19))
	start := time.Now().Add(-time.Duration(size) * time.Second)
	cols := []string{"id", "workspace_id", "name", "email", "phone", "company", "attributes", "tags", "archived", "created_at", "updated_at"}
	plans := []string{"free", "free", "free", "free", "free", "free", "free", "free", "free", "free", "pro", "pro", "pro", "pro", "pro", "pro", "pro", "pro", "pro", "enterprise"}
	shapes := &contactShapes{}
	for i := range size {
		created := start.Add(time.Duration(i) * time.Second)
		last := lastNames[rng.IntN(len(lastNames))]
		if i%10000 == 5000 {
			last = "Zbigniewska"
		}
		name := firstNames[rng.IntN(len(firstNames))] + " " + last
		local := asciiLower(last)
		if local == "" {
			local = "contact"
		}
		email := fmt.Sprintf("%s.%d@%s", local, i, []string{"example.com", "mail.example.org", "corp.example.net"}[i%3])
		phone := countries[i%len(countries)] + fmt.Sprintf("%07d", i%10000000)
		company := contactCompanies[rng.IntN(len(contactCompanies))]
		if rng.IntN(100) < 22 {
			company = "Globex"
		}
		var tags []string
		if rng.IntN(10) == 0 {
			tags = append(tags, "vip")
		}
		if rng.IntN(20) == 0 {
			tags = append(tags, tagNames[1+rng.IntN(len(tagNames)-1)])
		}
		attrs, _ := json.Marshal(map[string]string{"plan": plans[rng.IntN(len(plans))]})
		if i == size/2 {
			shapes.emailPart = fmt.Sprintf("%s.%d@", local, i)
		}
		if i == size/2-size/2%10 { // countries[0] is +1415
			d := fmt.Sprintf("%07d", i%10000000)
			shapes.phone = "(415) " + d[:3] + "-" + d[3:]
		}
		if err := l.add("contacts", cols, []int{0, 1}, uuidAt(created, rng), n.ws, name, email, phone, company, string(attrs), jsonText(tags),
			rng.IntN(50) == 0, micro(created), micro(created)); err != nil {
			return nil, err
		}
	}
	if err := l.flushAll(loadOrder); err != nil {
		return nil, err
	}
	if l.pg != nil {
		for _, q := range restore {
			if _, err := l.pg.Exec(ctx, q); err != nil {
				return nil, fmt.Errorf("contacts: rebuild indexes: %s: %w", q[:min(len(q), 60)], err)
			}
		}
	} else {
		if err := l.finishSQLite(restore); err != nil {
			return nil, err
		}
	}
	// The second page of the common search: the cursor the first returns.
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	if err := n.call("GET", "/api/v1/workspaces/"+n.ws+"/contacts?limit=50&q=globex", n.token, nil, &page); err != nil {
		return nil, err
	}
	shapes.globexCursor = url.QueryEscape(page.NextCursor)
	return shapes, nil
}

func asciiLower(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// timeGETRows is timeGET that also reports the items of the last answer.
func timeGETRows(n *node, path string, count int, rows *int) (p50, p99 float64, err error) {
	p50, p99, err = timeGET(n, path, count)
	if err != nil {
		return 0, 0, err
	}
	var page struct{ Items []json.RawMessage }
	if err := n.call("GET", path, n.token, nil, &page); err != nil {
		return 0, 0, err
	}
	*rows = len(page.Items)
	return p50, p99, nil
}

// exportLines downloads an export and counts its data rows and bytes.
func exportLines(n *node, path string) (lines, size int, err error) {
	req, _ := http.NewRequest("GET", n.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+n.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, 0, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	buf := make([]byte, 64<<10)
	for {
		k, err := resp.Body.Read(buf)
		size += k
		lines += strings.Count(string(buf[:k]), "\n")
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, 0, err
		}
	}
	return lines - 1, size, nil // the header
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// views loads a workspace (as bench seed does) and times every view, the
// counts, common filters and search shapes over HTTP, as an agent whose
// scope is their team (with visibility lists on 5% of conversations) and
// as an admin, at concurrency 1 and 16.
func views(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("views", flag.ContinueOnError)
	size := fs.Int("n", 100000, "conversations")
	per := fs.Int("m", 10, "messages per conversation, on average")
	reqs := fs.Int("requests", 100, "requests per query and concurrency")
	conc := fs.String("concurrency", "1,16", "concurrency levels")
	only := fs.String("only", "", "run only queries whose name contains this (several: separated by |)")
	pg := postgresURL(fs)
	sqliteOnly := fs.Bool("sqlite", false, "SQLite only")
	pgOnly := fs.Bool("pg-only", false, "PostgreSQL only")
	from := fs.String("from", "", "time the workspaces `bench seed -save` kept in this directory instead of loading new ones (-n and -m are ignored)")
	budget := fs.Duration("budget", 0, "stop timing a query after this long (0: all requests); the n column says how many ran")
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
	var levels []int
	for _, c := range strings.Split(*conc, ",") {
		var v int
		fmt.Sscan(c, &v)
		levels = append(levels, max(1, v))
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tconversations\tmessages\tas\tconc\tquery\tn\tp50 ms\tp99 ms\t")
	for _, dbURL := range engines {
		n, w, err := viewsWorld(ctx, dbURL, *from, size, *per)
		if err != nil {
			return err
		}
		n.checkpoint()
		base := "/api/v1/workspaces/" + n.ws
		f := func(js string) string { return "&filter=" + url.QueryEscape(js) }
		type q struct{ name, path string }
		var qs []q
		for _, v := range []string{"all", "mine", "unassigned", "team", "queued", "pinned", "important", "unread", "unread_team",
			"unreplied", "read_no_reply", "waiting_client", "client_responded", "handoff", "appointments", "dialogs", "closed"} {
			qs = append(qs, q{"view " + v, base + "/conversations?limit=50&view=" + v})
		}
		qs = append(qs,
			q{"counts (17 views)", base + "/conversations/counts"},
			q{"filter channel=whatsapp", base + "/conversations?limit=50" + f(`{"conditions":[{"field":"channel","op":"eq","value":"whatsapp"}]}`)},
			q{"filter tag=vip", base + "/conversations?limit=50" + f(`{"conditions":[{"field":"tag","op":"eq","value":"vip"}]}`)},
			q{"filter has_phone+7d", base + "/conversations?limit=50" + f(`{"match":"all","conditions":[{"field":"has_phone","op":"eq","value":true},{"field":"last_activity_at","op":"eq","value":"7d"}]}`)},
			q{"filter any(urgent,refund)", base + "/conversations?limit=50" + f(`{"match":"any","conditions":[{"field":"priority","op":"eq","value":"urgent"},{"field":"tag","op":"eq","value":"refund"}]}`)},
			q{"filter plan=enterprise", base + "/conversations?limit=50" + f(`{"conditions":[{"field":"contact.attributes.plan","op":"eq","value":"enterprise"}]}`)},
			q{"counts, filter channel", base + "/conversations/counts?" + f(`{"conditions":[{"field":"channel","op":"eq","value":"whatsapp"}]}`)[1:]},
			// What the inbox and a saved filter ask: the one view shown.
			q{"count, filter channel, one view", base + "/conversations/counts?views=all" + f(`{"conditions":[{"field":"channel","op":"eq","value":"whatsapp"}]}`)},
			q{"count, filter tag, one view", base + "/conversations/counts?views=all" + f(`{"conditions":[{"field":"tag","op":"eq","value":"vip"}]}`)},
			q{"sort priority", base + "/conversations?limit=50&sort=priority"},
			q{"search rare word", base + "/search?limit=20&q=zephyrine"},
			q{"search common word", base + "/search?limit=20&q=order"},
			q{"search phrase", base + "/search?limit=20&q=" + url.QueryEscape(`"tracking number"`)},
			q{"search phone", base + "/search?limit=20&q=" + url.QueryEscape(spaced(w.phones[len(w.phones)/2]))},
			q{"search name prefix", base + "/search?limit=20&q=" + url.QueryEscape(prefix(w.names[len(w.names)/3], 4))},
			q{"search #number", base + "/search?limit=20&q=" + url.QueryEscape(fmt.Sprintf("#%d", *size/2))},
			q{"dashboard", base + "/dashboard"},
		)
		for _, as := range []struct{ name, token string }{{"agent", w.agentToken}, {"admin", n.token}} {
			for _, c := range levels {
				for _, qq := range qs {
					if *only != "" && !slices.ContainsFunc(strings.Split(*only, "|"), func(o string) bool { return strings.Contains(qq.name, o) }) {
						continue
					}
					p50, p99, ran, err := timeConcurrent(n, as.token, qq.path, *reqs, c, *budget)
					if err != nil {
						n.close()
						return err
					}
					fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%s\t%d\t%.1f\t%.1f\t\n", n.engine, *size, w.messages, as.name, c, qq.name, ran, p50, p99)
					tw.Flush()
				}
			}
		}
		n.close()
	}
	tw.Flush()
	fmt.Printf("\nconditions: one node, one workspace, HTTP on loopback, %d cores; agent scope teams (1 of 5 teams) + visibility lists on 5%%\n", numCPU())
	return nil
}

// viewsWorld starts a node on a saved workspace (from set) or on one it
// loads now; size becomes the saved workspace's size.
func viewsWorld(ctx context.Context, dbURL, from string, size *int, per int) (*node, *seeded, error) {
	if from != "" {
		engine := "sqlite"
		if dbURL != "" {
			engine = "postgres"
		}
		sw, err := loadSaved(from, engine)
		if err != nil {
			return nil, nil, err
		}
		if sw == nil {
			return nil, nil, fmt.Errorf("%s: no saved %s workspace (run bench seed -save %s)", from, engine, from)
		}
		n, err := openNode(ctx, nodeOptions{dbURL: dbURL, saved: sw})
		if err != nil {
			return nil, nil, err
		}
		*size = sw.Size
		return n, sw.world(), nil
	}
	n, err := startNode(ctx, dbURL)
	if err != nil {
		return nil, nil, err
	}
	w, err := loadWorld(ctx, n, *size, per)
	if err != nil {
		n.close()
		return nil, nil, err
	}
	fmt.Fprintf(os.Stderr, "%s: loaded %d conversations, %d messages in %s\n", n.engine, *size, w.messages, w.took.Round(time.Second))
	return n, w, nil
}

func spaced(phone string) string {
	if len(phone) < 8 {
		return phone
	}
	return phone[:2] + " " + phone[2:5] + " " + phone[5:8] + " " + phone[8:]
}

func prefix(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}

// timeConcurrent runs count requests per worker... in total count, over c
// workers, and returns the p50 and p99 latency.
// timeConcurrent sends count requests over c connections and returns the
// p50 and p99 in milliseconds and how many ran; with a budget, workers stop
// starting requests once it is spent (a query that takes seconds at a
// million rows would otherwise hold the run for hours).
func timeConcurrent(n *node, token, path string, count, c int, budget time.Duration) (p50, p99 float64, ran int, err error) {
	// Warm up once.
	if _, err := get(n, token, path); err != nil {
		return 0, 0, 0, err
	}
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	per := max(2, count/c)
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				if budget > 0 && time.Since(start) > budget {
					return
				}
				d, err := get(n, token, path)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return 0, 0, 0, firstErr
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return ms(lat[len(lat)/2]), ms(lat[min(len(lat)-1, len(lat)*99/100)]), len(lat), nil
}

func get(n *node, token, path string) (time.Duration, error) {
	req, _ := http.NewRequest("GET", n.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return time.Since(t0), nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/session"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// login measures the memory a burst of concurrent correct sign-ins costs
// the server (in this process, with the production argon2id hasher): RSS
// before, its peak during, and some time after. Each sign-in is a distinct
// user, as a shift of agents signing in at once, each from an address of
// its own behind a trusted proxy (-one-address sends them all from one
// address: more than MaxIPFailures at once are then refused with 429,
// since every attempt holds a slot of its address's limit until its
// password is checked).
func login(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	count := fs.Int("n", 200, "concurrent sign-ins (one user each)")
	after := fs.Duration("after", 10*time.Second, "how long after the burst to read RSS again")
	oneAddress := fs.Bool("one-address", false, "send every sign-in from one address")
	pg := postgresURL(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	hasher := auth.NewHasher(auth.DefaultConcurrency())
	n, err := startNodeHasher(ctx, *pg, "", hasher, "127.0.0.1/32")
	if err != nil {
		return err
	}
	defer n.close()
	hash, err := hasher.Hash(ctx, "correct horse battery")
	if err != nil {
		return err
	}
	emails := make([]string, *count)
	err = n.app.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		for i := range emails {
			emails[i] = fmt.Sprintf("agent%d@example.com", i)
			if _, err := session.CreateUserInWorkspace(ctx, tx, emails[i], "Agent", hash, "Bench", parley.RoleAgent); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	runtime.GC()
	time.Sleep(time.Second) // let the start-up settle before the first reading
	before := rssKB()

	var peak atomic.Int64
	peak.Store(before)
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if r := rssKB(); r > peak.Load() {
					peak.Store(r)
				}
			}
		}
	}()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *count}, Timeout: 5 * time.Minute}
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i, email := range emails {
		wg.Add(1)
		go func() {
			defer wg.Done()
			raw, _ := json.Marshal(map[string]string{"email": email, "password": "correct horse battery"})
			req, _ := http.NewRequest("POST", n.base+"/api/v1/auth/login", bytes.NewReader(raw))
			req.Header.Set("Content-Type", "application/json")
			if !*oneAddress {
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", i/250, i%250+1))
			}
			resp, err := client.Do(req)
			if err != nil {
				failed.Add(1)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ok.Add(1)
			} else {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(stop)
	<-sampled
	client.CloseIdleConnections()
	time.Sleep(*after)
	later := rssKB()

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tsign-ins\tok\tfailed\ttook s\tGOMAXPROCS\tRSS before MB\tRSS peak MB\tRSS "+after.String()+" after MB\t")
	fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f\t%d\t%.0f\t%.0f\t%.0f\t\n", n.engine, *count, ok.Load(), failed.Load(),
		took.Seconds(), runtime.GOMAXPROCS(0), mb(before), mb(peak.Load()), mb(later))
	return tw.Flush()
}

// rssKB reads this process's resident set size from /proc (Linux).
func rssKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

func mb(kb int64) float64 { return float64(kb) / 1024 }

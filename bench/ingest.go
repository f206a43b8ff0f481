package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	_ "modernc.org/sqlite"
)

// ingest measures the API-channel inbound path end to end (HTTP, JSON,
// one transaction, commit, 202) at several concurrencies, beside the raw
// single-row insert rate of the same engine.
func ingest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	total := fs.Int("n", 4000, "messages per concurrency level")
	contacts := fs.Int("contacts", 500, "distinct customers writing")
	pg := postgresURL(fs)
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	withSQLite := fs.Bool("sqlite", true, "include the SQLite run")
	checkpoint := fs.Bool("checkpoint", true, "PostgreSQL: checkpoint before each concurrency level (see node.checkpoint)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var engines []string
	if *withSQLite {
		engines = append(engines, "")
	}
	if *pg != "" {
		engines = append(engines, *pg)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tconcurrency\tmessages\tmsgs/s\tp50 ms\tp99 ms\traw inserts/s (1 row/tx, same concurrency)\t")
	for _, dbURL := range engines {
		n, err := startNode(ctx, dbURL)
		if err != nil {
			return err
		}
		for _, c := range []int{1, 16, 64} {
			count := *total
			if c == 1 {
				count = min(count, 1000)
			}
			if *checkpoint {
				n.checkpoint()
			}
			r, err := drive(n, c, count, *contacts)
			if err != nil {
				n.close()
				return err
			}
			raw, err := rawInserts(n, c, min(count, 2000))
			if err != nil {
				n.close()
				return err
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.1f\t%.1f\t%.0f\t\n", n.engine, c, count, r.rate, r.p50, r.p99, raw)
		}
		n.close()
	}
	tw.Flush()
	fmt.Printf("\nconditions: %d customers, fresh database per engine, one node, HTTP on loopback, GOMAXPROCS=%d\n", *contacts, numCPU())
	return nil
}

type result struct{ rate, p50, p99 float64 }

var seq atomic.Int64

func drive(n *node, concurrency, count, contacts int) (result, error) {
	url := n.base + "/api/v1/inbound/" + n.inbound + "/messages"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	lat := make([]time.Duration, count)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= count {
					return
				}
				id := seq.Add(1)
				body := fmt.Sprintf(`{"contact":{"source_id":"cust-%d","name":"Customer %d"},"source_message_id":"bench-%d","content":"Hello, I have a question about order %d"}`,
					id%int64(contacts), id%int64(contacts), id, id)
				t0 := time.Now()
				resp, err := client.Post(url, "application/json", bytes.NewBufferString(body))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 202 {
						err = fmt.Errorf("inbound answered %d", resp.StatusCode)
					}
				}
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return result{}, firstErr
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return result{rate: float64(count) / elapsed.Seconds(), p50: ms(lat[count/2]), p99: ms(lat[count*99/100])}, nil
}

// rawInserts measures the engine's physical limit for durable single-row
// transactions at the given concurrency, without Parley: a plain table,
// one INSERT per transaction, committed with the same durability
// (SQLite WAL + synchronous=FULL; PostgreSQL defaults).
func rawInserts(n *node, concurrency, count int) (float64, error) {
	var db *sql.DB
	var err error
	if n.dbURL == "" {
		path := filepath.Join(n.dataDir, "raw.db")
		db, err = sql.Open("sqlite", "file:"+path+"?_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(60000)")
	} else {
		db, err = sql.Open("pgx", n.dbURL)
	}
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(concurrency)
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS raw_bench (id BIGINT PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		return 0, err
	}
	var next atomic.Int64
	base := seq.Add(int64(count) + 1)
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(count) {
					return
				}
				tx, err := db.Begin()
				if err == nil {
					_, err = tx.Exec(`INSERT INTO raw_bench (id, body) VALUES ($1, $2)`, base+i, "Hello, I have a question about my order")
					if err == nil {
						err = tx.Commit()
					} else {
						tx.Rollback()
					}
				}
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(count) / time.Since(start).Seconds(), firstErr
}

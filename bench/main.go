// Command bench is Parley's load harness. Each run prints its figures and
// the conditions (engine, data size, concurrency) as a table.
//
//	go run ./bench ingest [-n 4000] [-postgres URL]   API-channel inbound msgs/s, p50/p99
//	go run ./bench realtime [-rate 200] [-agents 1,100,1000] [-postgres URL] [-nats URL]
//	                                                 inbound -> WebSocket latency p50/p99
//	go run ./bench list [-n 100000] [-postgres URL]    conversation list and count p50/p99
//	go run ./bench login [-n 200] [-after 10s]          RSS before, during and after a burst of
//	                                                 concurrent correct sign-ins (real argon2id)
//	go run ./bench seed [-n 100000] [-m 10] [-postgres URL]  load a realistic workspace (timed)
//	go run ./bench contacts [-n 1000000] [-requests 30] [-postgres URL]  load contacts (COPY), time
//	                                                 list pages, filters, search shapes, export
//	go run ./bench views [-n 100000] [-m 10] [-requests 100] [-concurrency 1,16] [-postgres URL]
//	                                                 every view, counts, filters, search p50/p99
//
// PostgreSQL runs when -postgres (or PARLEY_BENCH_POSTGRES_URL, or
// PARLEY_TEST_POSTGRES_URL) names a database; every run uses a fresh schema.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./bench ingest|realtime [flags]")
		os.Exit(2)
	}
	ctx := context.Background()
	var err error
	switch os.Args[1] {
	case "ingest":
		err = ingest(ctx, os.Args[2:])
	case "realtime":
		err = realtime(ctx, os.Args[2:])
	case "list":
		err = list(ctx, os.Args[2:])
	case "login":
		err = login(ctx, os.Args[2:])
	case "seed":
		err = seedCmd(ctx, os.Args[2:])
	case "contacts":
		err = contactsCmd(ctx, os.Args[2:])
	case "views":
		err = views(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown benchmark %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func postgresURL(fs *flag.FlagSet) *string {
	def := os.Getenv("PARLEY_BENCH_POSTGRES_URL")
	if def == "" {
		def = os.Getenv("PARLEY_TEST_POSTGRES_URL")
	}
	return fs.String("postgres", def, "PostgreSQL URL (empty: SQLite only)")
}

package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/coder/websocket"
)

// realtime measures inbound-to-WebSocket latency: customer messages are
// posted at a fixed rate while N agents are connected; each socket records
// how long after the POST began each message.created arrived.
func realtime(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("realtime", flag.ContinueOnError)
	profile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	rate := fs.Int("rate", 200, "inbound messages per second")
	dur := fs.Duration("duration", 5*time.Second, "how long to post at that rate")
	agentsList := fs.String("agents", "1,100,1000", "connected agents, comma-separated runs")
	pg := postgresURL(fs)
	natsURL := fs.String("nats", os.Getenv("PARLEY_TEST_NATS_URL"), "NATS URL for the PostgreSQL run (empty: in-process broker)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	engines := []string{""}
	if *pg != "" {
		engines = append(engines, *pg)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tbroker\tagents\trate msgs/s\tposted\tdeliveries\tp50 ms\tp99 ms\tmax ms\t")
	for _, dbURL := range engines {
		for _, a := range strings.Split(*agentsList, ",") {
			agents, err := strconv.Atoi(strings.TrimSpace(a))
			if err != nil {
				return fmt.Errorf("-agents: %w", err)
			}
			nats := ""
			if dbURL != "" {
				nats = *natsURL
			}
			row, err := realtimeRun(ctx, dbURL, nats, agents, *rate, *dur)
			if err != nil {
				return err
			}
			fmt.Fprintln(tw, row)
		}
	}
	tw.Flush()
	fmt.Printf("\nconditions: one node, clients and server in one process on %d cores, loopback; latency = POST start -> message.created read by the socket\n", numCPU())
	return nil
}

func realtimeRun(ctx context.Context, dbURL, natsURL string, agents, rate int, dur time.Duration) (string, error) {
	n, err := startNodeWith(ctx, dbURL, natsURL)
	if err != nil {
		return "", err
	}
	defer n.close()
	wsURL := strings.Replace(n.base, "http", "ws", 1) + "/api/v1/realtime?workspace_id=" + n.ws
	var mu sync.Mutex
	var lat []time.Duration
	var conns []*websocket.Conn
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for range agents {
		c, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + n.token}}})
		if err != nil {
			return "", fmt.Errorf("dial: %w", err)
		}
		c.SetReadLimit(1 << 22)
		conns = append(conns, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			var buf bytes.Buffer // reused: the clients share the server's cores
			for {
				_, r, err := c.Reader(readCtx)
				if err != nil {
					break
				}
				buf.Reset()
				if _, err := buf.ReadFrom(r); err != nil {
					break
				}
				raw := buf.Bytes()
				now := time.Now()
				// Find each message.created's "t=<nanos>" without decoding
				// the JSON: the clients share the server's two cores.
				for rest := raw; ; {
					i := bytes.Index(rest, []byte(`"type":"message.created"`))
					if i < 0 {
						break
					}
					rest = rest[i+1:]
					k := bytes.Index(rest, []byte(`"content":"t=`))
					if k < 0 {
						break
					}
					num := rest[k+len(`"content":"t=`):]
					j := bytes.IndexByte(num, '"')
					if j < 0 {
						break
					}
					if ns, err := strconv.ParseInt(string(num[:j]), 10, 64); err == nil {
						local = append(local, now.Sub(time.Unix(0, ns)))
					}
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	url := n.base + "/api/v1/inbound/" + n.inbound + "/messages"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	interval := time.Second / time.Duration(rate)
	total := int(dur / interval)
	var posted atomic.Int64
	var pw sync.WaitGroup
	start := time.Now()
	for i := range total {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		pw.Add(1)
		go func() {
			defer pw.Done()
			body := fmt.Sprintf(`{"contact":{"source_id":"rt-%d"},"source_message_id":"rt-%d-%d","content":"t=%d"}`, i%200, agents, i, time.Now().UnixNano())
			resp, err := client.Post(url, "application/json", bytes.NewBufferString(body))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 202 {
					posted.Add(1)
				}
			}
		}()
	}
	pw.Wait()
	// Let the last deliveries arrive, then close the sockets.
	time.Sleep(2 * time.Second)
	stop()
	for _, c := range conns {
		c.CloseNow()
	}
	wg.Wait()
	engine, broker := "sqlite", "in-process"
	if dbURL != "" {
		engine = "postgres"
		if natsURL != "" {
			broker = "nats"
		}
	}
	if len(lat) == 0 {
		return fmt.Sprintf("%s\t%s\t%d\t%d\t%d\t0\t-\t-\t-\t", engine, broker, agents, rate, posted.Load()), nil
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return fmt.Sprintf("%s\t%s\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t", engine, broker, agents, rate, posted.Load(), len(lat),
		ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), ms(lat[len(lat)-1])), nil
}

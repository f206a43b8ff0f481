package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
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

	"github.com/gobwas/httphead"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
)

// realtime measures inbound-to-WebSocket latency: customer messages are
// posted at a fixed rate while N agents are connected; each socket records
// how long after the POST began each message.created arrived.
func realtime(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("realtime", flag.ContinueOnError)
	profile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	rate := fs.Int("rate", 200, "inbound messages per second")
	dur := fs.Duration("duration", 5*time.Second, "how long to post at that rate, measured")
	warmup := fs.Duration("warmup", time.Second, "how long to post at that rate first, not measured (new customers, pools)")
	checkpoint := fs.Bool("checkpoint", true, "PostgreSQL: checkpoint before each run (see node.checkpoint)")
	agentsList := fs.String("agents", "1,100,1000", "connected agents, comma-separated runs")
	timed := fs.Int("timed", 20, "sockets (one in agents/timed) that also inflate and time every message; every socket reads every byte")
	compress := fs.Bool("deflate", true, "offer permessage-deflate, as browsers do")
	withSQLite := fs.Bool("sqlite", true, "include the SQLite run")
	drain := fs.Duration("drain", 0, "untimed sockets sleep this long whenever they have read all there was (0: they read as bytes arrive)")
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
	var engines []string
	if *withSQLite {
		engines = append(engines, "")
	}
	if *pg != "" {
		engines = append(engines, *pg)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tbroker\tdeflate\tagents\ttimed\trate msgs/s\tposted\tPOST p99 ms\ttimed deliveries\tp50 ms\tp99 ms\tmax ms\twire bytes/delivery\t")
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
			row, err := realtimeRun(ctx, dbURL, nats, realtimeOptions{agents: agents, rate: *rate, timed: *timed, dur: *dur, warmup: *warmup, drain: *drain, compress: *compress, checkpoint: *checkpoint})
			if err != nil {
				return err
			}
			fmt.Fprintln(tw, row)
		}
	}
	tw.Flush()
	fmt.Printf("goroutine scheduling latency p50/p99/p999 ms (whole process): %.3f\n", schedLatency(0.5, 0.99, 0.999))
	fmt.Printf("\nconditions: one node, clients and server in one process on %d cores, loopback; latency = POST start -> message.created read by a timed socket\n", numCPU())
	return nil
}

// stampMark starts the send time (unix nanoseconds) in each posted
// message's source id: the stopwatch sign, whose first byte (0xE2) nothing
// else in the event stream has, so the clients' scan skips at memchr speed.
var stampMark = []byte("\u23f1")

// realtimeOptions are one run's settings.
type realtimeOptions struct {
	agents, rate, timed  int
	dur, drain, warmup   time.Duration
	compress, checkpoint bool
}

func realtimeRun(ctx context.Context, dbURL, natsURL string, o realtimeOptions) (string, error) {
	agents, rate, dur := o.agents, o.rate, o.dur
	n, err := startNodeWith(ctx, dbURL, natsURL)
	if err != nil {
		return "", err
	}
	defer n.close()
	wsURL := strings.Replace(n.base, "http", "ws", 1) + "/api/v1/realtime?workspace_id=" + n.ws
	var mu sync.Mutex
	var lat []time.Duration
	var conns []net.Conn
	var wire atomic.Int64 // bytes on the wire, all sockets
	var wg sync.WaitGroup
	dialer := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"Authorization": {"Bearer " + n.token}})}
	if o.compress {
		dialer.Extensions = []httphead.Option{wsflate.Parameters{ServerNoContextTakeover: true, ClientNoContextTakeover: true}.Option()}
	}
	every := max(1, agents/max(1, o.timed))
	for i := range agents {
		nc, br, _, err := dialer.Dial(ctx, wsURL)
		if err != nil {
			return "", fmt.Errorf("dial: %w", err)
		}
		conns = append(conns, nc)
		r := bufio.NewReaderSize(nc, 64<<10)
		if br != nil {
			r = bufio.NewReaderSize(io.MultiReader(br, nc), 64<<10)
		}
		timed := i%every == 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			local, err := readFrames(r, timed, o.drain, &wire)
			if err != nil && !errors.Is(err, net.ErrClosed) {
				fmt.Fprintln(os.Stderr, "socket:", err)
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	url := n.base + "/api/v1/inbound/" + n.inbound + "/messages"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	interval := time.Second / time.Duration(rate)
	warm := int(o.warmup / interval)
	total := warm + int(dur/interval)
	var posted, postedAll atomic.Int64
	var postMu sync.Mutex
	var postLat []time.Duration // POST start -> 202: the commit, before any fan-out
	var pw sync.WaitGroup
	if o.checkpoint {
		n.checkpoint()
	}
	start := time.Now()
	measureFrom.Store(start.Add(o.warmup).UnixNano())
	for i := range total {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		pw.Add(1)
		go func() {
			defer pw.Done()
			body := fmt.Sprintf(`{"contact":{"source_id":"rt-%d"},"source_message_id":"%s%d.%d.%d","content":"Where is my order?"}`,
				i%200, stampMark, time.Now().UnixNano(), agents, i)
			t0 := time.Now()
			resp, err := client.Post(url, "application/json", bytes.NewBufferString(body))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 202 {
					postedAll.Add(1)
					if i < warm {
						return
					}
					posted.Add(1)
					postMu.Lock()
					postLat = append(postLat, time.Since(t0))
					postMu.Unlock()
				}
			}
		}()
	}
	pw.Wait()
	// Let the last deliveries arrive, then close the sockets.
	time.Sleep(2 * time.Second)
	for _, c := range conns {
		c.Close()
	}
	wg.Wait()
	engine, broker := "sqlite", "in-process"
	if dbURL != "" {
		engine = "postgres"
		if natsURL != "" {
			broker = "nats"
		}
	}
	timed := (agents + every - 1) / every
	if len(lat) == 0 {
		return fmt.Sprintf("%s\t%s\t%v\t%d\t%d\t%d\t%d\t-\t0\t-\t-\t-\t-\t", engine, broker, o.compress, agents, timed, rate, posted.Load()), nil
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	slices.Sort(postLat)
	return fmt.Sprintf("%s\t%s\t%v\t%d\t%d\t%d\t%d\t%.1f\t%d\t%.1f\t%.1f\t%.1f\t%d\t", engine, broker, o.compress, agents, timed, rate, posted.Load(),
		ms(postLat[len(postLat)*99/100]), len(lat), ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), ms(lat[len(lat)-1]), wire.Load()/(postedAll.Load()*int64(agents))), nil
}

// measureFrom is when the measured part of a run begins (unix ns): the
// warm-up before it fills the connection pools and creates the customers,
// as a server that has been running has.
var measureFrom atomic.Int64

// readFrames reads server messages until the connection closes. Every
// socket reads every byte; a timed one also inflates each message and
// finds each message's stamp, without decoding the JSON: the clients share
// the server's two cores, where agents' browsers would use their own.
func readFrames(r *bufio.Reader, timed bool, drain time.Duration, wire *atomic.Int64) ([]time.Duration, error) {
	var local []time.Duration
	var payload, plain bytes.Buffer // reused
	var inflater io.ReadCloser
	for {
		h, err := ws.ReadHeader(r)
		if err != nil {
			return local, err
		}
		wire.Add(h.Length)
		if !timed || h.OpCode != ws.OpText {
			if _, err := r.Discard(int(h.Length)); err != nil {
				return local, err
			}
			if !timed && drain > 0 && r.Buffered() == 0 {
				time.Sleep(drain) // let the kernel buffer fill: read it in one go
			}
			continue
		}
		payload.Reset()
		if _, err := io.CopyN(&payload, r, h.Length); err != nil {
			return local, err
		}
		raw := payload.Bytes()
		if h.Rsv1() {
			src := io.MultiReader(&payload, bytes.NewReader([]byte{0, 0, 0xff, 0xff}))
			if inflater == nil {
				inflater = flate.NewReader(src)
			} else {
				inflater.(flate.Resetter).Reset(src, nil)
			}
			plain.Reset()
			if _, err := plain.ReadFrom(inflater); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
				return local, fmt.Errorf("inflate: %w", err)
			}
			raw = plain.Bytes()
		}
		now := time.Now()
		// The stamp rides in the source message id, which only message
		// events carry, behind a byte the stream never otherwise holds.
		for rest := raw; ; {
			i := bytes.Index(rest, stampMark)
			if i < 0 {
				break
			}
			rest = rest[i+len(stampMark):]
			j := bytes.IndexByte(rest, '.')
			if j < 0 {
				break
			}
			if ns, err := strconv.ParseInt(string(rest[:j]), 10, 64); err == nil && ns >= measureFrom.Load() {
				local = append(local, now.Sub(time.Unix(0, ns)))
			}
		}
	}
}

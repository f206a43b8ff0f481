package realtime_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/parleyhq/parley"
)

// BenchmarkHub_idleConnection reports the server-side memory of an idle
// socket (heap and goroutine stacks after the handshake and the hello),
// with raw TCP clients so that the clients' own memory is not counted.
// Run: go test -run x -bench idleConnection -benchtime 2000x ./internal/realtime/
func BenchmarkHub_idleConnection(b *testing.B) {
	e := newEnv(b)
	e.member("u1", parley.RoleAgent)
	u, _ := url.Parse(e.srv.URL)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(c, "GET /api/v1/realtime?workspace_id=%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-User: u1\r\n\r\n", wsID, u.Host)
		br := bufio.NewReaderSize(c, 512)
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
			b.Fatalf("handshake: %v %v", resp, err)
		}
		// The hello frame: 2 header bytes and a short payload.
		hdr := make([]byte, 2)
		if _, err := br.Read(hdr[:1]); err != nil {
			b.Fatal(err)
		}
		return c
	}
	measure := func() (heap, stack uint64) {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc, m.StackInuse
	}
	// Warm pools and the workspace reader.
	warm := dial()
	defer warm.Close()
	time.Sleep(50 * time.Millisecond)
	heap0, stack0 := measure()
	g0 := runtime.NumGoroutine()
	conns := make([]net.Conn, 0, b.N)
	b.ResetTimer()
	for range b.N {
		conns = append(conns, dial())
	}
	b.StopTimer()
	for e.hub.Connections() < b.N+1 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let handler goroutines exit
	heap1, stack1 := measure()
	n := float64(b.N)
	b.ReportMetric(float64(heap1+stack1-heap0-stack0)/n, "B/conn")
	b.ReportMetric(float64(heap1-heap0)/n, "heap-B/conn")
	b.ReportMetric(float64(stack1-stack0)/n, "stack-B/conn")
	b.ReportMetric(float64(runtime.NumGoroutine()-g0)/n, "goroutines/conn")
	for _, c := range conns {
		c.Close()
	}
}

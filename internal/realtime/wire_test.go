package realtime_test

import (
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/httphead"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/realtime/realtimetest"
)

// rawClient speaks the wire protocol frame by frame, to check what the
// server puts on it.
type rawClient struct {
	t  *testing.T
	nc net.Conn
	r  *bufio.Reader
}

func (e *env) dialRaw(t *testing.T, user string, deflate bool) *rawClient {
	t.Helper()
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"X-User": {user}})}
	if deflate {
		d.Extensions = []httphead.Option{wsflate.Parameters{ServerNoContextTakeover: true, ClientNoContextTakeover: true}.Option()}
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/api/v1/realtime?workspace_id=" + wsID
	nc, br, hs, err := d.Dial(ctx, u)
	if err != nil {
		t.Fatalf("Dial() = %v", err)
	}
	if got := len(hs.Extensions) > 0; got != deflate {
		t.Fatalf("permessage-deflate accepted = %v, want %v", got, deflate)
	}
	t.Cleanup(func() { nc.Close() })
	r := bufio.NewReader(nc)
	if br != nil {
		r = bufio.NewReader(io.MultiReader(br, nc))
	}
	return &rawClient{t: t, nc: nc, r: r}
}

// frame reads the next frame: its header and its payload, inflated.
func (rc *rawClient) frame() (ws.Header, []byte) {
	rc.t.Helper()
	_ = rc.nc.SetReadDeadline(time.Now().Add(timeout))
	h, err := ws.ReadHeader(rc.r)
	if err != nil {
		rc.t.Fatalf("ReadHeader() = %v", err)
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(rc.r, p); err != nil {
		rc.t.Fatalf("read payload: %v", err)
	}
	if h.Rsv1() {
		fr := flate.NewReader(io.MultiReader(bytes.NewReader(p), bytes.NewReader([]byte{0, 0, 0xff, 0xff})))
		plain, err := io.ReadAll(fr)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			rc.t.Fatalf("inflate: %v", err)
		}
		p = plain
	}
	return h, p
}

// events reads the next frame as a JSON array of events.
func (rc *rawClient) events() (ws.Header, []element) {
	rc.t.Helper()
	h, p := rc.frame()
	var els []element
	if err := json.Unmarshal(p, &els); err != nil {
		rc.t.Fatalf("frame %q is not a JSON array: %v", p, err)
	}
	return h, els
}

// write sends one masked frame, compressed when compress is set.
func (rc *rawClient) write(op ws.OpCode, p []byte, compress bool) {
	rc.t.Helper()
	f := ws.NewFrame(op, true, p)
	if compress {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
		fw.Write(p)
		fw.Flush()
		f = ws.NewFrame(op, true, bytes.TrimSuffix(buf.Bytes(), []byte{0, 0, 0xff, 0xff}))
		f.Header.Rsv = ws.Rsv(true, false, false)
	}
	if err := ws.WriteFrame(rc.nc, ws.MaskFrameInPlace(f)); err != nil {
		rc.t.Fatalf("WriteFrame() = %v", err)
	}
}

// closeStatus reads until the server's close frame and returns its code.
func (rc *rawClient) closeStatus() ws.StatusCode {
	rc.t.Helper()
	for {
		h, p := rc.frame()
		if h.OpCode == ws.OpClose {
			code, _ := ws.ParseCloseFrameData(p)
			return code
		}
	}
}

func TestHub_deflate(t *testing.T) {
	big := `{"note":"` + strings.Repeat("the same words again and again ", 100) + `"}`
	for _, deflate := range []bool{true, false} {
		t.Run(map[bool]string{true: "a client that offers permessage-deflate gets compressed messages", false: "a client that does not gets them plain"}[deflate], func(t *testing.T) {
			e := newEnv(t)
			e.member("u1", parley.RoleAgent)
			rc := e.dialRaw(t, "u1", deflate)
			if h, els := rc.events(); els[0].Type != "hello" || h.Rsv1() {
				t.Fatalf("first frame = %+v (compressed %v), want a plain hello", els, h.Rsv1())
			}
			ev := e.emit(t, event(parley.EventContactUpdated, big))
			h, els := rc.events()
			if h.Rsv1() != deflate {
				t.Errorf("compressed = %v, want %v", h.Rsv1(), deflate)
			}
			if deflate && h.Length*4 > int64(len(big)) {
				t.Errorf("compressed frame is %d bytes for %d of JSON, want under a quarter", h.Length, len(big))
			}
			if len(els) != 1 || els[0].Seq != ev.Seq || string(els[0].Data) != big {
				t.Errorf("events = %+v, want seq %d with its data", els, ev.Seq)
			}
		})
	}

	t.Run("clients in every compression mode read the same events", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		read := func(c *realtimetest.Client) []element {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			b, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("Read() = %v", err)
			}
			var els []element
			if err := json.Unmarshal(b, &els); err != nil {
				t.Fatalf("%q is not a JSON array", b)
			}
			return els
		}
		var clients []*realtimetest.Client
		for _, mode := range []realtimetest.Compression{realtimetest.NoContextTakeover, realtimetest.ContextTakeover, realtimetest.NoCompression} {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/api/v1/realtime?workspace_id=" + wsID
			c, err := realtimetest.Dial(ctx, u, realtimetest.DialOptions{Header: http.Header{"X-User": {"u1"}}, Compression: mode})
			cancel()
			if err != nil {
				t.Fatalf("Dial(mode %v) = %v", mode, err)
			}
			if got, want := c.Deflate(), mode != realtimetest.NoCompression; got != want {
				t.Errorf("Dial(mode %v): permessage-deflate accepted = %v, want %v", mode, got, want)
			}
			t.Cleanup(func() { c.CloseNow() })
			if els := read(c); len(els) != 1 || els[0].Type != "hello" {
				t.Fatalf("first message = %+v, want hello", els)
			}
			clients = append(clients, c)
		}
		var want []int64
		for range 3 {
			want = append(want, e.emit(t, event(parley.EventContactUpdated, big)).Seq)
		}
		for i, c := range clients {
			var got []int64
			for len(got) < len(want) {
				for _, el := range read(c) {
					got = append(got, el.Seq)
				}
			}
			if !equalSeqs(got, want) {
				t.Errorf("client %d got seqs %v, want %v", i, got, want)
			}
		}
	})
}

func equalSeqs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHub_clientFrames(t *testing.T) {
	t.Run("a compressed signal from the client is understood", func(t *testing.T) {
		e := newEnv(t)
		e.member("a", parley.RoleAgent)
		e.member("b", parley.RoleAgent)
		e.store.SetAudience(wsID, "conv-1", parley.Audience{})
		a := e.dialRaw(t, "a", true)
		a.events()
		b := e.dial(t, "b", "")
		b.hello()
		a.write(ws.OpText, []byte(`{"type":"typing","conversation_id":"conv-1","state":"on"}`), true)
		if f := b.next(); len(f) != 1 || f[0].Type != "typing" {
			t.Fatalf("b got %+v, want a typing signal", f)
		}
	})
	t.Run("a ping is answered with its payload", func(t *testing.T) {
		e := newEnv(t)
		e.member("a", parley.RoleAgent)
		a := e.dialRaw(t, "a", false)
		a.events()
		a.write(ws.OpPing, []byte("are you there"), false)
		if h, p := a.frame(); h.OpCode != ws.OpPong || string(p) != "are you there" {
			t.Errorf("answer = %v %q, want a pong with the payload", h.OpCode, p)
		}
	})

	for _, tt := range []struct {
		name     string
		deflate  bool
		send     func(rc *rawClient)
		wantCode ws.StatusCode
	}{
		{"an unmasked frame", false, func(rc *rawClient) {
			ws.WriteFrame(rc.nc, ws.NewTextFrame([]byte(`{}`)))
		}, ws.StatusProtocolError},
		{"a message over the client limit", false, func(rc *rawClient) {
			rc.write(ws.OpText, bytes.Repeat([]byte("x"), 2048), false)
		}, ws.StatusMessageTooBig},
		{"a compressed message that inflates over the limit", true, func(rc *rawClient) {
			rc.write(ws.OpText, bytes.Repeat([]byte("x"), 64<<10), true)
		}, ws.StatusMessageTooBig},
		{"a compressed message without permessage-deflate", false, func(rc *rawClient) {
			rc.write(ws.OpText, []byte(`{"type":"typing"}`), true)
		}, ws.StatusProtocolError},
		{"a continuation without a first frame", false, func(rc *rawClient) {
			rc.write(ws.OpContinuation, []byte(`{}`), false)
		}, ws.StatusProtocolError},
	} {
		t.Run(tt.name+" closes the socket with "+closeName(tt.wantCode), func(t *testing.T) {
			e := newEnv(t)
			e.member("a", parley.RoleAgent)
			rc := e.dialRaw(t, "a", tt.deflate)
			rc.events()
			tt.send(rc)
			if got := rc.closeStatus(); got != tt.wantCode {
				t.Errorf("close status = %d, want %d", got, tt.wantCode)
			}
		})
	}
}

func closeName(c ws.StatusCode) string {
	return map[ws.StatusCode]string{ws.StatusProtocolError: "1002", ws.StatusMessageTooBig: "1009"}[c]
}

// TestHub_fanoutWorkers covers the busy-workspace path: fan-out workers
// write what each socket takes at once, and a socket whose buffer is full
// gets the rest of its message, whole and in order, from its own goroutine.
func TestHub_fanoutWorkers(t *testing.T) {
	e := newFanoutEnv(t, 512)
	fast := e.dial(t, "u1", "")
	fast.hello()
	slow := e.dialSlow(t, "u1")
	blob := `{"blob":"` + strings.Repeat("y", 64<<10) + `"}` // 6.4 MB in all: more than the kernel buffers
	const n = 100
	for range n {
		e.emit(t, event(parley.EventContactUpdated, blob))
	}
	if got := fast.until(seqIs(n)); len(got) != n {
		t.Errorf("fast client got %d events, want %d", len(got), n)
	}
	// The slow client reads only now: its messages waited, part-written.
	go slow.readAll()
	slow.hello()
	expectAllInOrder(t, slow.until(seqIs(n)), n, blob)
}

// newFanoutEnv is a hub whose every fan-out goes through the workers.
func newFanoutEnv(t *testing.T, ringSize int) *env {
	e := newEnv(t, func(c *realtime.Config) {
		c.CoalesceAbove = 1
		c.CoalesceWindow = time.Millisecond
		c.RingSize = ringSize
	})
	e.member("u1", parley.RoleAgent)
	return e
}

// expectAllInOrder checks got is the events 1..n, in order, each with data.
func expectAllInOrder(t *testing.T, got []element, n int64, data string) {
	t.Helper()
	if int64(len(got)) != n {
		t.Fatalf("got seqs %v, want 1..%d", seqs(got), n)
	}
	for i, el := range got {
		if el.Seq != int64(i+1) || string(el.Data) != data {
			t.Fatalf("event %d = seq %d (%d bytes), want seq %d whole", i, el.Seq, len(el.Data), i+1)
		}
	}
}

// TestHub_fanoutWorkersCatchUpFromTheStore: a socket further behind than
// the ring, woken by the fan-out workers, reads what it missed from the
// store (on its own goroutine) and then follows live events.
func TestHub_fanoutWorkersCatchUpFromTheStore(t *testing.T) {
	e := newFanoutEnv(t, 4)
	other := e.dial(t, "u1", "")
	other.hello()
	for range 20 {
		e.emit(t, event(parley.EventContactUpdated, `{}`))
	}
	other.until(seqIs(20))
	behind := e.dial(t, "u1", "&since=0")
	behind.hello()
	live := e.emit(t, event(parley.EventContactUpdated, `{}`)).Seq
	expectAllInOrder(t, behind.until(seqIs(live)), live, `{}`)
}

func TestHub_keepalive(t *testing.T) {
	t.Run("a client that only answers pings stays connected for several read deadlines", func(t *testing.T) {
		const period = 100 * time.Millisecond
		e := newEnv(t, func(c *realtime.Config) { c.PingInterval, c.WriteTimeout = period, period })
		e.member("a", parley.RoleAgent)
		rc := e.dialRaw(t, "a", false)
		if _, els := rc.events(); len(els) != 1 || els[0].Type != "hello" {
			t.Fatalf("first message = %+v, want a hello", els)
		}
		// The server drops a client silent for PingInterval+WriteTimeout;
		// this one sends nothing but pongs for five times that.
		idle := 2 * period
		start, pings := time.Now(), 0
		for pings < 5 || time.Since(start) < 5*idle {
			h, p := rc.frame()
			if h.OpCode != ws.OpPing {
				t.Fatalf("after %v and %d pings: frame %v %q, want a ping", time.Since(start), pings, h.OpCode, p)
			}
			rc.write(ws.OpPong, p, false)
			pings++
		}
		ev := e.emit(t, event(parley.EventContactUpdated, `{"id":"c-1"}`))
		for {
			h, p := rc.frame()
			if h.OpCode == ws.OpPing {
				rc.write(ws.OpPong, p, false)
				continue
			}
			var els []element
			if err := json.Unmarshal(p, &els); err != nil || len(els) != 1 || els[0].Seq != ev.Seq {
				t.Fatalf("after %d pings: frame %v %q, want event %d", pings, h.OpCode, p, ev.Seq)
			}
			break
		}
		if n := e.hub.Connections(); n != 1 {
			t.Errorf("Connections() = %d, want 1", n)
		}
	})
	t.Run("a client that does not answer pings is dropped", func(t *testing.T) {
		const period = 50 * time.Millisecond
		e := newEnv(t, func(c *realtime.Config) { c.PingInterval, c.WriteTimeout = period, period })
		e.member("a", parley.RoleAgent)
		rc := e.dialRaw(t, "a", false)
		rc.events()
		_ = rc.nc.SetReadDeadline(time.Now().Add(timeout))
		for {
			h, err := ws.ReadHeader(rc.r)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Errorf("ReadHeader() = %v, want EOF (the server hung up)", err)
				}
				return
			}
			if _, err := io.CopyN(io.Discard, rc.r, h.Length); err != nil {
				t.Fatalf("read payload: %v", err)
			}
		}
	})
}

package realtime

import (
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"syscall"
	"time"

	wsproto "github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
)

// wire is one socket's transport, built on gobwas/ws because the hub
// writes frames from bytes it encoded, and compressed, once for every
// socket that gets them: with a thousand agents the bytes on the wire cost
// more than anything else (about 1.8 KB per message per agent, 14 Gbit/s
// at a thousand messages a second). A per-connection compressor, which is
// all coder/websocket offers, would compress the same bytes a thousand
// times. The compression is permessage-deflate without context takeover
// either way (RFC 7692), so a compressed message stands on its own.
type wire struct {
	nc net.Conn
	// r reads the client's bytes: whatever the handshake buffered, then nc.
	r io.Reader
	// deflate: the client accepted permessage-deflate.
	deflate bool

	// raw writes without waiting (nil where the platform or a TLS
	// connection does not allow it).
	raw syscall.RawConn

	mu        sync.Mutex // one frame at a time
	closeSent bool
	pending   []byte // what trySend left for finish
}

var (
	// errPeerClosed ends the read loop after the client's close frame.
	errPeerClosed = errors.New("websocket: closed by the client")
	// errClosing refuses writes after the close frame.
	errClosing = errors.New("websocket: closing")
)

// closeError is a read that must end the connection with code.
type closeError struct {
	code   wsproto.StatusCode
	reason string
}

func (e *closeError) Error() string { return fmt.Sprintf("websocket: %d %s", e.code, e.reason) }

// checkOrigin allows a request without Origin (not a browser), one from
// the request's own host, and one from a host matching patterns (the
// public URL's host when it differs).
func checkOrigin(r *http.Request, patterns []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(u.Host)); ok {
			return true
		}
	}
	return false
}

// upgrade answers the handshake. On failure the response (400 or 426) is
// written and the connection closed.
func upgrade(w http.ResponseWriter, r *http.Request, timeout time.Duration) (*wire, error) {
	ext := wsflate.Extension{Parameters: wsflate.Parameters{ServerNoContextTakeover: true, ClientNoContextTakeover: true}}
	u := wsproto.HTTPUpgrader{Negotiate: ext.Negotiate, Timeout: timeout}
	nc, rw, _, err := u.Upgrade(r, w)
	if err != nil {
		if nc != nil {
			nc.Close()
		}
		return nil, err
	}
	_, accepted := ext.Accepted()
	// net/http's 4 KiB buffers are not kept for the socket's life: a
	// client that wrote before the 101 has its bytes copied out.
	wi := &wire{nc: nc, r: leftover(rw.Reader, nc), deflate: accepted}
	if sc, ok := nc.(syscall.Conn); ok {
		wi.raw, _ = sc.SyscallConn()
	}
	return wi, nil
}

func leftover(br *bufio.Reader, nc net.Conn) io.Reader {
	n := br.Buffered()
	if n == 0 {
		return nc
	}
	b, _ := br.Peek(n)
	return io.MultiReader(bytes.NewReader(bytes.Clone(b)), nc)
}

// encodeFrame returns a whole unfragmented server frame: servers do not
// mask, so the bytes are the same for every socket.
func encodeFrame(op wsproto.OpCode, payload []byte, compressed bool) []byte {
	h := wsproto.Header{Fin: true, OpCode: op, Length: int64(len(payload))}
	if compressed {
		h.Rsv = wsproto.Rsv(true, false, false)
	}
	buf := bytes.NewBuffer(make([]byte, 0, wsproto.HeaderSize(h)+len(payload)))
	_ = wsproto.WriteHeader(buf, h) // a bytes.Buffer does not fail
	buf.Write(payload)
	return buf.Bytes()
}

// write sends a control frame within timeout.
func (w *wire) write(op wsproto.OpCode, payload []byte, timeout time.Duration) error {
	return w.writeMsg(encodeFrame(op, payload, false), op == wsproto.OpClose, timeout)
}

// writeMsg sends one encoded frame within timeout; after a close frame
// nothing more is sent.
func (w *wire) writeMsg(msg []byte, closing bool, timeout time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closeSent {
		return errClosing
	}
	w.closeSent = closing
	return w.writeWithin(msg, timeout)
}

// writeWithin writes msg, giving up after timeout; w.mu must be held.
func (w *wire) writeWithin(msg []byte, timeout time.Duration) error {
	if err := w.nc.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	_, err := w.nc.Write(msg)
	// No deadline between writes: tryWrite would find it passed.
	_ = w.nc.SetWriteDeadline(time.Time{})
	return err
}

// send writes a message frame, compressed when the client accepted it
// and compression pays.
func (w *wire) send(f *frame, timeout time.Duration) error {
	return w.writeMsg(f.message(w.deflate), false, timeout)
}

// trySend writes as much of a message frame as the socket takes at once,
// without waiting for the client. When it could not write it all (or the
// platform cannot write without waiting) it returns false with w.mu still
// held and the rest kept for finish, which must follow.
func (w *wire) trySend(f *frame) (bool, error) {
	msg := f.message(w.deflate)
	w.mu.Lock()
	if w.closeSent {
		w.mu.Unlock()
		return false, errClosing
	}
	n, err := w.writeNow(msg)
	if err != nil {
		w.mu.Unlock()
		return false, err
	}
	if n == len(msg) {
		w.mu.Unlock()
		return true, nil
	}
	w.pending = msg[n:]
	return false, nil
}

// finish writes what trySend left, within timeout, and releases w.mu.
func (w *wire) finish(timeout time.Duration) error {
	defer w.mu.Unlock()
	rest := w.pending
	w.pending = nil
	return w.writeWithin(rest, timeout)
}

// writeClose starts (or answers) the close handshake; a second call does
// nothing.
func (w *wire) writeClose(code wsproto.StatusCode, reason string, timeout time.Duration) error {
	err := w.write(wsproto.OpClose, wsproto.NewCloseFrameBody(code, reason), timeout)
	if errors.Is(err, errClosing) {
		return nil
	}
	return err
}

// readMessage returns the next data message, at most limit bytes once
// inflated. It answers pings on the way; after the client's close frame it
// answers it and returns errPeerClosed. It calls alive before reading each
// frame, so that every frame (a pong, which never leaves this function,
// included) extends the read deadline.
func (w *wire) readMessage(limit int, timeout time.Duration, alive func()) ([]byte, error) {
	var msg []byte
	started, compressed := false, false
	for {
		alive()
		h, err := wsproto.ReadHeader(w.r)
		if err != nil {
			return nil, readFailure(err)
		}
		switch {
		case !h.Masked:
			return nil, &closeError{wsproto.StatusProtocolError, "client frames must be masked"}
		case h.Rsv2() || h.Rsv3() || (h.Rsv1() && (h.OpCode.IsControl() || h.OpCode == wsproto.OpContinuation)):
			return nil, &closeError{wsproto.StatusProtocolError, "reserved bits set"}
		case h.OpCode.IsReserved():
			return nil, &closeError{wsproto.StatusProtocolError, "reserved opcode"}
		}
		if h.Length > int64(limit) || int64(len(msg))+h.Length > int64(limit) {
			return nil, &closeError{wsproto.StatusMessageTooBig, "message too big"}
		}
		payload := make([]byte, h.Length)
		if _, err := io.ReadFull(w.r, payload); err != nil {
			return nil, err
		}
		wsproto.Cipher(payload, h.Mask, 0)
		if h.OpCode.IsControl() {
			if err := w.control(h, payload, timeout); err != nil {
				return nil, err
			}
			continue
		}
		switch {
		case h.OpCode == wsproto.OpContinuation && !started,
			h.OpCode != wsproto.OpContinuation && started,
			h.OpCode != wsproto.OpContinuation && h.OpCode != wsproto.OpText && h.OpCode != wsproto.OpBinary:
			return nil, &closeError{wsproto.StatusProtocolError, "unexpected frame"}
		case !started:
			started, compressed = true, h.Rsv1()
			if compressed && !w.deflate {
				return nil, &closeError{wsproto.StatusProtocolError, "compression was not negotiated"}
			}
		}
		msg = append(msg, payload...)
		if h.Fin {
			break
		}
	}
	if compressed {
		return inflate(msg, limit)
	}
	return msg, nil
}

// readFailure tells a broken frame header, which the client must be told
// about, from a connection that ended or failed.
func readFailure(err error) error {
	var ne net.Error
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.As(err, &ne) {
		return err
	}
	return &closeError{wsproto.StatusProtocolError, "bad frame header"}
}

func (w *wire) control(h wsproto.Header, payload []byte, timeout time.Duration) error {
	if !h.Fin || h.Length > wsproto.MaxControlFramePayloadSize {
		return &closeError{wsproto.StatusProtocolError, "bad control frame"}
	}
	switch h.OpCode {
	case wsproto.OpPing:
		if err := w.write(wsproto.OpPong, payload, timeout); err != nil && !errors.Is(err, errClosing) {
			return err
		}
	case wsproto.OpClose:
		code, _ := wsproto.ParseCloseFrameData(payload)
		if code.Empty() {
			code = wsproto.StatusNormalClosure
		}
		_ = w.writeClose(code, "", timeout)
		return errPeerClosed
	}
	return nil
}

// frame is one server message, encoded once for every socket that sends
// it and compressed at most once, the first time a socket that accepted
// compression sends it. Its wire bytes, header included, are shared too.
type frame struct {
	plain     []byte
	plainOnce sync.Once
	plainMsg  []byte
	zipOnce   sync.Once
	zipMsg    []byte // nil: compressing does not pay
}

// minDeflate is the size below which compressing a message does not pay.
const minDeflate = 256

// message returns the frame's wire bytes, compressed when deflate allows
// and it pays.
func (f *frame) message(deflate bool) []byte {
	if deflate && len(f.plain) >= minDeflate {
		f.zipOnce.Do(func() {
			if d := deflateMessage(f.plain); len(d) < len(f.plain) {
				f.zipMsg = encodeFrame(wsproto.OpText, d, true)
			}
		})
		if f.zipMsg != nil {
			return f.zipMsg
		}
	}
	f.plainOnce.Do(func() { f.plainMsg = encodeFrame(wsproto.OpText, f.plain, false) })
	return f.plainMsg
}

var flateWriters = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(nil, flate.DefaultCompression)
	return fw
}}

// deflateTail is the empty stored block that ends a flushed DEFLATE
// stream: RFC 7692 §7.2.1 removes it from each message, and §7.2.2 has
// the receiver put it back.
var deflateTail = []byte{0x00, 0x00, 0xff, 0xff}

func deflateMessage(p []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(p) / 4)
	fw := flateWriters.Get().(*flate.Writer)
	fw.Reset(&buf)
	_, _ = fw.Write(p) // a bytes.Buffer does not fail
	_ = fw.Flush()
	flateWriters.Put(fw)
	return bytes.TrimSuffix(buf.Bytes(), deflateTail)
}

// inflate undoes deflateMessage, refusing more than limit bytes.
func inflate(p []byte, limit int) ([]byte, error) {
	fr := flate.NewReader(io.MultiReader(bytes.NewReader(p), bytes.NewReader(deflateTail)))
	defer fr.Close()
	out, err := io.ReadAll(io.LimitReader(fr, int64(limit)+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) { // no final block: the stream just stops
		return nil, &closeError{wsproto.StatusProtocolError, "bad compressed message"}
	}
	if len(out) > limit {
		return nil, &closeError{wsproto.StatusMessageTooBig, "message too big"}
	}
	return out, nil
}

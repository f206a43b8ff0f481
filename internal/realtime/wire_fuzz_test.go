package realtime

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	wsproto "github.com/gobwas/ws"
)

// discardConn takes the server's writes (pongs, close frames) and drops them.
type discardConn struct{ net.Conn }

func (discardConn) Write(p []byte) (int, error)      { return len(p), nil }
func (discardConn) SetWriteDeadline(time.Time) error { return nil }
func (discardConn) SetReadDeadline(time.Time) error  { return nil }
func (discardConn) Close() error                     { return nil }

// FuzzReadMessage feeds client bytes to the frame reader: whatever arrives,
// it returns a message within the limit, a close error or the stream's
// end, and never panics.
func FuzzReadMessage(f *testing.F) {
	masked := func(op wsproto.OpCode, fin bool, p []byte, compressed bool) []byte {
		fr := wsproto.NewFrame(op, fin, p)
		if compressed {
			fr.Header.Rsv = wsproto.Rsv(true, false, false)
		}
		var buf bytes.Buffer
		_ = wsproto.WriteFrame(&buf, wsproto.MaskFrameInPlace(fr))
		return buf.Bytes()
	}
	f.Add(masked(wsproto.OpText, true, []byte(`{"type":"typing","conversation_id":"c","state":"on"}`), false), false)
	f.Add(masked(wsproto.OpText, true, deflateMessage([]byte(`{"type":"viewing"}`)), true), true)
	f.Add(append(masked(wsproto.OpText, false, []byte(`{"type":`), false), masked(wsproto.OpContinuation, true, []byte(`"x"}`), false)...), false)
	f.Add(masked(wsproto.OpPing, true, []byte("hi"), false), false)
	f.Add(masked(wsproto.OpClose, true, wsproto.NewCloseFrameBody(wsproto.StatusNormalClosure, ""), false), false)
	f.Add([]byte{0x81, 0x05, 'h', 'e', 'l', 'l', 'o'}, false) // unmasked
	f.Fuzz(func(t *testing.T, data []byte, deflate bool) {
		w := &wire{nc: discardConn{}, r: bytes.NewReader(data), deflate: deflate}
		for range 16 {
			msg, err := w.readMessage(clientReadLimit, time.Second, func() {})
			if err != nil {
				var ce *closeError
				if !errors.As(err, &ce) && !errors.Is(err, errPeerClosed) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("readMessage() = %v, want a close error or the end of the stream", err)
				}
				return
			}
			if len(msg) > clientReadLimit {
				t.Fatalf("message of %d bytes, over the %d limit", len(msg), clientReadLimit)
			}
		}
	})
}

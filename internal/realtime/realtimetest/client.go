package realtimetest

import (
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gobwas/httphead"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
)

// Compression is what permessage-deflate a Client offers.
type Compression int

const (
	// NoCompression offers no permessage-deflate.
	NoCompression Compression = iota
	// NoContextTakeover offers permessage-deflate without context takeover
	// either way, as the server accepts it.
	NoContextTakeover
	// ContextTakeover offers permessage-deflate with context takeover, as
	// a client that would keep one compressor per connection does; the
	// server must answer that it does not keep its context.
	ContextTakeover
)

// DialOptions configure Dial.
type DialOptions struct {
	// Header is sent with the handshake (X-User, Authorization, Origin…).
	Header http.Header
	// Compression is the permessage-deflate offered; none by default.
	Compression Compression
	// NetDial replaces the TCP dial (to shrink the receive buffer, say).
	NetDial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Client is a WebSocket client for tests, on gobwas/ws like the server
// (the project uses one WebSocket library). Read answers pings on the
// way, so a client that only reads stays alive; Read and Write may be
// called from different goroutines.
type Client struct {
	nc      net.Conn
	r       *bufio.Reader
	deflate bool

	wmu       sync.Mutex
	closeSent bool
}

// CloseError is what Read returns after the server's close frame.
type CloseError struct {
	Code   ws.StatusCode
	Reason string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("websocket closed by the server: %d %s", e.Code, e.Reason)
}

// CloseStatus returns the code of the server's close frame that ended a
// Read with err, or 0 when the connection ended another way.
func CloseStatus(err error) ws.StatusCode {
	if ce, ok := errors.AsType[*CloseError](err); ok {
		return ce.Code
	}
	return 0
}

// HandshakeStatus returns the HTTP status with which the server refused
// the handshake that Dial reported as err, or 0.
func HandshakeStatus(err error) int {
	if se, ok := errors.AsType[ws.StatusError](err); ok {
		return int(se)
	}
	return 0
}

// Dial opens a WebSocket to url (ws://…).
func Dial(ctx context.Context, url string, o DialOptions) (*Client, error) {
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(o.Header), NetDial: o.NetDial}
	switch o.Compression {
	case NoContextTakeover:
		d.Extensions = []httphead.Option{wsflate.Parameters{ServerNoContextTakeover: true, ClientNoContextTakeover: true}.Option()}
	case ContextTakeover:
		d.Extensions = []httphead.Option{wsflate.Parameters{}.Option()}
	}
	nc, br, hs, err := d.Dial(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	c := &Client{nc: nc}
	for _, opt := range hs.Extensions {
		var p wsflate.Parameters
		if err := p.Parse(opt); err != nil {
			continue
		}
		if !p.ServerNoContextTakeover {
			nc.Close()
			return nil, fmt.Errorf("dial %s: the server keeps its compression context, which this client does not", url)
		}
		c.deflate = true
	}
	if br != nil {
		c.r = bufio.NewReader(io.MultiReader(br, nc))
	} else {
		c.r = bufio.NewReader(nc)
	}
	return c, nil
}

// Read returns the next message, inflated. It answers pings on the way;
// after the server's close frame it answers it and returns a *CloseError.
// ctx bounds the wait.
func (c *Client) Read(ctx context.Context) ([]byte, error) {
	dl, _ := ctx.Deadline()
	_ = c.nc.SetReadDeadline(dl)
	stop := context.AfterFunc(ctx, func() { _ = c.nc.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	var msg []byte
	compressed := false
	for {
		h, err := ws.ReadHeader(c.r)
		if err != nil {
			return nil, err
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(c.r, p); err != nil {
			return nil, err
		}
		if h.Masked {
			return nil, errors.New("websocket: the server masked a frame")
		}
		switch h.OpCode {
		case ws.OpPing:
			if err := c.write(ws.OpPong, p, dl); err != nil && !errors.Is(err, errClosing) {
				return nil, err
			}
			continue
		case ws.OpPong:
			continue
		case ws.OpClose:
			code, reason := ws.ParseCloseFrameData(p)
			_ = c.write(ws.OpClose, ws.NewCloseFrameBody(code, ""), dl)
			return nil, &CloseError{Code: code, Reason: reason}
		case ws.OpText, ws.OpBinary:
			compressed = h.Rsv1()
		}
		msg = append(msg, p...)
		if h.Fin {
			break
		}
	}
	if !compressed {
		return msg, nil
	}
	if !c.deflate {
		return nil, errors.New("websocket: a compressed message without permessage-deflate")
	}
	out, err := io.ReadAll(flate.NewReader(io.MultiReader(bytes.NewReader(msg), bytes.NewReader([]byte{0, 0, 0xff, 0xff}))))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) { // a flushed stream has no final block
		return nil, fmt.Errorf("websocket: inflate: %w", err)
	}
	return out, nil
}

// Write sends p as one text message.
func (c *Client) Write(ctx context.Context, p []byte) error {
	dl, _ := ctx.Deadline()
	return c.write(ws.OpText, p, dl)
}

var errClosing = errors.New("websocket: closing")

// write sends one masked frame, giving up at deadline (none when zero).
func (c *Client) write(op ws.OpCode, p []byte, deadline time.Time) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closeSent {
		return errClosing
	}
	c.closeSent = op == ws.OpClose
	if err := c.nc.SetWriteDeadline(deadline); err != nil {
		return err
	}
	return ws.WriteFrame(c.nc, ws.MaskFrame(ws.NewFrame(op, true, p)))
}

// Close starts the close handshake with code; the server's answer ends
// a Read.
func (c *Client) Close(code ws.StatusCode, reason string) error {
	err := c.write(ws.OpClose, ws.NewCloseFrameBody(code, reason), time.Now().Add(5*time.Second))
	if errors.Is(err, errClosing) {
		return nil
	}
	return err
}

// CloseNow closes the connection without a close frame.
func (c *Client) CloseNow() error { return c.nc.Close() }

// Deflate reports whether the server accepted permessage-deflate.
func (c *Client) Deflate() bool { return c.deflate }

// Conn returns the underlying connection.
func (c *Client) Conn() net.Conn { return c.nc }

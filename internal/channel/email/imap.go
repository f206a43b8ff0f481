package email

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-imap/client"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
)

// Folder is the inbox's IMAP folder (INBOX by default).
func Folder(inbox *parley.Inbox) string {
	if f := channel.InboxSetting(inbox, KeyIMAPFolder); f != "" {
		return f
	}
	return "INBOX"
}

// MarkSeen reports whether polled mail is flagged \Seen on the server.
func MarkSeen(inbox *parley.Inbox) bool { return on(inbox, KeyIMAPMarkSeen) }

// DialIMAP connects to the inbox's IMAP server (through the adapter's
// guarded dialer) and logs in. The caller logs out.
func (a *Adapter) DialIMAP(ctx context.Context, inbox *parley.Inbox) (*client.Client, error) {
	host := channel.InboxSetting(inbox, KeyIMAPHost)
	if host == "" {
		return nil, fmt.Errorf("the inbox has no IMAP host")
	}
	security := channel.InboxSetting(inbox, KeyIMAPSecurity)
	p, _ := strconv.Atoi(channel.InboxSetting(inbox, KeyIMAPPort))
	if p == 0 {
		p = 993
		if security == "none" || security == "starttls" {
			p = 143
		}
	}
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	conn, err := a.dial(dctx, "tcp", net.JoinHostPort(host, strconv.Itoa(p)))
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	tlsCfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if security == "" || security == "tls" {
		conn = tls.Client(conn, tlsCfg)
	}
	_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
	c, err := client.New(conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	c.Timeout = time.Minute
	if security == "starttls" {
		if err := c.StartTLS(tlsCfg); err != nil {
			c.Terminate()
			return nil, fmt.Errorf("starttls: %w", err)
		}
	}
	if err := c.Login(channel.InboxSetting(inbox, KeyIMAPUsername), channel.InboxSetting(inbox, KeyIMAPPassword)); err != nil {
		c.Terminate()
		return nil, fmt.Errorf("login: %w", err)
	}
	return c, nil
}

// ProbeIMAP logs in and opens the folder.
func (a *Adapter) ProbeIMAP(ctx context.Context, inbox *parley.Inbox) error {
	c, err := a.DialIMAP(ctx, inbox)
	if err != nil {
		return err
	}
	defer c.Logout()
	if _, err := c.Select(Folder(inbox), true); err != nil {
		return fmt.Errorf("open %s: %w", Folder(inbox), err)
	}
	return nil
}

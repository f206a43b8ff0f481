package app

import (
	"context"
	"fmt"
	"net"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/email"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/mailin"
	"github.com/parleyhq/parley/internal/tracking"
)

// mailParts are the email channel's ingress: the SMTP listener (when
// PARLEY_SMTP_ADDR is set) and the IMAP poller.
type mailParts struct {
	Service  *mailin.Service
	listener *mailin.Listener
	ln       net.Listener
	poller   *mailin.Poller
	// Tracking serves the open and click URLs in sent mail.
	Tracking *tracking.Handler
}

// newMail builds the email ingress on the inbound path and the tracking
// links' handler.
func (a *App) newMail(receiver *inbound.Receiver, adapters map[string]channel.Adapter, dns mailin.Resolver, links *tracking.Links) *mailParts {
	if dns == nil {
		dns = net.DefaultResolver
	}
	svc := &mailin.Service{Store: a.Store, Inbound: receiver, Blobs: a.blobs, Logger: a.Log,
		Auth: &mailin.Authenticator{DNS: dns}}
	m := &mailParts{Service: svc, Tracking: &tracking.Handler{Links: links, Store: a.Store, Logger: a.Log}}
	if ad, ok := adapters[parley.ChannelEmail].(*email.Adapter); ok {
		m.poller = &mailin.Poller{Service: svc, Adapter: ad, Interval: a.Config.IMAPPollInterval}
	}
	if a.Config.SMTPAddr != "" {
		m.listener = mailin.NewListener(svc, a.Config.Public().Hostname(), a.Config.SMTPMaxBytes)
	}
	return m
}

// listenMail binds the SMTP listener's address.
func (a *App) listenMail() error {
	if a.Mail == nil || a.Mail.listener == nil || a.Mail.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", a.Config.SMTPAddr)
	if err != nil {
		return fmt.Errorf("PARLEY_SMTP_ADDR: %w", err)
	}
	a.Mail.ln = ln
	return nil
}

// SMTPAddr is the address the SMTP listener takes mail on, after Listen;
// "" when it is off.
func (a *App) SMTPAddr() string {
	if a.Mail == nil || a.Mail.ln == nil {
		return ""
	}
	return a.Mail.ln.Addr().String()
}

// runMail serves the SMTP listener and polls IMAP until ctx ends.
func (a *App) runMail(ctx context.Context) {
	if a.Mail == nil {
		return
	}
	if a.Mail.ln != nil {
		go func() {
			a.Log.Info("smtp listening", "addr", a.SMTPAddr())
			if err := a.Mail.listener.Serve(a.Mail.ln); err != nil {
				a.Log.Error("smtp listener failed", "err", err)
			}
		}()
		go func() {
			<-ctx.Done()
			_ = a.Mail.listener.Close()
		}()
	}
	if a.Mail.poller != nil {
		go a.Mail.poller.Run(ctx)
	}
}

// PollIMAP polls every email inbox with IMAP settings once, now (tests,
// and operators who want mail before the next interval).
func (m *mailParts) PollIMAP(ctx context.Context) {
	if m.poller != nil {
		m.poller.PollAll(ctx)
	}
}

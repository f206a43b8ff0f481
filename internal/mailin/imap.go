package mailin

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/emersion/go-imap"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/email"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Poller polls the IMAP folder of every email inbox that has an IMAP host.
// It remembers, per inbox, the folder's UIDVALIDITY and the last UID
// stored, and moves past a UID only once its mail is committed: a restart
// neither skips mail nor stores it twice (the Message-ID dedupes a mail
// whose UID was not yet recorded). Mail stays on the server, flagged seen
// when the inbox asks.
type Poller struct {
	Service  *Service
	Adapter  *email.Adapter
	Interval time.Duration
}

// Run polls until ctx ends.
func (p *Poller) Run(ctx context.Context) {
	if p.Interval <= 0 {
		p.Interval = time.Minute
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.PollAll(ctx)
		t.Reset(p.Interval)
	}
}

// PollAll polls each email inbox with IMAP settings once.
func (p *Poller) PollAll(ctx context.Context) {
	list, err := p.Service.Store.ListInboxesByChannel(ctx, parley.ChannelEmail)
	if err != nil {
		p.Service.log().ErrorContext(ctx, "imap poll: list inboxes", "err", err)
		return
	}
	for i := range list {
		if channel.InboxSetting(&list[i], email.KeyIMAPHost) == "" {
			continue
		}
		if n, err := p.Poll(ctx, &list[i]); err != nil {
			p.Service.log().WarnContext(ctx, "imap poll failed", "inbox_id", list[i].ID, "stored", n,
				"err", channel.Scrub(err.Error(), channel.InboxSetting(&list[i], email.KeyIMAPPassword)))
		}
	}
}

// maxPerPoll bounds one poll of one inbox; the next poll continues.
const maxPerPoll = 200

// Poll fetches the inbox's new mail and delivers it, returning how many
// mails it handled.
func (p *Poller) Poll(ctx context.Context, inbox *parley.Inbox) (int, error) {
	c, err := p.Adapter.DialIMAP(ctx, inbox)
	if err != nil {
		return 0, err
	}
	defer c.Logout()
	mbox, err := c.Select(email.Folder(inbox), false)
	if err != nil {
		return 0, fmt.Errorf("select: %w", err)
	}
	state, err := p.Service.Store.FindEmailPoll(ctx, inbox.ID)
	if err != nil {
		return 0, err
	}
	if state.UIDValidity != mbox.UidValidity { // a new folder: every UID is new
		state = sqlstore.EmailPoll{UIDValidity: mbox.UidValidity}
	}
	crit := imap.NewSearchCriteria()
	crit.Uid = new(imap.SeqSet)
	crit.Uid.AddRange(state.LastUID+1, 0)
	uids, err := c.UidSearch(crit)
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	n := 0
	for _, uid := range sortedAfter(uids, state.LastUID) {
		if n >= maxPerPoll || ctx.Err() != nil {
			break
		}
		raw, err := fetch(c, uid)
		if err != nil {
			return n, err
		}
		if raw != nil {
			_, err = p.Service.Deliver(ctx, inbox, Envelope{Rcpt: channel.InboxSetting(inbox, email.KeyAddress)}, raw)
			if err != nil && !isMalformed(err) {
				return n, err
			}
		}
		state.LastUID = uid
		if err := p.Service.Store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.SaveEmailPoll(ctx, inbox.ID, state) }); err != nil {
			return n, err
		}
		if email.MarkSeen(inbox) {
			set := new(imap.SeqSet)
			set.AddNum(uid)
			_ = c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []any{imap.SeenFlag}, nil)
		}
		n++
	}
	if n == 0 && state.LastUID == 0 { // remember the folder's UIDVALIDITY
		err = p.Service.Store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.SaveEmailPoll(ctx, inbox.ID, state) })
	}
	return n, err
}

// fetch reads one mail by UID without setting \Seen.
func fetch(c interface {
	UidFetch(*imap.SeqSet, []imap.FetchItem, chan *imap.Message) error
}, uid uint32) ([]byte, error) {
	set := new(imap.SeqSet)
	set.AddNum(uid)
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, 1)
	done := make(chan error, 1)
	go func() { done <- c.UidFetch(set, []imap.FetchItem{section.FetchItem()}, ch) }()
	var raw []byte
	for msg := range ch {
		if r := msg.GetBody(section); r != nil {
			b, err := io.ReadAll(io.LimitReader(r, DefaultMaxBytes+1))
			if err != nil {
				return nil, err
			}
			raw = b
		}
	}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("fetch %d: %w", uid, err)
	}
	return raw, nil
}

func sortedAfter(uids []uint32, last uint32) []uint32 {
	out := make([]uint32, 0, len(uids))
	for _, u := range uids {
		if u > last {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

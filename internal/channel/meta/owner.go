package meta

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
)

// OwnerCheck is how the Graph API proves that an inbox's own token owns
// the id app-wide webhooks route by: the target the token must read, the
// id the answer must carry, and the wording for people. WhatsApp reads
// GET /{phone_number_id} with the access token (Graph answers 200 only for
// a number of a business account the token may manage); Messenger reads
// GET /me with the page access token (a page token reads as its page, so
// the id must be the page id; /{page_id} would not do, public pages are
// readable by other tokens).
type OwnerCheck struct {
	Target, ID, Token string
	Field, TokenField string
	What              string
}

// VerifyOwner makes the check for an inbox about to be saved
// (channel.OwnerVerifier).
func (c Client) VerifyOwner(ctx context.Context, inbox *parley.Inbox, chk OwnerCheck) error {
	ctx, cancel := context.WithTimeout(ctx, channel.ProbeTimeout)
	defer cancel()
	status, why, err := c.readOwned(ctx, chk)
	switch {
	case err != nil:
		c.Log.WarnContext(ctx, "graph ownership check", "channel", inbox.Channel, "err", channel.Scrub(err.Error(), chk.Token))
		return parley.FieldErrorf(chk.Field, "Meta's Graph API could not be reached to confirm that the token may use %s. Try again.", chk.What)
	case status == http.StatusUnauthorized || why == "token":
		return parley.FieldErrorf(chk.TokenField, "Meta refused this access token. Check that it is valid and not expired.")
	case why != "":
		return parley.FieldErrorf(chk.Field, "This access token cannot use %s. Check the id and the token in Meta's Business Manager.", chk.What)
	}
	return nil
}

// ProbeOwner is the test of a WhatsApp or Messenger inbox: the ownership
// check its id was bound with, made again (a token revoked or moved to
// another business fails it).
func (c Client) ProbeOwner(ctx context.Context, chk OwnerCheck) *channel.Probe {
	ctx, cancel := context.WithTimeout(ctx, channel.ProbeTimeout)
	defer cancel()
	start := c.Clock.Now()
	t := &channel.Probe{CheckedAt: start}
	status, why, err := c.readOwned(ctx, chk)
	t.LatencyMS, t.Status = c.Clock.Now().Sub(start).Milliseconds(), status
	switch {
	case err != nil:
		t.Error = "The provider could not be reached: " + channel.Scrub(err.Error(), chk.Token)
	case status == http.StatusUnauthorized || why == "token":
		t.Error = "The provider refused the credentials."
	case why != "":
		t.Error = "The access token cannot use " + chk.What + "."
	default:
		t.OK = true
	}
	return t
}

// readOwned makes the ownership call. why is "" when the token reads the
// id, "token" when Graph refused the token itself (code 190), else
// "other".
func (c Client) readOwned(ctx context.Context, chk OwnerCheck) (status int, why string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, chk.Target, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+chk.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, "", channel.Unwrap(err)
	}
	defer resp.Body.Close()
	var body struct {
		ID    string `json:"id"`
		Error *struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, 64<<10))
	if derr := dec.Decode(&body); derr != nil && resp.StatusCode/100 == 2 {
		return resp.StatusCode, "other", nil
	}
	switch {
	case resp.StatusCode/100 == 5:
		return resp.StatusCode, "", fmt.Errorf("graph answered %d", resp.StatusCode)
	case body.Error != nil && body.Error.Code == 190:
		return resp.StatusCode, "token", nil
	case resp.StatusCode/100 != 2 || body.ID == "" || body.ID != chk.ID:
		return resp.StatusCode, "other", nil
	}
	return resp.StatusCode, "", nil
}

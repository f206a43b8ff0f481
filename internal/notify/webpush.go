package notify

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/SherClockHolmes/webpush-go"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// vapidSetting is the system setting holding the VAPID key pair (sealed):
// generated once, in the database, so every node signs with the same keys
// and subscriptions survive restarts and new nodes.
const vapidSetting = "webpush_vapid_keys"

// WebPush sends pushes to users' browsers and installed apps (Web Push:
// RFC 8030 delivery, RFC 8291 payload encryption, RFC 8292 VAPID).
type WebPush struct {
	Store *sqlstore.Store
	// Client calls push services; endpoints come from browsers, so it
	// should refuse private addresses (netguard).
	Client *http.Client
	// Subscriber is the VAPID contact: an https URL or an email address.
	Subscriber string
	Log        *slog.Logger

	mu          sync.Mutex
	pub, secret string
}

// Subscriber is the VAPID contact push services see for a node at public:
// the public URL when it is https, else an address at its host.
func Subscriber(public *url.URL) string {
	if public.Scheme == "https" {
		return public.String()
	}
	return "parley@" + cmp.Or(public.Hostname(), "localhost")
}

type vapidKeys struct {
	Public  string `json:"public"`
	Private string `json:"private"`
}

// PublicKey returns the VAPID public key (base64url, uncompressed P-256
// point), generating and storing the pair on first use.
func (w *WebPush) PublicKey(ctx context.Context) (string, error) {
	pub, _, err := w.keys(ctx)
	return pub, err
}

func (w *WebPush) keys(ctx context.Context) (string, string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pub != "" {
		return w.pub, w.secret, nil
	}
	raw, err := w.Store.SealedSystemSetting(ctx, vapidSetting)
	if err != nil {
		return "", "", fmt.Errorf("webpush: keys: %w", err)
	}
	if raw == "" {
		priv, pub, err := webpush.GenerateVAPIDKeys()
		if err != nil {
			return "", "", fmt.Errorf("webpush: generate keys: %w", err)
		}
		fresh, _ := json.Marshal(vapidKeys{Public: pub, Private: priv})
		err = w.Store.Write(ctx, func(tx *sqlstore.Tx) error {
			raw, err = tx.SetSealedSystemSettingIfAbsent(ctx, vapidSetting, string(fresh)) // another node's pair wins
			return err
		})
		if err != nil {
			return "", "", fmt.Errorf("webpush: store keys: %w", err)
		}
	}
	var k vapidKeys
	if err := json.Unmarshal([]byte(raw), &k); err != nil || k.Public == "" {
		return "", "", fmt.Errorf("webpush: stored keys unreadable: %v", err)
	}
	w.pub, w.secret = k.Public, k.Private
	return w.pub, w.secret, nil
}

// errRetry marks a push a push service asked to retry.
var errRetry = errors.New("webpush: push service asked to retry")

// Push implements PushSender: msg goes to every subscription of the user.
// A subscription the push service says is gone (404, 410) is removed; a
// service that is down or throttling (network error, 429, 5xx) fails the
// push so the job retries (devices that already got it may show it again,
// under the same tag, which replaces it).
func (w *WebPush) Push(ctx context.Context, userID string, msg PushMessage) error {
	pub, priv, err := w.keys(ctx)
	if err != nil {
		return err
	}
	subs, err := w.Store.ListPushSubscriptions(ctx, userID)
	if err != nil || len(subs) == 0 {
		return err
	}
	payload, err := json.Marshal(msg)
	if err != nil {
		return scheduler.Permanent(err)
	}
	topic := strings.ReplaceAll(cmpOr(msg.NotificationID, msg.Tag), "-", "")
	if len(topic) > 32 {
		topic = topic[:32]
	}
	var errs []error
	for _, s := range subs {
		resp, err := webpush.SendNotificationWithContext(ctx, payload, &webpush.Subscription{
			Endpoint: s.Endpoint, Keys: webpush.Keys{P256dh: s.P256DH, Auth: s.Auth},
		}, &webpush.Options{
			HTTPClient: w.Client, Subscriber: w.Subscriber, VAPIDPublicKey: pub, VAPIDPrivateKey: priv,
			TTL: 24 * 60 * 60, Urgency: webpush.UrgencyHigh, Topic: topic,
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("webpush: send to %s: %w", host(s.Endpoint), err))
			continue
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		switch code := resp.StatusCode; {
		case code >= 200 && code < 300:
		case code == http.StatusNotFound || code == http.StatusGone:
			err := w.Store.Write(ctx, func(tx *sqlstore.Tx) error {
				_, err := tx.DeletePushSubscription(ctx, "", s.Endpoint)
				return err
			})
			if err != nil {
				errs = append(errs, err)
			}
		case code == http.StatusTooManyRequests || code >= 500:
			errs = append(errs, fmt.Errorf("%w: %s answered %d", errRetry, host(s.Endpoint), code))
		default:
			// 400, 403, 413: this message can never go there; others may.
			if w.Log != nil {
				w.Log.WarnContext(ctx, "webpush refused", "subscription_id", s.ID, "status", code)
			}
		}
	}
	return errors.Join(errs...)
}

func host(endpoint string) string {
	rest, _ := strings.CutPrefix(endpoint, "https://")
	rest, _ = strings.CutPrefix(rest, "http://")
	h, _, _ := strings.Cut(rest, "/")
	return h
}

// SubscriptionInput is a browser's PushSubscription as JSON
// (PushSubscription.toJSON()).
type SubscriptionInput struct {
	Endpoint string `json:"endpoint" required:"true" maxLength:"2048" doc:"The push service URL."`
	Keys     struct {
		P256DH string `json:"p256dh" required:"true" maxLength:"128" doc:"The browser's P-256 public key, base64url."`
		Auth   string `json:"auth" required:"true" maxLength:"64" doc:"The 16-byte authentication secret, base64url."`
	} `json:"keys" required:"true"`
}

// PushPublicKey returns the VAPID public key browsers subscribe with.
func (s *Service) PushPublicKey(ctx context.Context) (string, error) {
	if s.WebPush == nil {
		return "", parley.Errorf(parley.ENOTFOUND, "Push notifications are not enabled on this server.")
	}
	return s.WebPush.PublicKey(ctx)
}

// Subscribe stores a device's push subscription for the user. CheckURL
// refuses endpoints that name private addresses.
func (s *Service) Subscribe(ctx context.Context, userID, userAgent string, in SubscriptionInput) (*sqlstore.PushSubscription, error) {
	if s.WebPush == nil {
		return nil, parley.Errorf(parley.ENOTFOUND, "Push notifications are not enabled on this server.")
	}
	checkURL := s.CheckURL
	if !strings.HasPrefix(in.Endpoint, "https://") && !strings.HasPrefix(in.Endpoint, "http://") {
		return nil, parley.FieldErrorf("endpoint", "The endpoint must be an https URL.")
	}
	if checkURL != nil {
		if err := checkURL(in.Endpoint); err != nil {
			return nil, parley.FieldErrorf("endpoint", "The endpoint is not allowed. %s", parley.ErrorMessage(err))
		}
	}
	if k, err := b64(in.Keys.P256DH); err != nil || len(k) != 65 || k[0] != 4 {
		return nil, parley.FieldErrorf("keys.p256dh", "p256dh must be an uncompressed P-256 public key, base64url.")
	}
	if k, err := b64(in.Keys.Auth); err != nil || len(k) != 16 {
		return nil, parley.FieldErrorf("keys.auth", "auth must be 16 bytes, base64url.")
	}
	sub := &sqlstore.PushSubscription{UserID: userID, Endpoint: in.Endpoint, P256DH: in.Keys.P256DH, Auth: in.Keys.Auth,
		UserAgent: clip(userAgent, 200)}
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.SavePushSubscription(ctx, sub) })
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// Unsubscribe removes one of the user's subscriptions (ENOTFOUND when
// they have none with that endpoint).
func (s *Service) Unsubscribe(ctx context.Context, userID, endpoint string) error {
	return s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		ok, err := tx.DeletePushSubscription(ctx, userID, endpoint)
		if err == nil && !ok {
			err = parley.Errorf(parley.ENOTFOUND, "No push subscription with that endpoint.")
		}
		return err
	})
}

func b64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

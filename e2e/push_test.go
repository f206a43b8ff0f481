package e2e

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/clocktest"
)

// pushService is a loopback Web Push service: it checks each request's
// VAPID JWT (RFC 8292) against the server's public key and decrypts the
// payload (RFC 8291, aes128gcm of RFC 8188) with the subscription's keys,
// which the test generated as a browser would.
type pushService struct {
	t      *testing.T
	srv    *httptest.Server
	vapid  string // the server's public key, base64url
	mu     sync.Mutex
	subs   map[string]*pushSub // by path
	got    chan pushed
	status map[string]int // answer per path (201 when unset)
}

type pushSub struct {
	priv *ecdh.PrivateKey
	auth []byte
}

type pushed struct {
	path string
	msg  map[string]any
	err  error
}

func newPushService(t *testing.T) *pushService {
	p := &pushService{t: t, subs: map[string]*pushSub{}, got: make(chan pushed, 16), status: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// subscribe makes a subscription as a browser would: its endpoint, p256dh
// and auth.
func (p *pushService) subscribe(path string) map[string]any {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		p.t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	p.mu.Lock()
	p.subs[path] = &pushSub{priv: priv, auth: auth}
	p.mu.Unlock()
	return map[string]any{"endpoint": p.srv.URL + path, "keys": map[string]string{
		"p256dh": base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		"auth":   base64.RawURLEncoding.EncodeToString(auth),
	}}
}

func (p *pushService) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	sub, status := p.subs[r.URL.Path], p.status[r.URL.Path]
	p.mu.Unlock()
	if status == 0 {
		status = http.StatusCreated
	}
	res := pushed{path: r.URL.Path}
	switch {
	case sub == nil:
		res.err = fmt.Errorf("push to an unknown subscription %s", r.URL.Path)
	case r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "":
		res.err = fmt.Errorf("headers %v, want Content-Encoding aes128gcm and a TTL", r.Header)
	default:
		if res.err = p.checkVAPID(r.Header.Get("Authorization")); res.err == nil {
			var plain []byte
			if plain, res.err = decrypt(body, sub); res.err == nil {
				res.err = json.Unmarshal(plain, &res.msg)
			}
		}
	}
	if res.err != nil {
		status = http.StatusBadRequest
	}
	p.got <- res
	w.WriteHeader(status)
}

// checkVAPID verifies "vapid t=<JWT>, k=<key>": k is the server's key, the
// ES256 signature holds, aud is this origin, exp is within 24 hours.
func (p *pushService) checkVAPID(h string) error {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return fmt.Errorf("authorization %q is not vapid", h)
	}
	var tok, key string
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			tok = v
		} else if v, ok := strings.CutPrefix(part, "k="); ok {
			key = v
		}
	}
	if key != p.vapid {
		return fmt.Errorf("vapid k=%s, want the server's key %s", key, p.vapid)
	}
	raw, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil || len(raw) != 65 {
		return fmt.Errorf("vapid key: %v", err)
	}
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(raw[1:33]), Y: new(big.Int).SetBytes(raw[33:])}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return fmt.Errorf("jwt %q", tok)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("jwt signature: %v", err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("jwt signature does not verify with the vapid key")
	}
	var head struct{ Alg string }
	var claims struct {
		Aud, Sub string
		Exp      int64
	}
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	json.Unmarshal(hb, &head)
	json.Unmarshal(cb, &claims)
	exp := time.Unix(claims.Exp, 0)
	if head.Alg != "ES256" || claims.Aud != p.srv.URL || claims.Sub == "" || exp.Before(time.Now()) || exp.After(time.Now().Add(24*time.Hour)) {
		return fmt.Errorf("jwt header %+v claims %+v, want ES256, aud %s, a sub and exp within 24h", head, claims, p.srv.URL)
	}
	return nil
}

// decrypt opens an aes128gcm body (RFC 8188) whose key comes from RFC
// 8291: the ECDH of the subscription's key with the sender's, and auth.
func decrypt(body []byte, sub *pushSub) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body too short")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idlen != 65 || len(body) < 21+idlen {
		return nil, fmt.Errorf("keyid length %d, want the sender's 65-byte key", idlen)
	}
	asPub, ct := body[21:21+idlen], body[21+idlen:]
	if uint32(len(ct)) > rs {
		return nil, fmt.Errorf("one record of %d bytes, larger than rs %d", len(ct), rs)
	}
	peer, err := ecdh.P256().NewPublicKey(asPub)
	if err != nil {
		return nil, err
	}
	secret, err := sub.priv.ECDH(peer)
	if err != nil {
		return nil, err
	}
	info := append(append([]byte("WebPush: info\x00"), sub.priv.PublicKey().Bytes()...), asPub...)
	prkKey := hmacSHA256(sub.auth, secret)
	ikm, _ := hkdf.Expand(sha256.New, prkKey, string(info), 32)
	prk := hmacSHA256(salt, ikm)
	cek, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("no last-record padding delimiter")
	}
	return plain[:len(plain)-1], nil
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

func (p *pushService) next(t *testing.T) pushed {
	t.Helper()
	select {
	case got := <-p.got:
		if got.err != nil {
			t.Fatalf("push to %s: %v", got.path, got.err)
		}
		return got
	case <-time.After(20 * time.Second):
		t.Fatal("no push arrived")
	}
	return pushed{}
}

// TestPush_AssignmentReachesTheDeviceEncryptedAndSigned: an agent
// subscribes two devices; an assignment is pushed to both, encrypted for
// each and signed with the server's VAPID key; a device whose
// subscription is gone (410) is removed and not pushed again.
func TestPush_AssignmentReachesTheDeviceEncryptedAndSigned(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		ps := newPushService(t)
		s := n.bootstrap()
		boTok, boID := n.agent(s, "bo@example.com")
		key := n.must(200, "GET", "/api/v1/push/public-key", boTok, nil).m(t)["public_key"].(string)
		if again := n.must(200, "GET", "/api/v1/push/public-key", s.token, nil).m(t)["public_key"]; again != key {
			t.Fatalf("public key changed between calls: %v then %v", key, again)
		}
		ps.vapid = key
		n.must(201, "POST", "/api/v1/me/push-subscriptions", boTok, ps.subscribe("/phone"))
		n.must(201, "POST", "/api/v1/me/push-subscriptions", boTok, ps.subscribe("/old-laptop"))
		ps.mu.Lock()
		ps.status["/old-laptop"] = http.StatusGone
		ps.mu.Unlock()

		bo := n.dial(t, s, boTok, "")
		bo.next("hello")
		_, cid := n.inbound(s, "zoe", "m1", "Hi")
		bo.nextNotification() // new conversation: pushed too
		for range 2 {
			ps.next(t)
		}
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"assignee_ids": []string{boID}})
		got := ps.next(t)
		if got.path != "/phone" || got.msg["title"] != "Assigned to you" || got.msg["url"] != "/conversations/"+cid ||
			!strings.Contains(fmt.Sprint(got.msg["body"]), "assigned to you") {
			t.Errorf("push = %s %v, want the assignment on the phone", got.path, got.msg)
		}
		select {
		case extra := <-ps.got:
			t.Errorf("a push went to %s after it answered 410", extra.path)
		case <-time.After(200 * time.Millisecond): // nothing to await: absence
		}

		// Unsubscribe; bad subscriptions are refused naming the field.
		n.must(204, "DELETE", "/api/v1/me/push-subscriptions", boTok, map[string]string{"endpoint": ps.srv.URL + "/phone"})
		n.must(404, "DELETE", "/api/v1/me/push-subscriptions", boTok, map[string]string{"endpoint": ps.srv.URL + "/phone"})
		bad := ps.subscribe("/bad")
		bad["keys"].(map[string]string)["auth"] = "c2hvcnQ"
		if r := n.do("POST", "/api/v1/me/push-subscriptions", boTok, bad); r.status != 422 || !strings.Contains(string(r.body), "body.keys.auth") {
			t.Errorf("short auth = %d %s, want 422 naming body.keys.auth", r.status, r.body)
		}
		bad = ps.subscribe("/bad")
		bad["endpoint"] = "ftp://example.com/x"
		if r := n.do("POST", "/api/v1/me/push-subscriptions", boTok, bad); r.status != 422 || !strings.Contains(string(r.body), "body.endpoint") {
			t.Errorf("ftp endpoint = %d %s, want 422 naming body.endpoint", r.status, r.body)
		}
	})
}

// TestPush_QuietHoursHoldThenOneSummary: during the agent's quiet hours an
// assignment and a customer message push nothing (the bell still gets
// them live); when the window ends (the node's clock moves) one summary
// push arrives, encrypted and signed like any other.
func TestPush_QuietHoursHoldThenOneSummary(t *testing.T) {
	// 23:00 UTC: inside a 22:00–07:00 window.
	clock := clocktest.New(time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC))
	eachEngineWith(t, nodeOptions{clock: clock}, func(t *testing.T, n *node) {
		ps := newPushService(t)
		s := n.bootstrap()
		boTok, boID := n.agent(s, "bo@example.com")
		ps.vapid = n.must(200, "GET", "/api/v1/push/public-key", boTok, nil).m(t)["public_key"].(string)
		n.must(201, "POST", "/api/v1/me/push-subscriptions", boTok, ps.subscribe("/phone"))
		n.must(200, "PUT", "/api/v1/me/notification-preferences?workspace_id="+s.workspace, boTok, map[string]any{
			// From an hour ago to eight hours from now (the clock is shared by the engines' runs).
			"time_zone": "UTC", "quiet_hours": []any{map[string]any{
				"start": clock.Now().Add(-time.Hour).Format("15:04"), "end": clock.Now().Add(8 * time.Hour).Format("15:04")}},
		})
		bo := n.dial(t, s, boTok, "")
		bo.next("hello")
		_, cid := n.inbound(s, "zoe", "m1", "Hi")
		if got := bo.nextNotification(); got.Sound {
			t.Errorf("live notification during quiet hours = %+v, want no sound", got)
		}
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"assignee_ids": []string{boID}})
		bo.nextNotification()
		n.inbound(s, "zoe", "m2", "Anyone?")
		bo.nextNotification()
		select {
		case p := <-ps.got:
			t.Fatalf("a push during quiet hours: %s %v %v", p.path, p.msg, p.err)
		case <-time.After(1500 * time.Millisecond): // the scheduler polls every second: absence
		}
		clock.Add(8 * time.Hour) // the end of the window
		got := ps.next(t)
		if got.msg["count"] != 3.0 || got.msg["title"] != "3 notifications while you were away" {
			t.Errorf("after quiet hours: push %v, want one summary of 3", got.msg)
		}
		select {
		case p := <-ps.got:
			t.Errorf("a second push after the summary: %v", p.msg)
		case <-time.After(1500 * time.Millisecond):
		}
	})
}

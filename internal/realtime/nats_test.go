package realtime_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/broker/brokertest"
	"github.com/parleyhq/parley/internal/broker/natsbroker"
	"github.com/parleyhq/parley/internal/realtime/realtimetest"
)

func TestHub_nats(t *testing.T) {
	u := brokertest.NATSURL(t)
	open := func(t *testing.T, prefix string) *natsbroker.Broker {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		b, err := natsbroker.Open(ctx, natsbroker.Config{URL: u, Prefix: prefix})
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return b
	}
	// Two nodes: two hubs, two NATS connections, one database.
	twoNodes := func(t *testing.T) (a, b *env) {
		prefix := brokertest.UniquePrefix()
		store := realtimetest.NewStore()
		a = newEnvWith(t, store, open(t, prefix))
		b = newEnvWith(t, store, open(t, prefix))
		a.member("alice", parley.RoleAdmin)
		a.member("bob", parley.RoleAgent)
		a.member("carol", parley.RoleAgent)
		a.member("dave", parley.RoleAdmin)
		store.SetAudience(wsID, "conv-1", parley.Audience{VisibleTo: []string{"alice", "bob"}})
		store.SetAudience(wsID, "admins-only", parley.Audience{VisibleTo: []string{}})
		return a, b
	}

	t.Run("an event announced on node A reaches a socket on node B", func(t *testing.T) {
		nodeA, nodeB := twoNodes(t)
		onA, onB := nodeA.dial(t, "alice", ""), nodeB.dial(t, "bob", "")
		onA.hello()
		onB.hello()
		ev := nodeA.emit(t, event(parley.EventContactUpdated, `{"id":"k1"}`))
		for name, cl := range map[string]*client{"node A": onA, "node B": onB} {
			if f := cl.next(); len(f) != 1 || f[0].Seq != ev.Seq || string(f[0].Data) != `{"id":"k1"}` {
				t.Errorf("%s got %+v, want seq %d", name, f, ev.Seq)
			}
		}
	})

	t.Run("typing on node A reaches those who may see the conversation on node B", func(t *testing.T) {
		nodeA, nodeB := twoNodes(t)
		alice, bob, carol := nodeA.dial(t, "alice", ""), nodeB.dial(t, "bob", ""), nodeB.dial(t, "carol", "")
		alice.hello()
		bob.hello()
		carol.hello()
		alice.send(map[string]string{"type": "typing", "conversation_id": "conv-1", "state": "on"})
		f := bob.next()
		var d struct {
			ConversationID string `json:"conversation_id"`
			User           struct{ ID string }
			State          string
		}
		if len(f) != 1 || f[0].Type != "typing" || json.Unmarshal(f[0].Data, &d) != nil ||
			d.ConversationID != "conv-1" || d.User.ID != "alice" || d.State != "on" {
			t.Fatalf("bob got %+v, want alice typing on conv-1", f)
		}
		nodeB.emit(t, event(parley.EventContactUpdated, `{}`))
		for name, cl := range map[string]*client{"alice": alice, "carol": carol} {
			if f := cl.next(); len(f) != 1 || f[0].Seq != 1 {
				t.Errorf("%s got %+v, want only the event", name, f)
			}
		}
	})

	t.Run("a conversation visible to admins only stays so on a node that learns its audience from the signal", func(t *testing.T) {
		nodeA, nodeB := twoNodes(t)
		alice, bob, dave := nodeA.dial(t, "alice", ""), nodeB.dial(t, "bob", ""), nodeB.dial(t, "dave", "")
		alice.hello()
		bob.hello()
		dave.hello()
		alice.send(map[string]string{"type": "viewing", "conversation_id": "admins-only", "state": "on"})
		if f := dave.next(); len(f) != 1 || f[0].Type != "viewing" {
			t.Fatalf("dave got %+v, want alice viewing", f)
		}
		nodeB.emit(t, event(parley.EventContactUpdated, `{}`))
		if f := bob.next(); len(f) != 1 || f[0].Seq != 1 {
			t.Errorf("bob got %+v, want only the event", f)
		}
	})
}

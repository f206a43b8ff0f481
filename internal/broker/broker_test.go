package broker_test

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/broker"
	"github.com/parleyhq/parley/internal/broker/brokertest"
)

func TestLocal(t *testing.T) {
	brokertest.Run(t, func(t *testing.T) (broker.Broker, broker.Broker) {
		b := broker.NewLocal()
		t.Cleanup(func() { _ = b.Close() })
		return b, b
	})
}

func TestLocal_Resync(t *testing.T) {
	t.Run("every subscriber is told to resync its workspace", func(t *testing.T) {
		b := broker.NewLocal()
		defer b.Close()
		r1, r2 := brokertest.NewRecorder(4), brokertest.NewRecorder(4)
		if _, err := b.Subscribe(t.Context(), "ws-1", r1.Handle); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Subscribe(t.Context(), "ws-2", r2.Handle); err != nil {
			t.Fatal(err)
		}
		b.Resync()
		if n := r1.Next(t, broker.KindResync, time.Second); n.WorkspaceID != "ws-1" {
			t.Errorf("resync for %q, want ws-1", n.WorkspaceID)
		}
		if n := r2.Next(t, broker.KindResync, time.Second); n.WorkspaceID != "ws-2" {
			t.Errorf("resync for %q, want ws-2", n.WorkspaceID)
		}
	})
}

package parley

import (
	"testing"
	"time"
)

func TestMessage_ApplyReport(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		status      DeliveryStatus
		reports     []DeliveryStatus
		wantStatus  DeliveryStatus
		wantHistory int
		wantChanged bool // by the last report
	}{
		{"sent then delivered", DeliverySending, []DeliveryStatus{DeliverySent, DeliveryDelivered}, DeliveryDelivered, 2, true},
		{"a late delivered after read never moves back", DeliverySent, []DeliveryStatus{DeliveryRead, DeliveryDelivered}, DeliveryRead, 2, true},
		{"a repeated report changes nothing", DeliverySent, []DeliveryStatus{DeliveryDelivered, DeliveryDelivered}, DeliveryDelivered, 1, false},
		{"a late failure does not undo a delivery", DeliverySent, []DeliveryStatus{DeliveryDelivered, DeliveryFailed}, DeliveryDelivered, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Message{Direction: DirectionOut, Status: tt.status}
			var changed bool
			for i, st := range tt.reports {
				changed = m.ApplyReport(st, "", t0.Add(time.Duration(i)*time.Second))
			}
			if m.Status != tt.wantStatus || len(m.StatusHistory) != tt.wantHistory || changed != tt.wantChanged {
				t.Errorf("after %v: status %s, history %d, changed %v; want %s, %d, %v",
					tt.reports, m.Status, len(m.StatusHistory), changed, tt.wantStatus, tt.wantHistory, tt.wantChanged)
			}
			if m.SentAt == nil || !m.SentAt.Equal(t0) {
				t.Errorf("SentAt = %v, want the first report's time %v", m.SentAt, t0)
			}
		})
	}
	in := &Message{Direction: DirectionIn, Status: DeliveryQueued}
	if in.ApplyReport(DeliveryRead, "", t0) || len(in.StatusHistory) != 0 {
		t.Errorf("a report on an inbound message changed it: %+v", in)
	}
}

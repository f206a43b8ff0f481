package parley

import "testing"

func TestConversationStatus_CanBecome(t *testing.T) {
	tests := []struct {
		from, to ConversationStatus
		want     bool
	}{
		{StatusQueued, StatusOpen, true},
		{StatusOpen, StatusPending, true},
		{StatusOpen, StatusSnoozed, true},
		{StatusSnoozed, StatusOpen, true},
		{StatusPending, StatusResolved, true},
		{StatusOpen, StatusAbandoned, true},
		{StatusResolved, StatusOpen, true},
		{StatusResolved, StatusQueued, true},
		{StatusResolved, StatusPending, false},
		{StatusResolved, StatusSnoozed, false},
		{StatusResolved, StatusAbandoned, false},
		{StatusAbandoned, StatusResolved, true},
		{StatusAbandoned, StatusPending, false},
		{StatusOpen, StatusOpen, true},
		{StatusOpen, "deleted", false},
		{"bogus", StatusOpen, false},
	}
	for _, tt := range tests {
		if got := tt.from.CanBecome(tt.to); got != tt.want {
			t.Errorf("%q.CanBecome(%q) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestConversationStatus_AfterCustomerMessage(t *testing.T) {
	tests := []struct {
		from   ConversationStatus
		want   ConversationStatus
		wantOK bool
	}{
		{StatusQueued, StatusQueued, true},
		{StatusOpen, StatusOpen, true},
		{StatusPending, StatusOpen, true},
		{StatusSnoozed, StatusOpen, true},
		{StatusResolved, StatusResolved, false},
		{StatusAbandoned, StatusAbandoned, false},
	}
	if len(tests) != len(ConversationStatuses) {
		t.Fatalf("the table covers %d statuses, there are %d", len(tests), len(ConversationStatuses))
	}
	for _, tt := range tests {
		got, ok := tt.from.AfterCustomerMessage()
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%q.AfterCustomerMessage() = %q, %v; want %q, %v", tt.from, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestDeliveryStatus_Advances(t *testing.T) {
	tests := []struct {
		from, to DeliveryStatus
		want     bool
	}{
		{DeliveryQueued, DeliverySending, true},
		{DeliverySending, DeliverySent, true},
		{DeliverySent, DeliveryDelivered, true},
		{DeliveryDelivered, DeliveryRead, true},
		{DeliveryRead, DeliveryDelivered, false},
		{DeliveryDelivered, DeliverySent, false},
		{DeliverySent, DeliveryQueued, false},
		{DeliverySent, DeliveryFailed, true},
		{DeliverySent, DeliveryUndelivered, true},
		{DeliveryDelivered, DeliveryFailed, false},
		{DeliveryDelivered, DeliveryOpened, true},
		{DeliveryOpened, DeliveryClicked, true},
		{DeliveryClicked, DeliveryOpened, false},
		{DeliverySent, DeliveryBounced, true},
		{DeliveryRead, DeliveryRead, false},
		{DeliveryReceived, DeliveryRead, false},
		{DeliveryQueued, "bogus", false},
	}
	for _, tt := range tests {
		if got := tt.from.Advances(tt.to); got != tt.want {
			t.Errorf("%q.Advances(%q) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

package parley

import (
	"slices"
	"time"
)

// ApplyStatus records a delivery status on an outgoing message: the
// history always grows (kept in time order), the status only moves
// forward (DeliveryStatus.Advances), and a failure keeps its reason. It
// reports whether the status changed.
func (m *Message) ApplyStatus(st DeliveryStatus, errText string, at time.Time) bool {
	m.StatusHistory = append(m.StatusHistory, StatusChange{Status: st, At: at, Error: errText})
	slices.SortStableFunc(m.StatusHistory, func(a, b StatusChange) int { return a.At.Compare(b.At) })
	if !m.Status.Advances(st) {
		return false
	}
	m.Status = st
	if st.Failed() {
		m.Error = errText
	}
	return true
}

// ApplyReport records a provider's delivery report (sent, delivered, read,
// failed) on an outgoing message: a report already in the history changes
// nothing; otherwise ApplyStatus, and the first report that the message
// left sets SentAt. It reports whether the message changed (and must be
// written, with its event).
func (m *Message) ApplyReport(st DeliveryStatus, errText string, at time.Time) bool {
	if m.Direction != DirectionOut {
		return false
	}
	for _, h := range m.StatusHistory {
		if h.Status == st && h.Error == errText {
			return false
		}
	}
	m.ApplyStatus(st, errText, at)
	if m.SentAt == nil && (st == DeliverySent || st == DeliveryDelivered || st == DeliveryRead) {
		t := at
		m.SentAt = &t
	}
	return true
}

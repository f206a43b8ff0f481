package conversation

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// PaymentInput creates a payment request. Amount is in the currency's
// minor unit (cents).
type PaymentInput struct {
	Amount      int64
	Currency    string
	Description string
}

var currencyRe = regexp.MustCompile(`^[A-Z]{3}$`)

func formatAmount(amount int64, currency string) string {
	return fmt.Sprintf("%d.%02d %s", amount/100, amount%100, currency)
}

// CreatePaymentRequest adds an unpaid payment request to a conversation;
// it records a system line and emits payment_request.created.
func (s *Service) CreatePaymentRequest(ctx context.Context, a parley.Actor, conversationID string, in PaymentInput) (*parley.PaymentRequest, error) {
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	in.Description = strings.TrimSpace(in.Description)
	switch {
	case in.Amount <= 0 || in.Amount > 1e12:
		return nil, parley.FieldErrorf("amount", "The amount must be a positive number of cents.")
	case !currencyRe.MatchString(in.Currency):
		return nil, parley.FieldErrorf("currency", "Use a three-letter ISO 4217 code such as EUR.")
	case !utf8.ValidString(in.Description) || utf8.RuneCountInString(in.Description) > MaxNoteLen:
		return nil, parley.FieldErrorf("description", "The description must be valid text of at most %d characters.", MaxNoteLen)
	}
	var p *parley.PaymentRequest
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		c, _, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		p = &parley.PaymentRequest{WorkspaceID: c.WorkspaceID, ConversationID: c.ID, Amount: in.Amount, Currency: in.Currency,
			Description: in.Description, Status: parley.PaymentUnpaid, CreatedBy: a.UserID}
		if err := tx.SavePaymentRequest(ctx, p); err != nil {
			return err
		}
		return paymentChanged(ctx, tx, a, c, p, parley.EventPaymentRequestCreated)
	})
	return p, err
}

// SetPaymentStatus marks a payment request paid or cancelled (the system
// that took the payment calls it). A paid or cancelled request is final.
func (s *Service) SetPaymentStatus(ctx context.Context, a parley.Actor, conversationID, requestID string, status parley.PaymentStatus) (*parley.PaymentRequest, error) {
	if status != parley.PaymentPaid && status != parley.PaymentCancelled {
		return nil, parley.FieldErrorf("status", "Use paid or cancelled.")
	}
	var p *parley.PaymentRequest
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		c, _, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		if p, err = tx.FindPaymentRequest(ctx, c.ID, requestID); err != nil {
			return err
		}
		if p.Status == status {
			return nil
		}
		if p.Status != parley.PaymentUnpaid {
			return parley.Errorf(parley.ECONFLICT, "The payment request is already %s.", p.Status)
		}
		p.Status = status
		if err := tx.SavePaymentRequest(ctx, p); err != nil {
			return err
		}
		return paymentChanged(ctx, tx, a, c, p, parley.EventPaymentRequestUpdated)
	})
	return p, err
}

// PaymentRequests lists a conversation's payment requests.
func (s *Service) PaymentRequests(ctx context.Context, a parley.Actor, conversationID string) ([]parley.PaymentRequest, error) {
	if _, _, err := visible(ctx, s.store, a, conversationID); err != nil {
		return nil, err
	}
	return s.store.ListPaymentRequests(ctx, conversationID)
}

func paymentChanged(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, c *parley.Conversation, p *parley.PaymentRequest, typ string) error {
	if _, err := activity.Record(ctx, tx, c, parley.SystemEvent{Action: parley.ActionPayment, Actor: activity.ActorRef(a),
		PaymentStatus: p.Status, PaymentRequestID: p.ID,
		Note: formatAmount(p.Amount, p.Currency) + " " + p.Description}); err != nil {
		return err
	}
	aud := c.Audience()
	if err := tx.AppendEvent(typ, c.WorkspaceID, c.ID, p, &aud, nil); err != nil {
		return err
	}
	return tx.Audit(ctx, c.WorkspaceID, a.UserID, typ, "payment_request", p.ID, p)
}

// blockUnpaid refuses to resolve a conversation that holds an unpaid
// payment request.
func blockUnpaid(ctx context.Context, tx *sqlstore.Tx, prev, c *parley.Conversation) error {
	if c.Status != parley.StatusResolved || prev.Status == parley.StatusResolved {
		return nil
	}
	unpaid, err := tx.FindUnpaidPaymentRequest(ctx, c.ID)
	if err != nil || unpaid == nil {
		return err
	}
	return unpaidConflict(c, unpaid)
}

package ai

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/knowledge"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Feedback ratings and statuses (seed 004 "Train AI with feedback"): an
// agent votes on an AI reply and may propose a better answer; the
// proposal waits for an admin, whose approval turns it into a Q&A entry of
// the knowledge base; a rejected one stays as a record.
const (
	RatingUp   = "up"
	RatingDown = "down"

	FeedbackNone     = "none"
	FeedbackPending  = "pending"
	FeedbackApproved = "approved"
	FeedbackRejected = "rejected"
)

// MaxCorrectionLen bounds a proposed answer (a knowledge entry's content).
const MaxCorrectionLen = knowledge.MaxContentLen

// FeedbackInput is an agent's vote.
type FeedbackInput struct {
	Rating     string
	Correction string
}

// FeedbackView is a feedback record with what a reviewer needs beside it:
// the AI's reply, the voter's name, the conversation's number.
type FeedbackView struct {
	sqlstore.AIFeedback
	Reply              string `json:"reply" doc:"the AI reply voted on"`
	UserName           string `json:"user_name"`
	ConversationNumber int64  `json:"conversation_number"`
}

// ReviewInput is an admin's approval: the question and answer of the
// knowledge entry, edited (empty keeps the recorded ones).
type ReviewInput struct {
	Question string
	Answer   string
}

func checkText(field, v string, limit int) error {
	switch {
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return parley.FieldErrorf(field, "The %s is not valid text.", field)
	case utf8.RuneCountInString(v) > limit:
		return parley.FieldErrorf(field, "The %s is longer than %d characters.", field, limit)
	}
	return nil
}

// Vote records the actor's vote on an AI reply of a conversation they
// see: one per agent per message, changed by voting again. A correction
// waits for an admin's review; changing an approved or rejected
// correction sends it back for review, changing only the rating does not.
func (s *Service) Vote(ctx context.Context, a parley.Actor, conversationID, messageID string, in FeedbackInput) (*sqlstore.AIFeedback, error) {
	if in.Rating != RatingUp && in.Rating != RatingDown {
		return nil, parley.FieldErrorf("rating", "The rating must be up or down.")
	}
	in.Correction = strings.TrimSpace(in.Correction)
	if err := checkText("correction", in.Correction, MaxCorrectionLen); err != nil {
		return nil, err
	}
	conv, err := s.visible(ctx, a, conversationID)
	if err != nil {
		return nil, err
	}
	var out *sqlstore.AIFeedback
	err = s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		m, err := tx.FindMessageByID(ctx, conv.ID, messageID)
		if err != nil {
			return err
		}
		if m.Sender.Kind != parley.SenderAI || m.Private || m.System != nil {
			return parley.FieldErrorf("message_id", "Only the AI's replies take feedback.")
		}
		f, err := tx.FindAIFeedbackVote(ctx, a.WorkspaceID, m.ID, a.UserID)
		if parley.IsNotFound(err) {
			question, qerr := answeredQuestion(ctx, tx, m)
			if qerr != nil {
				return qerr
			}
			f, err = &sqlstore.AIFeedback{WorkspaceID: a.WorkspaceID, MessageID: m.ID, ConversationID: conv.ID,
				UserID: a.UserID, Question: question, Status: FeedbackNone}, nil
		}
		if err != nil {
			return err
		}
		reviewed := f.Status == FeedbackApproved || f.Status == FeedbackRejected
		if !reviewed || f.Correction != in.Correction {
			f.Status = FeedbackNone
			if in.Correction != "" {
				f.Status = FeedbackPending
			}
		}
		f.Rating, f.Correction = in.Rating, in.Correction
		if err := tx.SaveAIFeedback(ctx, f); err != nil {
			return err
		}
		out = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// answeredQuestion is the customer's message the AI reply m answered: the
// customer's messages right before it (several in a row are one question).
func answeredQuestion(ctx context.Context, tx *sqlstore.Tx, m *parley.Message) (string, error) {
	msgs, err := tx.ListMessages(ctx, m.ConversationID, &sqlstore.MessageCursor{CreatedAt: m.CreatedAt, ID: m.ID}, transcriptLen)
	if err != nil {
		return "", err
	}
	var parts []string
	for i := len(msgs) - 1; i >= 0; i-- {
		x := msgs[i]
		if x.Private || x.System != nil || strings.TrimSpace(x.Content) == "" {
			continue
		}
		if x.Sender.Kind != parley.SenderContact {
			if len(parts) > 0 {
				break
			}
			continue
		}
		parts = append([]string{strings.TrimSpace(x.Content)}, parts...)
	}
	q := strings.Join(parts, " ")
	if r := []rune(q); len(r) > knowledge.MaxTitleLen {
		q = string(r[:knowledge.MaxTitleLen])
	}
	return q, nil
}

// MyFeedback returns the actor's votes in a conversation they see (the
// thread shows them on the AI's replies).
func (s *Service) MyFeedback(ctx context.Context, a parley.Actor, conversationID string) ([]sqlstore.AIFeedback, error) {
	conv, err := s.visible(ctx, a, conversationID)
	if err != nil {
		return nil, err
	}
	return s.Store.ListAIFeedbackOfUser(ctx, a.WorkspaceID, conv.ID, a.UserID)
}

// FeedbackPage is one page of feedback records.
type FeedbackPage struct {
	Items      []FeedbackView
	NextCursor string
}

// ListFeedback returns feedback records, newest first, by status (empty:
// all): an admin's review list shows everyone's, an agent sees their own.
func (s *Service) ListFeedback(ctx context.Context, a parley.Actor, status, cursor string, limit int) (*FeedbackPage, error) {
	switch status {
	case "", FeedbackNone, FeedbackPending, FeedbackApproved, FeedbackRejected:
	default:
		return nil, parley.FieldErrorf("status", "The status must be none, pending, approved or rejected.")
	}
	if limit <= 0 || limit > knowledge.MaxLimit {
		limit = knowledge.DefaultLimit
	}
	f := sqlstore.AIFeedbackFilter{Status: status, Limit: limit}
	if !a.IsAdmin() {
		f.UserID = a.UserID
	}
	var err error
	if f.BeforeAt, f.BeforeID, err = DecodeFeedbackCursor(cursor); err != nil {
		return nil, err
	}
	list, err := s.Store.ListAIFeedback(ctx, a.WorkspaceID, f)
	if err != nil {
		return nil, err
	}
	page := &FeedbackPage{Items: make([]FeedbackView, 0, len(list))}
	if len(list) == limit {
		last := list[len(list)-1]
		page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last.CreatedAt.UnixMicro(), 10) + ":" + last.ID))
	}
	names := map[string]string{}
	if members, err := s.Store.ListMembers(ctx, a.WorkspaceID); err == nil {
		for _, m := range members {
			names[m.ID] = m.Name
		}
	}
	for _, fb := range list {
		v, err := s.view(ctx, fb, names)
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, v)
	}
	return page, nil
}

// DecodeFeedbackCursor reads a review list's cursor (a client's input):
// the (created_at micros, id) of the last record seen; "" is the start.
func DecodeFeedbackCursor(cursor string) (int64, string, error) {
	if cursor == "" {
		return 0, "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	at, id, ok := strings.Cut(string(raw), ":")
	n, perr := strconv.ParseInt(at, 10, 64)
	if err != nil || !ok || perr != nil || id == "" || !utf8.ValidString(id) || strings.ContainsRune(id, 0) {
		return 0, "", parley.FieldErrorf("cursor", "The cursor is not valid.")
	}
	return n, id, nil
}

func (s *Service) view(ctx context.Context, f sqlstore.AIFeedback, names map[string]string) (FeedbackView, error) {
	v := FeedbackView{AIFeedback: f, UserName: names[f.UserID]}
	m, err := s.Store.FindMessageByID(ctx, f.ConversationID, f.MessageID)
	switch {
	case err == nil:
		v.Reply = m.Content
	case !parley.IsNotFound(err):
		return v, err
	}
	c, err := s.Store.FindConversationByID(ctx, f.WorkspaceID, f.ConversationID)
	switch {
	case err == nil:
		v.ConversationNumber = c.Number
	case !parley.IsNotFound(err):
		return v, err
	}
	return v, nil
}

// ApproveFeedback turns a pending correction into a Q&A entry of the
// knowledge base (admins): the question the AI answered and the
// correction, either edited here. Approving again after the agent changed
// the correction updates the same entry.
func (s *Service) ApproveFeedback(ctx context.Context, a parley.Actor, feedbackID string, in ReviewInput) (*sqlstore.AIFeedback, error) {
	if !a.IsAdmin() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only admins approve corrections.")
	}
	var out *sqlstore.AIFeedback
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		f, err := s.pending(ctx, tx, a, feedbackID)
		if err != nil {
			return err
		}
		question, answer := f.Question, f.Correction
		if strings.TrimSpace(in.Question) != "" {
			question = in.Question
		}
		if strings.TrimSpace(in.Answer) != "" {
			answer = in.Answer
		}
		k, err := knowledge.SaveQA(ctx, tx, a.WorkspaceID, knowledge.SourceFeedback, f.KnowledgeID, question, answer)
		if err != nil {
			return err
		}
		f.Question, f.Correction, f.KnowledgeID = k.Question, k.Answer, k.ID
		return s.review(ctx, tx, a, f, FeedbackApproved, &out)
	})
	return out, err
}

// RejectFeedback declines a pending correction (admins); it stays as a
// record.
func (s *Service) RejectFeedback(ctx context.Context, a parley.Actor, feedbackID string) (*sqlstore.AIFeedback, error) {
	if !a.IsAdmin() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only admins reject corrections.")
	}
	var out *sqlstore.AIFeedback
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		f, err := s.pending(ctx, tx, a, feedbackID)
		if err != nil {
			return err
		}
		return s.review(ctx, tx, a, f, FeedbackRejected, &out)
	})
	return out, err
}

func (s *Service) pending(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, feedbackID string) (*sqlstore.AIFeedback, error) {
	f, err := tx.FindAIFeedback(ctx, a.WorkspaceID, feedbackID)
	if err != nil {
		return nil, err
	}
	if f.Status != FeedbackPending {
		return nil, parley.Errorf(parley.ECONFLICT, "This feedback is %s, not waiting for review.", f.Status)
	}
	return f, nil
}

func (s *Service) review(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, f *sqlstore.AIFeedback, status string, out **sqlstore.AIFeedback) error {
	f.Status, f.ReviewedBy, f.ReviewedAt = status, a.UserID, tx.Now()
	if err := tx.SaveAIFeedback(ctx, f); err != nil {
		return err
	}
	*out = f
	return nil
}

package widget

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// MaxUpload is the largest file a visitor may upload: the largest the
// web-chat channel's media policy accepts (its spec declares it).
func MaxUpload() int64 { return media.MaxBytes(media.PolicyFor(parley.ChannelWebchat)) }

// Upload is a visitor's uploaded file, to send in attachment_ids.
type Upload struct {
	ID          string `json:"id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Upload checks a visitor's file against the web-chat channel's limits
// (type by content, size by kind) and keeps it until they send it. The
// upload is owned by the visitor (its user_id is the visitor's id, which
// no member's id can equal), so no one else can attach it.
func (s *Service) Upload(ctx context.Context, v *Visitor, fileName, declared string, data []byte) (*Upload, error) {
	if s.Blobs == nil {
		return nil, parley.Errorf(parley.EINTERNAL, "File storage is not configured.")
	}
	fileName = cleanFileName(fileName)
	f, err := media.Check(media.PolicyFor(parley.ChannelWebchat), data, declared, fileName)
	if err != nil {
		if pe, ok := err.(*parley.Error); ok {
			return nil, &parley.Error{Code: pe.Code, Field: "file", Message: pe.Message}
		}
		return nil, err
	}
	u := &sqlstore.Upload{WorkspaceID: v.WorkspaceID, UserID: v.ID,
		Attachment: parley.Attachment{ID: id.New(), FileName: fileName, ContentType: f.ContentType, Size: int64(len(data))}}
	u.Key = u.ID
	if err := s.Blobs.Put(ctx, u.Key, data); err != nil {
		return nil, fmt.Errorf("widget: store upload: %w", err)
	}
	if err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.CreateUpload(ctx, u) }); err != nil {
		return nil, fmt.Errorf("widget: record upload: %w", err)
	}
	return &Upload{ID: u.ID, FileName: u.FileName, ContentType: u.ContentType, Size: u.Size}, nil
}

// claimKey is the uploads' claim of one visitor message: derived from the
// visitor and their client message id, so that a retried send (same id)
// claims the same files again instead of finding them taken.
func claimKey(visitorID, clientMessageID string) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte("parley-widget\x00"+visitorID+"\x00"+clientMessageID)).String()
}

// claimUploads takes the visitor's uploads for the message claim names
// and returns them as attachments, checked against the channel's limits.
// The claim is committed before the message: a send that then fails keeps
// its files claimed for the retry with the same client id (a send given up
// for good leaves them stored, unused, until the workspace is deleted).
func (s *Service) claimUploads(ctx context.Context, v *Visitor, ids []string, claim string) ([]parley.Attachment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if max := media.PolicyFor(parley.ChannelWebchat).MaxAttachments; len(ids) > max {
		return nil, parley.FieldErrorf("attachment_ids", "A message carries at most %d files.", max)
	}
	var atts []parley.Attachment
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		atts = atts[:0]
		seen := map[string]bool{}
		for _, uid := range ids {
			if !id.Valid(uid) || seen[uid] {
				return parley.FieldErrorf("attachment_ids", "Unknown file %q: upload it first.", clip(uid))
			}
			seen[uid] = true
			u, err := tx.ClaimVisitorUpload(ctx, v.WorkspaceID, v.ID, uid, claim)
			if parley.IsNotFound(err) {
				return parley.FieldErrorf("attachment_ids", "Unknown file %q: upload it first.", clip(uid))
			}
			if err != nil {
				return err
			}
			atts = append(atts, u.Attachment)
		}
		if err := media.CheckFiles(parley.ChannelWebchat, atts); err != nil {
			pe, ok := err.(*parley.Error)
			if !ok {
				return err
			}
			return &parley.Error{Code: pe.Code, Field: "attachment_ids", Message: pe.Message}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return atts, nil
}

// Attachment returns a file of a message the visitor may see (their own,
// or a reply to them) with its bytes; ENOTFOUND for anything else, with
// no hint whether it exists.
func (s *Service) Attachment(ctx context.Context, v *Visitor, conversationID, messageID, attachmentID string) (*parley.Attachment, []byte, error) {
	notFound := parley.Errorf(parley.ENOTFOUND, "Attachment not found.")
	if !id.Valid(conversationID) || !id.Valid(messageID) || !id.Valid(attachmentID) || s.Blobs == nil {
		return nil, nil, notFound
	}
	cid, err := s.contactID(ctx, v)
	if err != nil {
		return nil, nil, err
	}
	if cid == "" {
		return nil, nil, notFound
	}
	conv, err := s.Store.FindConversationByID(ctx, v.WorkspaceID, conversationID)
	if err != nil || conv.ContactID != cid {
		return nil, nil, notFound
	}
	m, err := s.Store.FindMessageByID(ctx, conversationID, messageID)
	if err != nil || m.ConversationID != conversationID {
		return nil, nil, notFound
	}
	if _, ok := visible(m); !ok {
		return nil, nil, notFound
	}
	for _, att := range m.Attachments {
		if att.ID != attachmentID {
			continue
		}
		if att.Key == "" {
			att.Key = att.ID
		}
		data, err := s.Blobs.Get(ctx, att.Key)
		if err != nil {
			if parley.IsNotFound(err) {
				return nil, nil, notFound
			}
			return nil, nil, fmt.Errorf("widget: read attachment: %w", err)
		}
		return &att, data, nil
	}
	return nil, nil, notFound
}

// cleanFileName keeps the base name, printable and short.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" || !utf8.ValidString(name) {
		return "file"
	}
	if len(name) > 200 {
		name = strings.ToValidUTF8(name[len(name)-200:], "")
	}
	return name
}

package conversation

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/voice"
)

// BlobStore keeps files by key.
type BlobStore interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// MaxUpload is the largest file an agent may upload (the largest any
// channel carries: WhatsApp video).
const MaxUpload = media.MaxVideo

// Upload stores a file an agent will attach to a reply: typed by its
// content, refused when no channel carries it.
func (s *Service) Upload(ctx context.Context, a parley.Actor, fileName, declared string, data []byte) (*parley.Upload, error) {
	if s.Blobs == nil {
		return nil, parley.Errorf(parley.EINTERNAL, "File storage is not configured.")
	}
	fileName = cleanFileName(fileName)
	isVoice := false
	if voice.IsWebM(data) {
		// A recording from the app's microphone button (Chromium writes Opus
		// in WebM): kept as Ogg/Opus, which WhatsApp and Telegram take as a
		// voice note and browsers play.
		ogg, _, err := voice.WebMToOgg(data)
		if err != nil {
			return nil, parley.FieldErrorf("file", "Only voice recordings (Opus audio) are accepted as WebM: %v.", err)
		}
		data, declared, isVoice = ogg, "audio/ogg", true
		fileName = strings.TrimSuffix(fileName, filepath.Ext(fileName)) + ".ogg"
	}
	f, err := media.Check(media.UploadPolicy, data, declared, fileName)
	if err != nil {
		if pe, ok := err.(*parley.Error); ok {
			return nil, &parley.Error{Code: pe.Code, Field: "file", Message: pe.Message}
		}
		return nil, err
	}
	u := &parley.Upload{WorkspaceID: a.WorkspaceID, UserID: a.UserID,
		Attachment: parley.Attachment{ID: id.New(), FileName: fileName, ContentType: f.ContentType, Size: int64(len(data)), Voice: isVoice}}
	u.Key = u.ID
	if err := s.Blobs.Put(ctx, u.Key, data); err != nil {
		return nil, err
	}
	if err := s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.CreateUpload(ctx, u) }); err != nil {
		return nil, err
	}
	return u, nil
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
		name = name[len(name)-200:]
	}
	return name
}

// attachUploads turns the actor's uploads into the message's attachments,
// checked against the channel the message will use.
func attachUploads(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, channelKind string, ids []string, private bool) ([]parley.Attachment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var atts []parley.Attachment
	for _, uid := range ids {
		if !id.Valid(uid) {
			return nil, parley.FieldErrorf("attachment_ids", "Unknown file %q: upload it first.", clip(uid))
		}
		u, err := tx.FindUpload(ctx, a.WorkspaceID, a.UserID, uid)
		if parley.IsNotFound(err) {
			return nil, parley.FieldErrorf("attachment_ids", "Unknown file %q: upload it first.", clip(uid))
		}
		if err != nil {
			return nil, err
		}
		if u.MessageID != "" {
			return nil, parley.FieldErrorf("attachment_ids", "The file %s was already sent with another message; upload it again.", u.FileName)
		}
		atts = append(atts, u.Attachment)
	}
	if !private {
		if err := media.CheckFiles(channelKind, atts); err != nil {
			pe := err.(*parley.Error)
			return nil, &parley.Error{Code: pe.Code, Field: "attachment_ids", Message: pe.Message}
		}
	}
	return atts, nil
}

// BlobDeleter removes files.
type BlobDeleter interface {
	Delete(ctx context.Context, key string) error
}

// UploadRetention is how long a file uploaded but never sent is kept.
const UploadRetention = 24 * time.Hour

// PruneUploads deletes the uploads that no message took within
// UploadRetention before now, and their files, and returns how many. A
// file that could not be deleted is named in the error (its row is gone,
// so nothing reaches it any more).
func (s *Service) PruneUploads(ctx context.Context, now time.Time) (int, error) {
	keys, err := s.store.DeleteStaleUploads(ctx, now.Add(-UploadRetention))
	if err != nil {
		return 0, fmt.Errorf("prune uploads: %w", err)
	}
	d, _ := s.Blobs.(BlobDeleter)
	var errs []error
	for _, k := range keys {
		if d == nil {
			break
		}
		if err := d.Delete(ctx, k); err != nil {
			errs = append(errs, fmt.Errorf("delete the file of upload %s: %w", k, err))
		}
	}
	return len(keys), errors.Join(errs...)
}

// DeleteUpload removes one of the actor's uploads that was not sent.
func (s *Service) DeleteUpload(ctx context.Context, a parley.Actor, uploadID string) error {
	if !id.Valid(uploadID) {
		return parley.Errorf(parley.ENOTFOUND, "Upload not found.")
	}
	if err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.DeleteUpload(ctx, a.WorkspaceID, a.UserID, uploadID)
	}); err != nil {
		return err
	}
	if d, ok := s.Blobs.(BlobDeleter); ok {
		return d.Delete(ctx, uploadID)
	}
	return nil
}

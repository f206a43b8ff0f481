// Package media downloads provider media and checks files against each
// channel's limits. Files are typed by their content (http.DetectContentType
// plus checks for the formats it does not know), never by the name or type
// the sender declared, and capped per kind: images (JPEG, PNG, GIF) 5 MB,
// documents (PDF, DOC, XLS and their OOXML successors) 10 MB, MP4 video and
// audio 16 MB where the channel carries them.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/netguard"
)

// Kind is a family of file types with one size limit.
type Kind string

// Kinds.
const (
	KindImage    Kind = "image"
	KindDocument Kind = "document"
	KindVideo    Kind = "video"
	KindAudio    Kind = "audio"
)

// MB is a megabyte as providers count them (MiB).
const MB = 1 << 20

// Size limits per kind.
const (
	MaxImage    = 5 * MB
	MaxDocument = 10 * MB
	MaxVideo    = 16 * MB
	MaxAudio    = 16 * MB
)

// kindOf maps every content type this package accepts to its kind.
var kindOf = map[string]Kind{
	"image/jpeg":               KindImage,
	"image/png":                KindImage,
	"image/gif":                KindImage,
	"image/webp":               KindImage,
	"application/pdf":          KindDocument,
	"application/msword":       KindDocument,
	"application/vnd.ms-excel": KindDocument,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": KindDocument,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       KindDocument,
	"video/mp4":  KindVideo,
	"audio/ogg":  KindAudio,
	"audio/mpeg": KindAudio,
	"audio/amr":  KindAudio,
	"audio/aac":  KindAudio,
	"audio/mp4":  KindAudio,
}

// Policy is what one channel accepts; each provider declares its own in
// its channel.Spec.
type Policy = channel.MediaPolicy

// Content types by family, for providers' policies.
var (
	Images    = []string{"image/jpeg", "image/png", "image/gif"}
	Documents = []string{"application/pdf", "application/msword", "application/vnd.ms-excel",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
	Audio = []string{"audio/ogg", "audio/mpeg", "audio/amr", "audio/aac", "audio/mp4"}
)

// DefaultPolicy serves channels that declare none (the API channel, whose
// callbacks carry links): images, documents and audio (voice messages).
var DefaultPolicy = Policy{Name: "this channel", MaxAttachments: 10, Types: slices.Concat(Images, Documents, Audio)}

// PolicyFor returns the policy of an inbox channel kind (parley.Channel*):
// the one its channel.Spec declares, else DefaultPolicy.
func PolicyFor(channelKind string) Policy {
	if s, ok := channel.Lookup(channelKind); ok && s.Media != nil {
		return *s.Media
	}
	return DefaultPolicy
}

// Limit returns the size limit of kind.
func Limit(k Kind) int64 {
	switch k {
	case KindImage:
		return MaxImage
	case KindDocument:
		return MaxDocument
	case KindVideo:
		return MaxVideo
	case KindAudio:
		return MaxAudio
	}
	return 0
}

// MaxBytes is the largest file the policy can accept.
func MaxBytes(p Policy) int64 { return maxBytes(p) }

func maxBytes(p Policy) int64 {
	var m int64
	for _, t := range p.Types {
		m = max(m, Limit(kindOf[t]))
	}
	return m
}

// File is a checked file.
type File struct {
	Data []byte
	// ContentType is the sniffed type, one of the policy's Types.
	ContentType string
	Kind        Kind
	FileName    string
}

// Sniff returns the content type of data judged by its bytes. declared and
// fileName only choose between formats that share a container (DOC and XLS
// are both OLE2 files, DOCX and XLSX both ZIP). It returns
// "application/octet-stream" for anything it cannot vouch for.
func Sniff(data []byte, declared, fileName string) string {
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	declared = baseType(declared)
	ext := strings.ToLower(path.Ext(fileName))
	switch {
	case ct == "application/ogg" || ct == "audio/ogg":
		return "audio/ogg"
	case ct == "video/mp4":
		if len(data) >= 12 && string(data[8:12]) == "M4A " {
			return "audio/mp4"
		}
		return "video/mp4"
	case ct != "application/octet-stream" && ct != "application/zip" && !strings.HasPrefix(ct, "text/"):
		return ct
	case bytes.HasPrefix(data, []byte("#!AMR\n")):
		return "audio/amr"
	case len(data) >= 2 && data[0] == 0xFF && (data[1]&0xF6) == 0xF0:
		return "audio/aac" // ADTS frame header
	case len(data) >= 2 && data[0] == 0xFF && (data[1]&0xE0) == 0xE0:
		return "audio/mpeg" // MPEG audio frame without an ID3 tag
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		switch {
		case declared == "application/vnd.ms-excel" || ext == ".xls":
			return "application/vnd.ms-excel"
		case declared == "application/msword" || ext == ".doc":
			return "application/msword"
		}
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		head := data[:min(len(data), 4096)]
		switch {
		case bytes.Contains(head, []byte("word/")) || (bytes.Contains(head, []byte("[Content_Types].xml")) && (ext == ".docx" || strings.HasSuffix(declared, "wordprocessingml.document"))):
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		case bytes.Contains(head, []byte("xl/")) || (bytes.Contains(head, []byte("[Content_Types].xml")) && (ext == ".xlsx" || strings.HasSuffix(declared, "spreadsheetml.sheet"))):
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
	}
	return "application/octet-stream"
}

func baseType(ct string) string {
	t, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return t
}

// Check types data by its content and checks it against the policy. It
// returns an EINVALID *parley.Error for a type the channel does not take
// (or one that contradicts the declared type), ETOOLARGE for a file over its
// kind's limit.
func Check(p Policy, data []byte, declared, fileName string) (*File, error) {
	if len(data) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "The file %s is empty.", quoteName(fileName))
	}
	ct := Sniff(data, declared, fileName)
	kind, known := kindOf[ct]
	if !known || !slices.Contains(p.Types, ct) {
		return nil, parley.Errorf(parley.EINVALID, "%s does not accept files of this type (%s); it accepts %s.",
			p.Name, describe(ct), accepted(p))
	}
	if dk, ok := kindOf[baseType(declared)]; ok && dk != kind {
		return nil, parley.Errorf(parley.EINVALID, "The file %s is declared as %s but its content is %s.",
			quoteName(fileName), baseType(declared), ct)
	}
	if limit := Limit(kind); int64(len(data)) > limit {
		return nil, parley.Errorf(parley.ETOOLARGE, "The %s %s is %s; %s accepts %s up to %s.",
			kind, quoteName(fileName), size(int64(len(data))), p.Name, plural(kind), size(limit))
	}
	return &File{Data: data, ContentType: ct, Kind: kind, FileName: fileName}, nil
}

func accepted(p Policy) string {
	seen := map[Kind]bool{}
	var parts []string
	for _, t := range p.Types {
		k := kindOf[t]
		if !seen[k] {
			seen[k] = true
			parts = append(parts, fmt.Sprintf("%s up to %s", plural(k), size(Limit(k))))
		}
	}
	return strings.Join(parts, ", ")
}

// plural names a kind of file in the plural, for messages.
func plural(k Kind) string {
	if k == KindAudio {
		return "audio files"
	}
	return string(k) + "s"
}

func describe(ct string) string {
	if ct == "application/octet-stream" {
		return "unrecognised content"
	}
	return ct
}

func quoteName(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	return fmt.Sprintf("%q", name)
}

func size(n int64) string {
	if n%MB == 0 {
		return fmt.Sprintf("%d MB", n/MB)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/MB)
}

// Download performs req with client and checks the body against the
// policy, reading at most one byte more than the policy's largest limit.
// Errors name the host but never the full URL, which may carry a token
// (Telegram's file links do).
func Download(client *http.Client, req *http.Request, p Policy) (*File, error) {
	host := req.URL.Host
	resp, err := client.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("media: fetch from %s: %w", host, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("media: fetch from %s: status %d", host, resp.StatusCode)
	}
	limit := maxBytes(p)
	if resp.ContentLength > limit {
		return nil, parley.Errorf(parley.ETOOLARGE, "The file is %s; %s accepts files up to %s.", size(resp.ContentLength), p.Name, size(limit))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("media: read from %s: %w", host, err)
	}
	if int64(len(data)) > limit {
		return nil, parley.Errorf(parley.ETOOLARGE, "The file is over %s; %s accepts files up to %s.", size(limit), p.Name, size(limit))
	}
	return Check(p, data, resp.Header.Get("Content-Type"), fileName(resp, req.URL))
}

// Fetch downloads a URL found in a provider payload or given by a user with
// a netguard client, after netguard.ValidateURL.
func Fetch(ctx context.Context, client *http.Client, rawURL string, p Policy) (*File, error) {
	u, err := netguard.ValidateURL(rawURL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("media: fetch: %w", err)
	}
	return Download(client, req, p)
}

func fileName(resp *http.Response, u *url.URL) string {
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		return path.Base(params["filename"])
	}
	if b := path.Base(u.Path); b != "." && b != "/" && strings.Contains(b, ".") {
		return b
	}
	return ""
}

// CheckOutbound checks the attachments of one outbound message against the
// channel's limits before it is queued or sent: count, type and size of
// files held in Data, a valid link for those sent by URL, and a link for
// every file when the provider cannot take uploads. It returns an EINVALID
// or ETOOLARGE *parley.Error a user can read.
func CheckOutbound(channelKind string, atts []channel.Attachment) error {
	p := PolicyFor(channelKind)
	if len(atts) > p.MaxAttachments {
		if p.MaxAttachments == 1 {
			return parley.Errorf(parley.EINVALID, "%s sends one attachment per message; send the others as separate messages.", p.Name)
		}
		return parley.Errorf(parley.EINVALID, "%s sends at most %d attachments per message.", p.Name, p.MaxAttachments)
	}
	var total int64
	for _, a := range atts {
		switch {
		case len(a.Data) > 0:
			f, err := Check(p, a.Data, a.ContentType, a.FileName)
			if err != nil {
				return err
			}
			total += int64(len(f.Data))
		case a.URL == "":
			return parley.Errorf(parley.EINVALID, "The attachment %s has neither content nor a link.", quoteName(a.FileName))
		default:
			if _, err := netguard.ValidateURL(a.URL); err != nil {
				return err
			}
			ct := baseType(a.ContentType)
			if ct != "" && !slices.Contains(p.Types, ct) {
				return parley.Errorf(parley.EINVALID, "%s does not accept files of this type (%s); it accepts %s.", p.Name, ct, accepted(p))
			}
		}
		if p.NeedsURL && a.URL == "" {
			return parley.Errorf(parley.EINVALID, "%s attachments must be sent by public link; the provider cannot take an upload.", p.Name)
		}
	}
	if p.MaxTotal > 0 && total > p.MaxTotal {
		return parley.Errorf(parley.ETOOLARGE, "The attachments add up to %s; %s accepts up to %s per message.", size(total), p.Name, size(p.MaxTotal))
	}
	return nil
}

// UploadPolicy is what agents may upload: any file some channel carries.
// Whether the conversation's channel takes it is checked when it is sent
// (CheckOutbound).
var UploadPolicy = Policy{Name: "Parley", MaxAttachments: 10,
	Types: slices.Concat(Images, []string{"image/webp"}, Documents, []string{"video/mp4"}, Audio)}

// CheckFiles checks files already stored (typed by content when they were
// uploaded) against a channel's limits: count, type, size and total. It is
// CheckOutbound for files whose bytes need not be read again.
func CheckFiles(channelKind string, files []parley.Attachment) error {
	p := PolicyFor(channelKind)
	if len(files) > p.MaxAttachments {
		if p.MaxAttachments == 1 {
			return parley.Errorf(parley.EINVALID, "%s sends one attachment per message; send the others as separate messages.", p.Name)
		}
		return parley.Errorf(parley.EINVALID, "%s sends at most %d attachments per message.", p.Name, p.MaxAttachments)
	}
	var total int64
	for _, f := range files {
		ct := baseType(f.ContentType)
		if !slices.Contains(p.Types, ct) {
			return parley.Errorf(parley.EINVALID, "%s does not accept files of this type (%s); it accepts %s.", p.Name, ct, accepted(p))
		}
		if limit := Limit(kindOf[ct]); f.Size > limit {
			return parley.Errorf(parley.ETOOLARGE, "The file %s is %s; %s accepts up to %s for this type.", quoteName(f.FileName), size(f.Size), p.Name, size(limit))
		}
		total += f.Size
	}
	if p.MaxTotal > 0 && total > p.MaxTotal {
		return parley.Errorf(parley.ETOOLARGE, "The attachments add up to %s; %s accepts up to %s per message.", size(total), p.Name, size(p.MaxTotal))
	}
	return nil
}

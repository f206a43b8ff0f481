package hours

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
)

// Inbox override modes.
const (
	ModeInherit = "inherit" // the workspace's hours
	ModeOwn     = "own"     // the inbox's own schedule
	ModeAlways  = "always"  // always open (no away message)
)

// DefaultAwayMessage is offered when an admin turns the away message on
// without writing one.
const DefaultAwayMessage = "Thanks for your message. We are closed right now and will reply as soon as we are back."

// maxAway bounds the away message (it is sent on every channel).
const maxAway = 2000

// WorkspaceHours are a workspace's business hours and away message. A
// workspace that never set them is always open.
type WorkspaceHours struct {
	// Enabled applies the schedule; off, the workspace is always open.
	Enabled bool `json:"enabled"`
	Schedule
	// AwayEnabled sends AwayMessage once per conversation to a customer
	// who writes outside business hours (unless an AI assistant that
	// answers off-hours does).
	AwayEnabled bool      `json:"away_enabled"`
	AwayMessage string    `json:"away_message" maxLength:"2000"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// InboxHours is an inbox's override of the workspace's hours.
type InboxHours struct {
	InboxID string `json:"inbox_id"`
	Mode    string `json:"mode" enum:"inherit,own,always"`
	// Schedule is the inbox's own (mode own); otherwise ignored.
	Schedule *Schedule `json:"schedule,omitempty"`
	// AwayMessage replaces the workspace's text for this inbox; empty
	// uses the workspace's.
	AwayMessage string    `json:"away_message" maxLength:"2000"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Normalize validates workspace hours; errors name the field.
func (h *WorkspaceHours) Normalize() error {
	if err := h.Schedule.Normalize(); err != nil {
		return err
	}
	h.AwayMessage = strings.TrimSpace(h.AwayMessage)
	if utf8.RuneCountInString(h.AwayMessage) > maxAway {
		return parley.FieldErrorf("away_message", "The away message is at most %d characters.", maxAway)
	}
	if h.AwayEnabled && h.AwayMessage == "" {
		return parley.FieldErrorf("away_message", "Write the away message, or turn it off.")
	}
	return nil
}

// Normalize validates an inbox override; errors name the field.
func (h *InboxHours) Normalize() error {
	switch h.Mode {
	case "":
		h.Mode = ModeInherit
	case ModeInherit, ModeOwn, ModeAlways:
	default:
		return parley.FieldErrorf("mode", "Mode must be inherit, own or always.")
	}
	if h.Mode == ModeOwn {
		if h.Schedule == nil {
			return parley.FieldErrorf("schedule", "An inbox with its own hours needs a schedule.")
		}
		if err := h.Schedule.Normalize(); err != nil {
			if e, ok := err.(*parley.Error); ok && e.Field != "" {
				e.Field = "schedule." + e.Field
			}
			return err
		}
	} else {
		h.Schedule = nil
	}
	h.AwayMessage = strings.TrimSpace(h.AwayMessage)
	if utf8.RuneCountInString(h.AwayMessage) > maxAway {
		return parley.FieldErrorf("away_message", "The away message is at most %d characters.", maxAway)
	}
	return nil
}

// Effective is what applies to one inbox: its schedule (nil = always
// open) and its away message ("" = none).
type Effective struct {
	Schedule    *Schedule
	AwayMessage string
}

// Resolve combines the workspace's hours with an inbox's override.
func Resolve(ws WorkspaceHours, inbox InboxHours) Effective {
	var e Effective
	if ws.AwayEnabled {
		e.AwayMessage = ws.AwayMessage
		if inbox.AwayMessage != "" {
			e.AwayMessage = inbox.AwayMessage
		}
	}
	switch inbox.Mode {
	case ModeAlways:
		e.AwayMessage = ""
	case ModeOwn:
		e.Schedule = inbox.Schedule
	default:
		if ws.Enabled {
			s := ws.Schedule
			e.Schedule = &s
		}
	}
	return e
}

// Open reports whether the inbox is open at t.
func (e Effective) Open(t time.Time) bool {
	return e.Schedule == nil || e.Schedule.Open(t)
}

package notify

import (
	"fmt"
	"slices"
	"time"
	_ "time/tzdata" // users' time zones, whatever the host has

	"github.com/parleyhq/parley"
)

// DefaultPreferences are a user's preferences until they save their own:
// everything in the app and by push, a sound for what is theirs
// (new messages, assignments, mentions, handoffs), no email, no quiet
// hours.
func DefaultPreferences() parley.NotificationPreferences {
	p := parley.NotificationPreferences{
		Scope: parley.NotifyScopeAll, TimeZone: "UTC", QuietHours: []parley.QuietWindow{},
		EmailDelayMinutes: 30, Types: map[parley.NotificationType]parley.NotificationChannels{},
	}
	for _, t := range parley.NotificationTypes {
		ch := parley.NotificationChannels{InApp: true, Push: true}
		switch t {
		case parley.NotifyNewMessage, parley.NotifyAssigned, parley.NotifyMention, parley.NotifyHandoff:
			ch.Sound = true
		}
		p.Types[t] = ch
	}
	return p
}

// Normalize checks p and fills what is missing from the defaults (a type
// left out keeps its default channels). Errors are EINVALID and name the
// field (body.<json path>).
func Normalize(p parley.NotificationPreferences) (parley.NotificationPreferences, error) {
	def := DefaultPreferences()
	switch p.Scope {
	case "":
		p.Scope = def.Scope
	case parley.NotifyScopeAll, parley.NotifyScopeAssigned, parley.NotifyScopeMentions:
	default:
		return p, parley.FieldErrorf("scope", "Scope must be all, assigned or mentions.")
	}
	types := make(map[parley.NotificationType]parley.NotificationChannels, len(def.Types))
	for t, ch := range p.Types {
		if !t.Valid() {
			return p, parley.FieldErrorf("types."+string(t), "There is no notification type %q.", t)
		}
		types[t] = ch
	}
	for t, ch := range def.Types {
		if _, ok := types[t]; !ok {
			types[t] = ch
		}
	}
	p.Types = types
	if p.TimeZone == "" {
		p.TimeZone = def.TimeZone
	}
	if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "Local" {
		return p, parley.FieldErrorf("time_zone", "%q is not a time zone name (such as Europe/Paris).", p.TimeZone)
	}
	if p.QuietHours == nil {
		p.QuietHours = []parley.QuietWindow{}
	}
	if len(p.QuietHours) > 14 {
		return p, parley.FieldErrorf("quiet_hours", "At most 14 quiet-hour windows.")
	}
	for i, w := range p.QuietHours {
		if _, err := clock(w.Start); err != nil {
			return p, parley.FieldErrorf(fmt.Sprintf("quiet_hours[%d].start", i), "Start must be a time as HH:MM.")
		}
		if _, err := clock(w.End); err != nil {
			return p, parley.FieldErrorf(fmt.Sprintf("quiet_hours[%d].end", i), "End must be a time as HH:MM.")
		}
		if w.Start == w.End {
			return p, parley.FieldErrorf(fmt.Sprintf("quiet_hours[%d].end", i), "End must differ from start.")
		}
		for _, d := range w.Days {
			if d < 0 || d > 6 {
				return p, parley.FieldErrorf(fmt.Sprintf("quiet_hours[%d].days", i), "Days are 0 (Sunday) to 6 (Saturday).")
			}
		}
		days := slices.Clone(w.Days)
		slices.Sort(days)
		p.QuietHours[i].Days = slices.Compact(days)
		if p.QuietHours[i].Days == nil {
			p.QuietHours[i].Days = []int{}
		}
	}
	if p.EmailDelayMinutes == 0 {
		p.EmailDelayMinutes = def.EmailDelayMinutes
	}
	if p.EmailDelayMinutes < 1 || p.EmailDelayMinutes > 7*24*60 {
		return p, parley.FieldErrorf("email_delay_minutes", "The email delay is 1 to 10080 minutes.")
	}
	return p, nil
}

// clock parses "HH:MM" into minutes after midnight.
func clock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// QuietUntil reports whether now falls in one of p's quiet windows and,
// if so, when the quiet time ends (the end of the window, or of a window
// that overlaps or follows it without a gap).
func QuietUntil(p parley.NotificationPreferences, now time.Time) (time.Time, bool) {
	end, quiet := quietEnd(p, now)
	if !quiet {
		return time.Time{}, false
	}
	for range 16 { // windows that chain on (at most a few)
		next, more := quietEnd(p, end)
		if !more || !next.After(end) {
			break
		}
		end = next
	}
	return end, true
}

// quietEnd returns the latest end of the windows that contain t.
func quietEnd(p parley.NotificationPreferences, t time.Time) (time.Time, bool) {
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	local := t.In(loc)
	var best time.Time
	found := false
	for _, w := range p.QuietHours {
		start, err1 := clock(w.Start)
		end, err2 := clock(w.End)
		if err1 != nil || err2 != nil || start == end {
			continue
		}
		// A window starting today or yesterday (past midnight) may hold t.
		for back := 0; back <= 1; back++ {
			day := time.Date(local.Year(), local.Month(), local.Day()-back, 0, 0, 0, 0, loc)
			if len(w.Days) > 0 && !slices.Contains(w.Days, int(day.Weekday())) {
				continue
			}
			from := at(day, start)
			to := at(day, end)
			if end < start {
				to = at(day.AddDate(0, 0, 1), end)
			}
			if !t.Before(from) && t.Before(to) && (!found || to.After(best)) {
				best, found = to, true
			}
		}
	}
	return best.UTC(), found
}

// at is the wall-clock time minutes after day's midnight (in day's zone:
// a DST gap moves it as time.Date does).
func at(day time.Time, minutes int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), minutes/60, minutes%60, 0, 0, day.Location())
}

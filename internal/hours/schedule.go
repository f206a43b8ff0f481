// Package hours is business hours: a workspace's weekly hours in its time
// zone with holidays, an inbox's override, whether an inbox is open at a
// moment, and the away message sent to customers who write outside them.
//
// Schedule is pure (no store, no clock): Open and NextOpen compute on the
// wall clock of the schedule's zone, so daylight-saving changes move the
// hours with local time, as people expect ("we open at nine").
package hours

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
)

// Interval is one stretch of opening hours on a day, "HH:MM" local time.
// End "24:00" closes at midnight. NextDay marks an overnight interval
// that ends on the following day (22:00–02:00); without it End must be
// after Start.
type Interval struct {
	Start   string `json:"start" example:"09:00" doc:"HH:MM local time"`
	End     string `json:"end" example:"17:00" doc:"HH:MM local time; 24:00 is midnight"`
	NextDay bool   `json:"next_day,omitempty" doc:"the interval ends on the next day (overnight)"`
}

// Week is the opening hours of each weekday; a day without intervals is
// closed.
type Week struct {
	Mon []Interval `json:"mon"`
	Tue []Interval `json:"tue"`
	Wed []Interval `json:"wed"`
	Thu []Interval `json:"thu"`
	Fri []Interval `json:"fri"`
	Sat []Interval `json:"sat"`
	Sun []Interval `json:"sun"`
}

// dayKeys are Week's JSON names, Monday first.
var dayKeys = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// days returns the week's days indexed by time.Weekday (Sunday = 0).
func (w *Week) days() [7]*[]Interval {
	return [7]*[]Interval{&w.Sun, &w.Mon, &w.Tue, &w.Wed, &w.Thu, &w.Fri, &w.Sat}
}

// Holiday is a local date on which the workspace is closed all day.
type Holiday struct {
	Date string `json:"date" example:"2026-12-25" doc:"YYYY-MM-DD in the schedule's time zone"`
	Name string `json:"name,omitempty" maxLength:"100"`
}

// Schedule is weekly hours in a time zone, with holidays.
type Schedule struct {
	TimeZone string    `json:"time_zone" example:"Europe/Berlin" doc:"IANA time zone"`
	Week     Week      `json:"week"`
	Holidays []Holiday `json:"holidays"`
}

// span is an interval in minutes from the start of its day; end may pass
// 1440 for overnight intervals.
type span struct{ start, end int }

// compiled is a validated schedule ready for Open.
type compiled struct {
	loc      *time.Location
	days     [7][]span // by time.Weekday
	holidays map[string]bool
}

// parseClock reads "HH:MM" (00:00–24:00) into minutes.
func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// Normalize validates the schedule and fills empty lists; its errors are
// EINVALID naming the field (time_zone, week.mon[0].end, holidays[2].date).
func (s *Schedule) Normalize() error {
	_, err := s.compile()
	return err
}

// compile validates the schedule and turns it into spans.
func (s *Schedule) compile() (*compiled, error) {
	if s.TimeZone == "" {
		s.TimeZone = "UTC"
	}
	// time.LoadLocation also accepts "Local" and file paths: only names.
	if s.TimeZone == "Local" || strings.HasPrefix(s.TimeZone, "/") || strings.Contains(s.TimeZone, "..") {
		return nil, parley.FieldErrorf("time_zone", "%q is not an IANA time zone.", s.TimeZone)
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return nil, parley.FieldErrorf("time_zone", "%q is not an IANA time zone (like Europe/Berlin).", s.TimeZone)
	}
	c := &compiled{loc: loc, holidays: map[string]bool{}}
	days := s.Week.days()
	for wd, list := range days {
		if *list == nil {
			*list = []Interval{}
		}
		key := dayKeys[(wd+6)%7]
		if len(*list) > 12 {
			return nil, parley.FieldErrorf("week."+key, "At most 12 intervals a day.")
		}
		for i, iv := range *list {
			field := fmt.Sprintf("week.%s[%d]", key, i)
			sp, err := iv.span(field)
			if err != nil {
				return nil, err
			}
			c.days[wd] = append(c.days[wd], sp)
		}
	}
	if err := c.checkOverlaps(); err != nil {
		return nil, err
	}
	if s.Holidays == nil {
		s.Holidays = []Holiday{}
	}
	if len(s.Holidays) > 500 {
		return nil, parley.FieldErrorf("holidays", "At most 500 holidays.")
	}
	for i, h := range s.Holidays {
		d, err := time.Parse(time.DateOnly, h.Date)
		if err != nil || d.Format(time.DateOnly) != h.Date {
			return nil, parley.FieldErrorf(fmt.Sprintf("holidays[%d].date", i), "%q is not a date (YYYY-MM-DD).", h.Date)
		}
		if len(h.Name) > 100 {
			return nil, parley.FieldErrorf(fmt.Sprintf("holidays[%d].name", i), "The name is at most 100 characters.")
		}
		if c.holidays[h.Date] {
			return nil, parley.FieldErrorf(fmt.Sprintf("holidays[%d].date", i), "%s is listed twice.", h.Date)
		}
		c.holidays[h.Date] = true
	}
	slices.SortFunc(s.Holidays, func(a, b Holiday) int { return strings.Compare(a.Date, b.Date) })
	return c, nil
}

// span checks one interval.
func (iv Interval) span(field string) (span, error) {
	start, ok := parseClock(iv.Start)
	if !ok || start == 24*60 {
		return span{}, parley.FieldErrorf(field+".start", "%q is not a time of day (HH:MM).", iv.Start)
	}
	end, ok := parseClock(iv.End)
	if !ok {
		return span{}, parley.FieldErrorf(field+".end", "%q is not a time of day (HH:MM, 24:00 for midnight).", iv.End)
	}
	if iv.NextDay {
		if end == 24*60 || end > start {
			return span{}, parley.FieldErrorf(field+".end", "An overnight interval ends the next day at or before its start time.")
		}
		return span{start, end + 24*60}, nil
	}
	if end <= start {
		return span{}, parley.FieldErrorf(field+".end", "The end (%s) is before the start (%s); mark it as ending the next day if it runs overnight.", iv.End, iv.Start)
	}
	return span{start, end}, nil
}

// checkOverlaps refuses intervals that overlap on the week's timeline,
// overnight ones included (Sunday night runs into Monday).
func (c *compiled) checkOverlaps() error {
	const week = 7 * 24 * 60
	type placed struct {
		span
		field string
	}
	var all []placed
	for wd := range 7 {
		off := ((wd + 6) % 7) * 24 * 60 // Monday = 0
		for i, sp := range c.days[wd] {
			f := fmt.Sprintf("week.%s[%d]", dayKeys[(wd+6)%7], i)
			all = append(all, placed{span{sp.start + off, sp.end + off}, f})
		}
	}
	slices.SortFunc(all, func(a, b placed) int { return a.start - b.start })
	for i := 1; i < len(all); i++ {
		if all[i].start < all[i-1].end {
			return parley.FieldErrorf(all[i].field, "This interval overlaps %s.", all[i-1].field)
		}
	}
	if n := len(all); n > 1 && all[n-1].end > week && all[n-1].end-week > all[0].start {
		return parley.FieldErrorf(all[n-1].field, "This interval overlaps %s.", all[0].field)
	}
	return nil
}

// Open reports whether the schedule is open at t: t's local date is not a
// holiday and its local time falls in one of the day's intervals, or in
// the previous day's overnight interval. An invalid schedule is closed.
func (s Schedule) Open(t time.Time) bool {
	c, err := s.compile()
	if err != nil {
		return false
	}
	return c.open(t)
}

func (c *compiled) open(t time.Time) bool {
	t = t.In(c.loc)
	if c.holidays[t.Format(time.DateOnly)] {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	for _, sp := range c.days[t.Weekday()] {
		if m >= sp.start && m < sp.end {
			return true
		}
	}
	for _, sp := range c.days[(t.Weekday()+6)%7] {
		if sp.end > 24*60 && m < sp.end-24*60 {
			return true
		}
	}
	return false
}

// searchDays bounds NextOpen: a year of holidays and a week more.
const searchDays = 372

// NextOpen returns the first moment at or after t when the schedule is
// open (t itself when open); false when it never opens within a year.
func (s Schedule) NextOpen(t time.Time) (time.Time, bool) {
	c, err := s.compile()
	if err != nil {
		return time.Time{}, false
	}
	return c.nextOpen(t)
}

func (c *compiled) nextOpen(t time.Time) (time.Time, bool) {
	if c.open(t) {
		return t, true
	}
	local := t.In(c.loc)
	y, mo, d := local.Date()
	for k := range searchDays {
		day := time.Date(y, mo, d+k, 0, 0, 0, 0, c.loc)
		// Opening moments of the day: each interval's start, and midnight
		// (an overnight interval resumes after a holiday ends).
		cands := []time.Time{day}
		for _, sp := range c.days[day.Weekday()] {
			cands = append(cands, wall(day, sp.start, c.loc))
		}
		slices.SortFunc(cands, func(a, b time.Time) int { return a.Compare(b) })
		for _, at := range cands {
			if at.After(t) && c.open(at) {
				return at, true
			}
		}
	}
	return time.Time{}, false
}

// wall is minute m of day's local date. A start inside a daylight-saving
// gap (02:30 on the spring-forward night) does not exist: it opens at the
// moment the clocks jump.
func wall(day time.Time, m int, loc *time.Location) time.Time {
	y, mo, d := day.Date()
	at := time.Date(y, mo, d, m/60, m%60, 0, 0, loc)
	want := time.Date(y, mo, d, m/60, m%60, 0, 0, time.UTC)
	got := time.Date(at.Year(), at.Month(), at.Day(), at.Hour(), at.Minute(), 0, 0, time.UTC)
	if got.Equal(want) {
		return at
	}
	// Go resolves a time in the gap with one of the two offsets: the
	// transition is the start of the zone period it landed after, or the
	// end of the one it landed before.
	start, end := at.ZoneBounds()
	if got.After(want) {
		return start
	}
	return end
}

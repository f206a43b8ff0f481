package hours

import (
	"testing"
	"time"

	"github.com/parleyhq/parley"
)

func iv(start, end string) Interval { return Interval{Start: start, End: end} }

func overnight(start, end string) Interval { return Interval{Start: start, End: end, NextDay: true} }

func at(t *testing.T, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// berlin is Monday to Friday 9–12 and 13–17, Saturday 10–14, with
// Christmas Day off, in Europe/Berlin.
func berlin() Schedule {
	day := []Interval{iv("09:00", "12:00"), iv("13:00", "17:00")}
	return Schedule{TimeZone: "Europe/Berlin", Week: Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day,
		Sat: []Interval{iv("10:00", "14:00")}}, Holidays: []Holiday{{Date: "2026-12-25", Name: "Christmas Day"}}}
}

func TestOpen(t *testing.T) {
	bar := Schedule{TimeZone: "America/New_York", Week: Week{Fri: []Interval{overnight("18:00", "02:00")},
		Sat: []Interval{overnight("18:00", "03:00")}, Sun: []Interval{overnight("22:00", "01:00")}},
		Holidays: []Holiday{{Date: "2026-07-04"}}}
	allDay := Schedule{TimeZone: "Asia/Tokyo", Week: Week{Wed: []Interval{iv("00:00", "24:00")}}}
	cases := []struct {
		name  string
		s     Schedule
		zone  string
		at    string
		open  bool
		instr string
	}{
		{"weekday morning", berlin(), "Europe/Berlin", "2026-12-01 09:00", true, "Tuesday 9:00 opens"},
		{"before opening", berlin(), "Europe/Berlin", "2026-12-01 08:59", false, ""},
		{"lunch break", berlin(), "Europe/Berlin", "2026-12-01 12:30", false, "between intervals"},
		{"end is exclusive", berlin(), "Europe/Berlin", "2026-12-01 17:00", false, ""},
		{"last minute", berlin(), "Europe/Berlin", "2026-12-01 16:59", true, ""},
		{"saturday", berlin(), "Europe/Berlin", "2026-12-05 11:00", true, ""},
		{"sunday closed", berlin(), "Europe/Berlin", "2026-12-06 11:00", false, ""},
		{"holiday on a weekday", berlin(), "Europe/Berlin", "2026-12-25 10:00", false, "Christmas is a Friday"},
		{"day after the holiday", berlin(), "Europe/Berlin", "2026-12-28 10:00", true, ""},
		{"other zone, same instant", berlin(), "UTC", "2026-12-01 08:30", true, "09:30 in Berlin"},
		{"other zone, closed", berlin(), "UTC", "2026-12-01 16:30", false, "17:30 in Berlin"},
		// Daylight saving: Berlin moves to CEST on 2026-03-29 and back on 2026-10-25.
		{"summer time, local nine", berlin(), "Europe/Berlin", "2026-03-30 09:00", true, "07:00 UTC"},
		{"summer time, UTC eight is ten", berlin(), "UTC", "2026-03-30 07:30", true, ""},
		{"summer time, UTC 15:30 is closed", berlin(), "UTC", "2026-03-30 15:30", false, "17:30 CEST"},
		{"winter time, UTC 15:30 is open", berlin(), "UTC", "2026-10-26 15:30", true, "16:30 CET"},
		// Midnight-spanning intervals.
		{"overnight, evening", bar, "America/New_York", "2026-07-03 23:00", true, "Friday 23:00"},
		{"overnight, after midnight", bar, "America/New_York", "2026-07-11 01:30", true, "Saturday 01:30 is Friday's night"},
		{"overnight, end exclusive", bar, "America/New_York", "2026-07-11 02:00", false, ""},
		{"saturday night into sunday", bar, "America/New_York", "2026-07-12 02:59", true, ""},
		{"sunday night wraps to monday", bar, "America/New_York", "2026-07-13 00:30", true, "Monday 00:30"},
		{"monday after the wrap", bar, "America/New_York", "2026-07-13 01:00", false, ""},
		{"holiday closes its own date", bar, "America/New_York", "2026-07-04 19:00", false, "Saturday July 4"},
		{"holiday date before midnight only", bar, "America/New_York", "2026-07-05 01:00", true, "Saturday's night resumes on the 5th"},
		{"all day", allDay, "Asia/Tokyo", "2026-12-02 23:59", true, ""},
		{"all day ends at midnight", allDay, "Asia/Tokyo", "2026-12-03 00:00", false, ""},
		{"empty week", Schedule{TimeZone: "UTC"}, "UTC", "2026-12-02 12:00", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.s.Open(at(t, c.zone, c.at)); got != c.open {
				t.Fatalf("Open(%s %s) = %v, want %v (%s)", c.at, c.zone, got, c.open, c.instr)
			}
		})
	}
}

func TestOpen_FallBackHourIsOpenTwice(t *testing.T) {
	// New York falls back on 2026-11-01: 01:00–02:00 happens twice, and
	// an interval of 01:00–01:30 local is open in both.
	s := Schedule{TimeZone: "America/New_York", Week: Week{Sun: []Interval{iv("01:00", "01:30")}}}
	first := time.Date(2026, 11, 1, 5, 15, 0, 0, time.UTC)   // 01:15 EDT
	second := time.Date(2026, 11, 1, 6, 15, 0, 0, time.UTC)  // 01:15 EST
	between := time.Date(2026, 11, 1, 5, 45, 0, 0, time.UTC) // 01:45 EDT
	if !s.Open(first) || !s.Open(second) || s.Open(between) {
		t.Fatalf("open at 01:15 EDT %v, 01:15 EST %v, 01:45 EDT %v; want true, true, false", s.Open(first), s.Open(second), s.Open(between))
	}
}

func TestNextOpen(t *testing.T) {
	gap := Schedule{TimeZone: "Europe/Berlin", Week: Week{Sun: []Interval{iv("02:30", "05:00")}}}
	bar := Schedule{TimeZone: "America/New_York", Week: Week{Fri: []Interval{overnight("18:00", "02:00")}},
		Holidays: []Holiday{{Date: "2026-07-03"}}}
	cases := []struct {
		name string
		s    Schedule
		from time.Time
		want time.Time
		ok   bool
	}{
		{"open now is now", berlin(), at(t, "Europe/Berlin", "2026-12-01 10:00"), at(t, "Europe/Berlin", "2026-12-01 10:00"), true},
		{"lunch reopens at 13", berlin(), at(t, "Europe/Berlin", "2026-12-01 12:10"), at(t, "Europe/Berlin", "2026-12-01 13:00"), true},
		{"evening to next morning", berlin(), at(t, "Europe/Berlin", "2026-12-01 18:00"), at(t, "Europe/Berlin", "2026-12-02 09:00"), true},
		{"saturday evening to monday", berlin(), at(t, "Europe/Berlin", "2026-12-05 15:00"), at(t, "Europe/Berlin", "2026-12-07 09:00"), true},
		{"over the holiday", berlin(), at(t, "Europe/Berlin", "2026-12-24 18:00"), at(t, "Europe/Berlin", "2026-12-26 10:00"), true},
		{"across spring forward", berlin(), at(t, "Europe/Berlin", "2026-03-28 15:00"), at(t, "Europe/Berlin", "2026-03-30 09:00"), true},
		{"a start inside the DST gap opens when clocks jump", gap, at(t, "Europe/Berlin", "2026-03-28 12:00"),
			time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), true},
		{"holiday skips the evening, the night part resumes at midnight", bar, at(t, "America/New_York", "2026-07-03 12:00"),
			at(t, "America/New_York", "2026-07-04 00:00"), true},
		{"never", Schedule{TimeZone: "UTC"}, at(t, "UTC", "2026-12-01 10:00"), time.Time{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := c.s.NextOpen(c.from)
			if ok != c.ok || !got.Equal(c.want) {
				t.Fatalf("NextOpen(%s) = %s, %v; want %s, %v", c.from, got, ok, c.want, c.ok)
			}
			if ok && !c.s.Open(got) {
				t.Fatalf("NextOpen returned %s, which is not open", got)
			}
		})
	}
}

func TestNormalize_Errors(t *testing.T) {
	cases := []struct {
		name  string
		s     Schedule
		field string
	}{
		{"bad zone", Schedule{TimeZone: "Mars/Olympus"}, "time_zone"},
		{"local is not a zone", Schedule{TimeZone: "Local"}, "time_zone"},
		{"path is not a zone", Schedule{TimeZone: "../../etc/passwd"}, "time_zone"},
		{"end before start", Schedule{Week: Week{Tue: []Interval{iv("17:00", "09:00")}}}, "week.tue[0].end"},
		{"empty interval", Schedule{Week: Week{Tue: []Interval{iv("09:00", "09:00")}}}, "week.tue[0].end"},
		{"bad start", Schedule{Week: Week{Mon: []Interval{iv("9am", "17:00")}}}, "week.mon[0].start"},
		{"start at 24:00", Schedule{Week: Week{Mon: []Interval{iv("24:00", "24:00")}}}, "week.mon[0].start"},
		{"bad minutes", Schedule{Week: Week{Mon: []Interval{iv("09:00", "17:60")}}}, "week.mon[0].end"},
		{"overlap on a day", Schedule{Week: Week{Wed: []Interval{iv("09:00", "12:00"), iv("11:00", "14:00")}}}, "week.wed[1]"},
		{"overnight overlaps next morning", Schedule{Week: Week{Thu: []Interval{overnight("22:00", "08:00")}, Fri: []Interval{iv("07:00", "12:00")}}}, "week.fri[0]"},
		{"sunday night overlaps monday", Schedule{Week: Week{Sun: []Interval{overnight("22:00", "06:00")}, Mon: []Interval{iv("05:00", "12:00")}}}, "week.sun[0]"},
		{"overnight longer than a day", Schedule{Week: Week{Sat: []Interval{overnight("10:00", "11:00")}}}, "week.sat[0].end"},
		{"bad date", Schedule{Holidays: []Holiday{{Date: "2026-02-30"}}}, "holidays[0].date"},
		{"date format", Schedule{Holidays: []Holiday{{Date: "2026-12-25"}, {Date: "25/12/2026"}}}, "holidays[1].date"},
		{"date twice", Schedule{Holidays: []Holiday{{Date: "2026-12-25"}, {Date: "2026-12-25"}}}, "holidays[1].date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Normalize()
			e, ok := err.(*parley.Error)
			if !ok || e.Code != parley.EINVALID || e.Field != c.field {
				t.Fatalf("Normalize() = %v, want EINVALID on %s", err, c.field)
			}
		})
	}
	ok := Schedule{Week: Week{Mon: []Interval{iv("00:00", "24:00")}, Tue: []Interval{overnight("20:00", "20:00")}}}
	if err := ok.Normalize(); err != nil {
		t.Fatalf("adjacent full day and a 24-hour overnight interval: %v", err)
	}
	if ok.TimeZone != "UTC" || ok.Holidays == nil || ok.Week.Sun == nil {
		t.Fatalf("Normalize did not fill defaults: %+v", ok)
	}
}

func TestResolve_InboxOverride(t *testing.T) {
	closedNow := at(t, "Europe/Berlin", "2026-12-01 20:00")
	openNow := at(t, "Europe/Berlin", "2026-12-01 10:00")
	ws := WorkspaceHours{Enabled: true, Schedule: berlin(), AwayEnabled: true, AwayMessage: "We are closed."}
	night := Schedule{TimeZone: "Europe/Berlin", Week: Week{Tue: []Interval{iv("18:00", "23:00")}}}
	cases := []struct {
		name     string
		ws       WorkspaceHours
		inbox    InboxHours
		at       time.Time
		open     bool
		away     string
		explains string
	}{
		{"inherit, closed", ws, InboxHours{Mode: ModeInherit}, closedNow, false, "We are closed.", ""},
		{"inherit, open", ws, InboxHours{Mode: ModeInherit}, openNow, true, "We are closed.", "the text is there; it goes only when closed"},
		{"inherit, workspace hours off", WorkspaceHours{Schedule: berlin(), AwayEnabled: true, AwayMessage: "x"}, InboxHours{}, closedNow, true, "x", ""},
		{"own hours open in the evening", ws, InboxHours{Mode: ModeOwn, Schedule: &night}, closedNow, true, "We are closed.", ""},
		{"own hours closed in the morning", ws, InboxHours{Mode: ModeOwn, Schedule: &night, AwayMessage: "Night desk only."}, openNow, false, "Night desk only.", ""},
		{"always open", ws, InboxHours{Mode: ModeAlways}, closedNow, true, "", ""},
		{"away off", WorkspaceHours{Enabled: true, Schedule: berlin(), AwayMessage: "x"}, InboxHours{AwayMessage: "y"}, closedNow, false, "", "the workspace's switch decides"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := Resolve(c.ws, c.inbox)
			if e.Open(c.at) != c.open || e.AwayMessage != c.away {
				t.Fatalf("open %v away %q; want %v %q %s", e.Open(c.at), e.AwayMessage, c.open, c.away, c.explains)
			}
		})
	}
}

func TestInboxHours_Normalize(t *testing.T) {
	cases := []struct {
		h     InboxHours
		field string
	}{
		{InboxHours{Mode: "sometimes"}, "mode"},
		{InboxHours{Mode: ModeOwn}, "schedule"},
		{InboxHours{Mode: ModeOwn, Schedule: &Schedule{TimeZone: "Nowhere/Land"}}, "schedule.time_zone"},
		{InboxHours{Mode: ModeOwn, Schedule: &Schedule{Week: Week{Fri: []Interval{iv("10:00", "09:00")}}}}, "schedule.week.fri[0].end"},
	}
	for _, c := range cases {
		err := c.h.Normalize()
		if e, ok := err.(*parley.Error); !ok || e.Field != c.field {
			t.Errorf("%+v: %v, want an error on %s", c.h, err, c.field)
		}
	}
	ws := WorkspaceHours{AwayEnabled: true, AwayMessage: "  "}
	if e, ok := ws.Normalize().(*parley.Error); !ok || e.Field != "away_message" {
		t.Fatalf("away enabled without text: %v", e)
	}
}

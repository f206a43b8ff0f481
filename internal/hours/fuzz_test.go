package hours

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzSchedule feeds business hours as a client writes them: validation
// never panics, and a valid schedule's NextOpen is open.
func FuzzSchedule(f *testing.F) {
	f.Add(`{"time_zone":"Europe/Berlin","week":{"mon":[{"start":"09:00","end":"17:00"}]},"holidays":[{"date":"2026-12-25"}]}`, int64(1796000000))
	f.Add(`{"time_zone":"America/New_York","week":{"fri":[{"start":"22:00","end":"02:00","next_day":true}],"sun":[{"start":"23:00","end":"23:00","next_day":true}]}}`, int64(1780000000))
	f.Add(`{"time_zone":"UTC","week":{"wed":[{"start":"00:00","end":"24:00"}]}}`, int64(0))
	f.Fuzz(func(t *testing.T, raw string, unix int64) {
		var s Schedule
		if json.Unmarshal([]byte(raw), &s) != nil || s.Normalize() != nil {
			return
		}
		from := time.Unix(unix%(1<<33), 0)
		if next, ok := s.NextOpen(from); ok && (!s.Open(next) || next.Before(from)) {
			t.Fatalf("NextOpen(%s) = %s: not open or before", from, next)
		}
	})
}

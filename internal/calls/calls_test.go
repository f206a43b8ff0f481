package calls

import (
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/netguard"
)

func TestDuration(t *testing.T) {
	for sec, want := range map[int]string{0: "0s", 45: "45s", 60: "1m 00s", 245: "4m 05s", 3720: "1h 02m"} {
		if got := Duration(sec); got != want {
			t.Errorf("Duration(%d) = %q, want %q", sec, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	guard, err := netguard.ParseAllowList("10.9.0.0/16, pbx.lan")
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{guard: guard}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	past := now.Add(-time.Hour)
	ok := Input{Direction: parley.CallInbound, StartedAt: &past}
	with := func(f func(*Input)) Input { in := ok; f(&in); return in }
	for _, tc := range []struct {
		name  string
		in    Input
		field string // "" = valid
	}{
		{"minimal", ok, ""},
		{"https recording", with(func(i *Input) { i.RecordingURL = "https://rec.example.com/a.mp3" }), ""},
		{"http to a listed host", with(func(i *Input) { i.RecordingURL = "http://pbx.lan/a.mp3" }), ""},
		{"http to an allowed private address", with(func(i *Input) { i.RecordingURL = "http://10.9.1.2/a.mp3" }), ""},
		{"http elsewhere", with(func(i *Input) { i.RecordingURL = "http://rec.example.com/a.mp3" }), "recording_url"},
		{"http to a public address", with(func(i *Input) { i.RecordingURL = "http://8.8.8.8/a.mp3" }), "recording_url"},
		{"https to a private address not allowed", with(func(i *Input) { i.RecordingURL = "https://192.168.1.1/a.mp3" }), "recording_url"},
		{"javascript", with(func(i *Input) { i.RecordingURL = "javascript:alert(1)" }), "recording_url"},
		{"too long a URL", with(func(i *Input) { i.RecordingURL = "https://a.example/" + strings.Repeat("x", MaxURLLen) }), "recording_url"},
		{"direction", with(func(i *Input) { i.Direction = "in" }), "direction"},
		{"no start", with(func(i *Input) { i.StartedAt = nil }), "started_at"},
		{"future", with(func(i *Input) { f := now.Add(time.Hour); i.StartedAt = &f }), "started_at"},
		{"within the skew", with(func(i *Input) { f := now.Add(time.Minute); i.StartedAt = &f }), ""},
		{"duration", with(func(i *Input) { i.DurationS = MaxDuration + 1 }), "duration_s"},
		{"notes too long", with(func(i *Input) { i.Notes = strings.Repeat("é", MaxNotesLen+1) }), "notes"},
		{"notes with NUL", with(func(i *Input) { i.Notes = "a\x00b" }), "notes"},
		{"notes not UTF-8", with(func(i *Input) { i.Notes = "\xff" }), "notes"},
	} {
		_, err := s.validate(tc.in, now)
		var field string
		if pe, ok := err.(*parley.Error); ok {
			field = pe.Field
		} else if err != nil {
			t.Errorf("%s: %v, want a *parley.Error", tc.name, err)
		}
		if field != tc.field {
			t.Errorf("%s: field %q (%v), want %q", tc.name, field, err, tc.field)
		}
	}
}

// FuzzCheckRecording: whatever a phone system sends as a recording URL,
// the check never panics, and what it accepts is https or goes to a host
// the allow-list opens.
func FuzzCheckRecording(f *testing.F) {
	for _, s := range []string{"https://rec.example.com/a.mp3", "http://pbx.lan/x", "http://[::1]/", "https://u@h/", "%zz", ""} {
		f.Add(s)
	}
	guard, _ := netguard.ParseAllowList("pbx.lan")
	s := &Service{guard: guard}
	f.Fuzz(func(t *testing.T, raw string) {
		if s.checkRecording(raw) != nil {
			return
		}
		u, err := netguard.ValidateURL(raw)
		if err != nil {
			t.Fatalf("accepted %q that ValidateURL refuses: %v", raw, err)
		}
		if u.Scheme != "https" && !strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), "pbx.lan") {
			t.Fatalf("accepted %q: plain http to an unlisted host", raw)
		}
	})
}

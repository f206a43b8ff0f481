package phone

import (
	"testing"

	"github.com/parleyhq/parley"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"+1 (415) 555-2671", "+14155552671"},
		{"whatsapp:+14155552671", "+14155552671"},
		{"WhatsApp:+1 415 555 2671", "+14155552671"},
		{"14155552671", "+14155552671"},
		{"+14155552671", "+14155552671"},
		{"sms:+14155552671", "+14155552671"},
		{"tel:+44 20 7946 0958", "+442079460958"},
		{"0044 20 7946 0958", "+442079460958"},
		{"447911123456", "+447911123456"},
		{" +49 (30) 901820 ", "+4930901820"},
		{"5511987654321", "+5511987654321"},
		{"+91.98765.43210", "+919876543210"},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalize_invalid(t *testing.T) {
	for _, in := range []string{"", "   ", "whatsapp:", "hello", "+1", "12", "TWILIO", "+1 415 CALL NOW", "1234567890123456789012", "+14155552671; DROP", "++14155552671"} {
		got, err := Normalize(in)
		if code := parley.ErrorCode(err); code != parley.EINVALID {
			t.Errorf("Normalize(%q) = %q, %v, want an %s error", in, got, err, parley.EINVALID)
		}
	}
}

func TestNormalizeRegion(t *testing.T) {
	tests := []struct {
		in, region, want string
	}{
		{"(415) 555-2671", "US", "+14155552671"},
		{"415.555.2671", "us", "+14155552671"},
		{"+44 20 7946 0958", "US", "+442079460958"},
		{"020 7946 0958", "GB", "+442079460958"},
		{"whatsapp:+14155552671", "GB", "+14155552671"},
	}
	for _, tt := range tests {
		got, err := NormalizeRegion(tt.in, tt.region)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeRegion(%q, %q) = %q, %v, want %q", tt.in, tt.region, got, err, tt.want)
		}
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"+1 (415) 555-2671", "whatsapp:+14155552671", true},
		{"14155552671", "+1 415 555 2671", true},
		{"14155552671", "+14155552672", false},
		{"nonsense", "nonsense", false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDigits(t *testing.T) {
	if got, want := Digits("+14155552671"), "14155552671"; got != want {
		t.Errorf("Digits(%q) = %q, want %q", "+14155552671", got, want)
	}
}

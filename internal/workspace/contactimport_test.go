package workspace

import (
	"testing"

	"github.com/parleyhq/parley/internal/sqlstore"
)

func TestGuardCell_RoundTrips(t *testing.T) {
	for _, tc := range []struct{ in, exported string }{
		{"Ada", "Ada"},
		{"=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-2+3", "'-2+3"},
		{"'quoted", "'quoted"},
		{"", ""},
	} {
		if got := guardCell(tc.in); got != tc.exported {
			t.Errorf("guardCell(%q) = %q, want %q", tc.in, got, tc.exported)
		}
		if got := unguardCell(guardCell(tc.in)); got != tc.in {
			t.Errorf("unguardCell(guardCell(%q)) = %q, want it back", tc.in, got)
		}
	}
}

func TestCheckValue_Types(t *testing.T) {
	list := defFor("list", "free", "pro")
	for _, tc := range []struct {
		typ, in, want string
		ok            bool
	}{
		{"number", "4.50", "4.5", true}, {"number", "NaN", "", false}, {"number", "1e400", "", false},
		{"date", "2026-02-29", "", false}, {"date", "2028-02-29", "2028-02-29", true},
		{"checkbox", "YES", "true", true}, {"checkbox", "0", "false", true}, {"checkbox", "maybe", "", false},
		{"link", "https://x.example/a", "https://x.example/a", true}, {"link", "ftp://x", "", false},
		{"text", "anything", "anything", true},
	} {
		got, err := checkValue(defFor(tc.typ), tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("checkValue(%s, %q) = %q, %v; want %q, ok %v", tc.typ, tc.in, got, err, tc.want, tc.ok)
		}
	}
	if _, err := checkValue(list, "gold"); err == nil {
		t.Error("checkValue(list, gold) accepted a value not in the options")
	}
}

func defFor(typ string, options ...string) sqlstore.AttributeDef {
	return sqlstore.AttributeDef{Key: typ, Label: typ, Type: typ, Options: options}
}

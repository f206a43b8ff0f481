package channel

import (
	"reflect"
	"strings"
	"testing"
)

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "hello", "hello"},
		{"a NUL inside", "he\x00llo", "hello"},
		{"only NULs", "\x00\x00", ""},
		{"invalid UTF-8", "caf\xe9", "caf\uFFFD"},
		{"both", "\x00\xff", "\uFFFD"},
		{"unicode kept", "héllo 👋", "héllo 👋"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanText(tc.in); got != tc.want {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// fill sets every string reachable from v to s, with one element in each
// slice, so that a field added later is covered by the test below.
func fill(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), s)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), s)
	}
}

func TestWebhookResult_Clean(t *testing.T) {
	var r WebhookResult
	fill(reflect.ValueOf(&r).Elem(), "a\x00b")
	r.Clean()
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if strings.Contains(v.String(), "\x00") || v.String() != "ab" {
				t.Errorf("%s = %q after Clean, want \"ab\"", path, v.String())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(path+"."+v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(path, v.Index(i))
			}
		}
	}
	walk("result", reflect.ValueOf(r))
}

package channel

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// CleanText makes a provider's text storable in both databases: it drops
// NUL characters (PostgreSQL's text cannot hold U+0000: "invalid byte
// sequence for encoding UTF8: 0x00") and replaces invalid UTF-8 with
// U+FFFD. Provider payloads are never refused for their text: a signed
// webhook refused would be retried forever, and the message lost.
func CleanText(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// Clean applies CleanText to every string a webhook result carries (the
// messages, their contacts and media, the statuses), whatever the
// provider. The webhook ingress calls it on every parsed result, before
// anything is stored.
func (r *WebhookResult) Clean() {
	cleanValue(reflect.ValueOf(r).Elem())
}

func cleanValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			if s := v.String(); s != CleanText(s) {
				v.SetString(CleanText(s))
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				cleanValue(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes (a response body), not text
		}
		for i := range v.Len() {
			cleanValue(v.Index(i))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			cleanValue(v.Elem())
		}
	case reflect.Map:
		if v.Type().Key().Kind() == reflect.String && v.Type().Elem().Kind() == reflect.String {
			for _, k := range v.MapKeys() {
				nv := reflect.ValueOf(CleanText(v.MapIndex(k).String())).Convert(v.Type().Elem())
				v.SetMapIndex(k, reflect.Value{})
				v.SetMapIndex(reflect.ValueOf(CleanText(k.String())).Convert(v.Type().Key()), nv)
			}
		}
	}
}

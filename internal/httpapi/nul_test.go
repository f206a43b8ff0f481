package httpapi

import "testing"

func TestNulField(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
		found            bool
	}{
		{"none", `{"content":"hello"}`, "", false},
		{"top level", `{"content":"a\u0000b"}`, ".content", true},
		{"nested", `{"contact":{"source_id":"c","name":"\u0000"},"content":"x"}`, ".contact.name", true},
		{"after a nested object", `{"contact":{"name":"x"},"content":"\u0000"}`, ".content", true},
		{"in an array", `{"parameters":["a","b\u0000"]}`, ".parameters[1]", true},
		{"in an array of objects", `{"items":[{"a":1},{"b":"\u0000"}]}`, ".items[1].b", true},
		{"a key", `{"config":{"k\u0000":"v"}}`, ".config", true},
		{"an escaped backslash is not a NUL", `{"content":"\\u0000"}`, "", false},
		{"not JSON", `{"content":"\u0000`, "", false},
		{"a bare string", `"\u0000"`, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, found := nulField([]byte(tc.body))
			if got != tc.want || found != tc.found {
				t.Errorf("nulField(%s) = %q, %v; want %q, %v", tc.body, got, found, tc.want, tc.found)
			}
		})
	}
}

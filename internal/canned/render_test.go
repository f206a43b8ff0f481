package canned

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley"
)

func TestRender(t *testing.T) {
	full := &parley.Contact{ID: "c1", Name: "Ana María López", Email: "ana@example.com", Phone: "+34600000000",
		Company: "Acme", Attributes: map[string]string{"plan": "gold", "name": "shadowed"}}
	bare := &parley.Contact{ID: "c2"}
	agent := parley.Mention{ID: "u1", Name: "Bo Agent"}
	conv := &parley.Conversation{ID: "k1", Number: 42}
	tests := []struct {
		name        string
		contact     *parley.Contact
		tpl         string
		want        string
		wantMissing []string
	}{
		{"the seed's short forms are filled", full, "Hi {{first_name}}, I'm {{agent_name}}. We'll write to {{email}}.",
			"Hi Ana, I'm Bo Agent. We'll write to ana@example.com.", []string{}},
		{"contact, agent and conversation paths are filled", full,
			"{{contact.name}} / {{contact.first_name}} / {{contact.email}} / {{contact.phone}} / {{contact.company}} / {{agent.name}} / #{{conversation.number}}",
			"Ana María López / Ana / ana@example.com / +34600000000 / Acme / Bo Agent / #42", []string{}},
		{"custom attributes are filled by either path", full, "{{contact.custom_attributes.plan}} {{contact.plan}}", "gold gold", []string{}},
		{"a custom attribute does not hide a standard field", full, "{{contact.name}}", "Ana María López", []string{}},
		{"a default is used when the value is missing", bare, `Hello {{ contact.first_name | default: "there" }}!`, "Hello there!", []string{}},
		{"a default is not used when the value is present", full, `Hello {{ contact.first_name | default: "there" }}!`, "Hello Ana!", []string{}},
		{"a missing value stays as written and is named", bare, "Hi {{first_name}}, your email {{ contact.email }}?",
			"Hi {{first_name}}, your email {{ contact.email }}?", []string{"first_name", "contact.email"}},
		{"a missing value is named once", bare, "{{email}} {{email}}", "{{email}} {{email}}", []string{"email"}},
		{"a missing value with other filters stays as written", bare, "{{ first_name | upcase }}", "{{ first_name | upcase }}", []string{"first_name"}},
		{"an unknown variable is missing", full, "{{contact.shoe_size}}", "{{contact.shoe_size}}", []string{"contact.shoe_size"}},
		{"a pipe inside a default's quotes is not a filter", bare, `{{ name | default: "a|b" }}`, "a|b", []string{}},
		{"conditions work", full, "{% if contact.company %}at {{contact.company}}{% else %}alone{% endif %}", "at Acme", []string{}},
		{"raw text is kept", bare, "{% raw %}{{first_name}}{% endraw %}", "{{first_name}}", []string{}},
		{"text without variables is unchanged", bare, "Thanks!", "Thanks!", []string{}},
		{"an unclosed output is text", full, "Hi {{ first_name", "Hi {{ first_name", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render("template", tt.tpl, Vars(tt.contact, agent, conv))
			if err != nil {
				t.Fatalf("Render(%q) error = %v", tt.tpl, err)
			}
			if got.Content != tt.want {
				t.Errorf("Render(%q).Content = %q, want %q", tt.tpl, got.Content, tt.want)
			}
			if diff := cmp.Diff(tt.wantMissing, got.Missing); diff != "" {
				t.Errorf("Render(%q).Missing (-want +got):\n%s", tt.tpl, diff)
			}
		})
	}
}

func TestRender_RefusesWhatIsNotATemplate(t *testing.T) {
	tests := []struct{ name, tpl string }{
		{"a loop", "{% for i in (1..100000000) %}x{% endfor %}"},
		{"an assignment", "{% assign x = 1 %}"},
		{"an include", "{% include 'secrets' %}"},
		{"an unclosed condition", "{% if first_name %}hi"},
		{"invalid UTF-8", "Hi \xff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render("template", tt.tpl, Vars(&parley.Contact{}, parley.Mention{}, nil))
			var pe *parley.Error
			if e, ok := err.(*parley.Error); ok {
				pe = e
			}
			if pe == nil || pe.Code != parley.EINVALID || pe.Field != "template" {
				t.Errorf("Render(%q) error = %v, want EINVALID naming template", tt.tpl, err)
			}
		})
	}
}

// Package canned holds canned replies: their CRUD and their rendering with
// variables in Liquid syntax ({{contact.first_name}}, {{agent_name}},
// {{ contact.first_name | default: "there" }}), so the preview an agent
// sees is exactly what is sent.
package canned

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/osteele/liquid"
	"github.com/parleyhq/parley"
)

// MaxTemplateLen bounds a template (runes).
const MaxTemplateLen = 20000

// Rendering is a rendered template: Content with every known variable filled,
// and Missing naming the variables that have no value and no default —
// they stay in Content as written, so nothing is sent blank.
type Rendering struct {
	Content string   `json:"content"`
	Missing []string `json:"missing"`
}

// allowedTags are the Liquid tags a canned reply may use: conditions and
// literal text. Loops, assignments and includes are refused, so a template
// cannot run for long or read what it was not given.
var allowedTags = map[string]bool{
	"if": true, "elsif": true, "else": true, "endif": true, "unless": true, "endunless": true,
	"case": true, "when": true, "endcase": true, "comment": true, "endcomment": true, "raw": true, "endraw": true,
}

var (
	tagRe    = regexp.MustCompile(`\{%-?\s*([A-Za-z_]*)`)
	rawRe    = regexp.MustCompile(`(?s)\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}`)
	outputRe = regexp.MustCompile(`(?s)\{\{-?(.*?)-?\}\}`)
	pathRe   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$`)
	engine   = liquid.NewEngine()
)

// Check reports whether tpl is a template Render accepts; the error is
// EINVALID naming field.
func Check(field, tpl string) error {
	if !utf8.ValidString(tpl) {
		return parley.FieldErrorf(field, "The template is not valid UTF-8.")
	}
	if utf8.RuneCountInString(tpl) > MaxTemplateLen {
		return parley.FieldErrorf(field, "The template is longer than %d characters.", MaxTemplateLen)
	}
	for _, m := range tagRe.FindAllStringSubmatch(tpl, -1) {
		if !allowedTags[m[1]] {
			return parley.FieldErrorf(field, "The tag {%% %s %%} cannot be used in a canned reply: use variables, if, unless, case and raw.", clip(m[1]))
		}
	}
	if _, err := engine.ParseString(tpl); err != nil {
		return parley.FieldErrorf(field, "The template cannot be read: %s", clip(err.Error()))
	}
	return nil
}

// Render fills tpl with vars. A variable with no value (absent or empty)
// and no default filter stays as written and is named in Missing.
func Render(field, tpl string, vars map[string]any) (*Rendering, error) {
	if err := Check(field, tpl); err != nil {
		return nil, err
	}
	raws := rawRe.FindAllStringIndex(tpl, -1)
	inRaw := func(at int) bool {
		return slices.ContainsFunc(raws, func(r []int) bool { return at >= r[0] && at < r[1] })
	}
	res := &Rendering{Missing: []string{}}
	var b strings.Builder
	last := 0
	for _, m := range outputRe.FindAllStringSubmatchIndex(tpl, -1) {
		if inRaw(m[0]) {
			continue
		}
		head, hasDefault := splitFilters(tpl[m[2]:m[3]])
		if !pathRe.MatchString(head) || hasDefault || present(vars, head) {
			continue
		}
		if !slices.Contains(res.Missing, head) {
			res.Missing = append(res.Missing, head)
		}
		b.WriteString(tpl[last:m[0]])
		b.WriteString("{% raw %}" + tpl[m[0]:m[1]] + "{% endraw %}")
		last = m[1]
	}
	b.WriteString(tpl[last:])
	out, err := engine.ParseAndRenderString(b.String(), vars)
	if err != nil {
		return nil, parley.FieldErrorf(field, "The template cannot be rendered: %s", clip(err.Error()))
	}
	res.Content = out
	return res, nil
}

// splitFilters returns an output expression's variable (before the first
// | outside quotes) and whether one of its filters is default.
func splitFilters(expr string) (head string, hasDefault bool) {
	var parts []string
	quote, start := rune(0), 0
	for i, r := range expr {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '|':
			parts = append(parts, expr[start:i])
			start = i + 1
		}
	}
	parts = append(parts, expr[start:])
	for _, f := range parts[1:] {
		name, _, _ := strings.Cut(strings.TrimSpace(f), ":")
		if strings.TrimSpace(name) == "default" {
			hasDefault = true
		}
	}
	return strings.TrimSpace(parts[0]), hasDefault
}

// present reports whether the dotted path has a non-empty value in vars.
func present(vars map[string]any, path string) bool {
	var cur any = vars
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[k]; !ok {
			return false
		}
	}
	switch v := cur.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(v) != ""
	default:
		return true
	}
}

// Vars returns the variables of a conversation for an agent: contact.*,
// contact.custom_attributes.* (custom attributes also as contact.<key>
// when that does not hide a standard field), agent.*, conversation.*, and
// the short forms first_name, last_name, name, email, phone, company and
// agent_name.
func Vars(c *parley.Contact, agent parley.Mention, conv *parley.Conversation) map[string]any {
	first, last, _ := strings.Cut(strings.TrimSpace(c.Name), " ")
	contact := map[string]any{
		"id": c.ID, "name": c.Name, "first_name": first, "last_name": strings.TrimSpace(last),
		"email": c.Email, "phone": c.Phone, "company": c.Company, "title": c.Title,
	}
	attrs := map[string]any{}
	for k, v := range c.Attributes {
		attrs[k] = v
		if _, taken := contact[k]; !taken && k != "custom_attributes" && k != "attributes" {
			contact[k] = v
		}
	}
	contact["custom_attributes"] = attrs
	contact["attributes"] = attrs
	afirst, _, _ := strings.Cut(strings.TrimSpace(agent.Name), " ")
	vars := map[string]any{
		"contact":    contact,
		"agent":      map[string]any{"id": agent.ID, "name": agent.Name, "first_name": afirst},
		"first_name": first, "last_name": strings.TrimSpace(last), "name": c.Name, "email": c.Email,
		"phone": c.Phone, "company": c.Company, "agent_name": agent.Name,
	}
	if conv != nil {
		vars["conversation"] = map[string]any{"id": conv.ID, "number": strconv.FormatInt(conv.Number, 10), "subject": conv.Subject}
	}
	return vars
}

func clip(s string) string {
	if utf8.RuneCountInString(s) > 120 {
		return string([]rune(s)[:120]) + "…"
	}
	return s
}

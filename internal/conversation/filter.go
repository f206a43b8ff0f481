package conversation

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Limits on a filter object.
const (
	// MaxFilterBytes bounds the filter's JSON.
	MaxFilterBytes = 4096
	// MaxConditions bounds its conditions.
	MaxConditions = 20
	// MaxFilterValues bounds the values of one in/nin condition.
	MaxFilterValues = 100
	maxValueLen     = 200
)

// fieldOps lists each field and the operators it accepts.
var fieldOps = map[string][]string{
	"channel":            {"eq", "neq", "in", "nin"},
	"inbox":              {"eq", "neq", "in", "nin"},
	"status":             {"eq", "neq", "in", "nin"},
	"assignee":           {"eq", "neq", "in", "nin", "exists"},
	"team":               {"eq", "neq", "in", "nin", "exists"},
	"tag":                {"eq", "neq", "in", "nin", "exists"},
	"label":              {"eq", "neq", "in", "nin", "exists"},
	"ai_mode":            {"eq", "neq", "in", "nin"},
	"source":             {"eq", "neq", "in", "nin", "contains", "exists"},
	"priority":           {"eq", "neq", "in", "nin", "gt", "lt"},
	"has_phone":          {"eq", "neq"},
	"has_email":          {"eq", "neq"},
	"contact.attributes": {"eq", "neq", "in", "nin", "contains", "exists", "gt", "lt"},
	"created_at":         {"eq", "gt", "lt", "between"},
	"last_activity_at":   {"eq", "gt", "lt", "between"},
	"number":             {"eq", "neq", "in", "nin", "gt", "lt", "between"},
}

// FilterFields lists the filter's fields (contact attributes as
// contact.attributes.<key>), for documentation and errors.
var FilterFields = []string{"channel", "inbox", "status", "assignee", "team", "tag", "label", "ai_mode", "source",
	"priority", "has_phone", "has_email", "contact.attributes.<key>", "created_at", "last_activity_at", "number"}

// RelativePeriods are the values a time field accepts besides a range.
var RelativePeriods = []string{"today", "24h", "7d", "30d", "this_month"}

var (
	attrKey   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	channelRe = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)
	uuidRe    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// ParseFilter parses and validates the filter query parameter (JSON);
// relative times resolve against now. An empty string is no filter. Every
// error is EINVALID naming "filter" and what is wrong in it.
func ParseFilter(raw string, now time.Time) (*parley.Filter, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	if len(raw) > MaxFilterBytes {
		return nil, parley.FieldErrorf("filter", "The filter is larger than %d bytes.", MaxFilterBytes)
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	var f parley.Filter
	if err := dec.Decode(&f); err != nil {
		return nil, parley.FieldErrorf("filter", "The filter is not a valid filter object: %s.", clip(err.Error()))
	}
	if dec.More() {
		return nil, parley.FieldErrorf("filter", "The filter has data after its object.")
	}
	if err := ValidateFilter(&f, now); err != nil {
		return nil, err
	}
	return &f, nil
}

// ValidateFilter checks a filter object and parses its values in place.
func ValidateFilter(f *parley.Filter, now time.Time) error {
	switch f.Match {
	case "":
		f.Match = "all"
	case "all", "any":
	default:
		return parley.FieldErrorf("filter", "Unknown match %q: use all or any.", clip(f.Match))
	}
	if len(f.Conditions) > MaxConditions {
		return parley.FieldErrorf("filter", "A filter has at most %d conditions.", MaxConditions)
	}
	for i := range f.Conditions {
		if err := parseCondition(&f.Conditions[i], now); err != nil {
			return parley.FieldErrorf("filter", "Condition %d (%s): %s", i+1, clip(f.Conditions[i].Field), parley.ErrorMessage(err))
		}
	}
	return nil
}

func parseCondition(c *parley.Condition, now time.Time) error {
	field := c.Field
	if key, ok := strings.CutPrefix(field, "contact.attributes."); ok {
		if !attrKey.MatchString(key) {
			return parley.Errorf(parley.EINVALID, "an attribute key has 1 to 64 letters, digits, '_' or '-'.")
		}
		c.Key, field = key, "contact.attributes"
	}
	ops, ok := fieldOps[field]
	if !ok {
		return parley.Errorf(parley.EINVALID, "unknown field %q; fields: %s.", clip(c.Field), strings.Join(FilterFields, ", "))
	}
	if !slices.Contains(ops, c.Op) {
		return parley.Errorf(parley.EINVALID, "unknown operator %q for %s; use %s.", clip(c.Op), field, strings.Join(ops, ", "))
	}
	c.Field = field
	switch field {
	case "has_phone", "has_email":
		if err := json.Unmarshal(c.Value, &c.Bool); err != nil {
			return parley.Errorf(parley.EINVALID, "the value must be true or false.")
		}
		return nil
	case "created_at", "last_activity_at":
		return parseTimeValue(c, now)
	case "number":
		return parseNumbers(c)
	}
	if c.Op == "exists" {
		c.Bool = true
		if len(bytes.TrimSpace(c.Value)) > 0 && json.Unmarshal(c.Value, &c.Bool) != nil {
			return parley.Errorf(parley.EINVALID, "the value of exists is true, false or absent.")
		}
		if !c.Bool && field != "assignee" {
			return parley.Errorf(parley.EINVALID, "use exists with true (or neq) for this field.")
		}
		return nil
	}
	vals, err := stringValues(c)
	if err != nil {
		return err
	}
	for _, v := range vals {
		if err := checkValue(field, v); err != nil {
			return err
		}
	}
	c.Strings = vals
	return nil
}

// stringValues reads a string (eq, neq, contains, gt, lt) or a list of
// strings (in, nin).
func stringValues(c *parley.Condition) ([]string, error) {
	if c.Op == "in" || c.Op == "nin" {
		var vals []string
		if err := json.Unmarshal(c.Value, &vals); err != nil || len(vals) == 0 {
			return nil, parley.Errorf(parley.EINVALID, "the value of %s is a non-empty list of strings.", c.Op)
		}
		if len(vals) > MaxFilterValues {
			return nil, parley.Errorf(parley.EINVALID, "a list has at most %d values.", MaxFilterValues)
		}
		return vals, nil
	}
	var v string
	if err := json.Unmarshal(c.Value, &v); err != nil {
		return nil, parley.Errorf(parley.EINVALID, "the value of %s is a string.", c.Op)
	}
	if c.Op == "contains" && v == "" {
		return nil, parley.Errorf(parley.EINVALID, "contains needs a non-empty string.")
	}
	return []string{v}, nil
}

func checkValue(field, v string) error {
	if len(v) > maxValueLen {
		return parley.Errorf(parley.EINVALID, "a value has at most %d bytes.", maxValueLen)
	}
	switch field {
	case "channel":
		if !channelRe.MatchString(v) {
			return parley.Errorf(parley.EINVALID, "%q is not a channel kind (such as whatsapp or email).", clip(v))
		}
	case "status":
		if !parley.ConversationStatus(v).Valid() {
			return parley.Errorf(parley.EINVALID, "unknown status %q.", clip(v))
		}
	case "ai_mode":
		if !parley.AIMode(v).Valid() {
			return parley.Errorf(parley.EINVALID, "unknown AI mode %q: use active, paused or manual.", clip(v))
		}
	case "priority":
		if !parley.Priority(v).Valid() {
			return parley.Errorf(parley.EINVALID, "unknown priority %q: use none, low, medium, high or urgent.", clip(v))
		}
	case "inbox", "team":
		if !uuidRe.MatchString(v) {
			return parley.Errorf(parley.EINVALID, "%q is not an id.", clip(v))
		}
	case "assignee":
		if v != "none" && !uuidRe.MatchString(v) {
			return parley.Errorf(parley.EINVALID, "the assignee is a user id or none.")
		}
	}
	return nil
}

func parseNumbers(c *parley.Condition) error {
	var nums []int64
	switch c.Op {
	case "in", "nin", "between":
		if err := json.Unmarshal(c.Value, &nums); err != nil || len(nums) == 0 || len(nums) > MaxFilterValues {
			return parley.Errorf(parley.EINVALID, "the value of %s is a list of 1 to %d numbers.", c.Op, MaxFilterValues)
		}
		if c.Op == "between" && len(nums) != 2 {
			return parley.Errorf(parley.EINVALID, "between takes two numbers: [from, to].")
		}
	default:
		var n json.Number
		if err := json.Unmarshal(c.Value, &n); err != nil {
			var s string
			if json.Unmarshal(c.Value, &s) != nil {
				return parley.Errorf(parley.EINVALID, "the value is a conversation number.")
			}
			n = json.Number(strings.TrimPrefix(s, "#"))
		}
		v, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return parley.Errorf(parley.EINVALID, "the value is a conversation number.")
		}
		nums = []int64{v}
	}
	c.Numbers = nums
	return nil
}

// parseTimeValue: eq takes a relative period; gt and lt a time (RFC 3339);
// between {"from","to"}.
func parseTimeValue(c *parley.Condition, now time.Time) error {
	now = now.UTC()
	switch c.Op {
	case "eq":
		var p string
		if err := json.Unmarshal(c.Value, &p); err != nil {
			return parley.Errorf(parley.EINVALID, "the value of eq is one of %s.", strings.Join(RelativePeriods, ", "))
		}
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		c.To = now.Add(time.Microsecond)
		switch p {
		case "today":
			c.From = day
		case "24h":
			c.From = now.Add(-24 * time.Hour)
		case "7d":
			c.From = now.Add(-7 * 24 * time.Hour)
		case "30d":
			c.From = now.Add(-30 * 24 * time.Hour)
		case "this_month":
			c.From = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		default:
			return parley.Errorf(parley.EINVALID, "unknown period %q: use %s, or between with from and to.", clip(p), strings.Join(RelativePeriods, ", "))
		}
	case "gt", "lt":
		var t time.Time
		if err := json.Unmarshal(c.Value, &t); err != nil {
			return parley.Errorf(parley.EINVALID, "the value of %s is a time (RFC 3339).", c.Op)
		}
		c.From = t
	case "between":
		var r struct {
			From *time.Time `json:"from"`
			To   *time.Time `json:"to"`
		}
		if err := json.Unmarshal(c.Value, &r); err != nil || r.From == nil || r.To == nil || r.To.Before(*r.From) {
			return parley.Errorf(parley.EINVALID, "the value of between is {\"from\": time, \"to\": time} with from before to.")
		}
		c.From, c.To = *r.From, *r.To
	}
	return nil
}

// ParseSort checks a sort order; empty is newest first.
func ParseSort(s string) (string, error) {
	if s == "" {
		return sqlstore.SortNewest, nil
	}
	if !slices.Contains(sqlstore.Sorts, s) {
		return "", parley.FieldErrorf("sort", "Unknown sort %q: use %s.", clip(s), strings.Join(sqlstore.Sorts, ", "))
	}
	return s, nil
}

// ParseView checks a view name; empty is all.
func ParseView(v string) (string, error) {
	if v == "" {
		return sqlstore.ViewAll, nil
	}
	if !slices.Contains(sqlstore.Views, v) {
		return "", parley.FieldErrorf("view", "Unknown view %q: use %s.", clip(v), strings.Join(sqlstore.Views, ", "))
	}
	return v, nil
}

// selection builds the store's filter for the actor from list parameters.
func (s *Service) selection(ctx context.Context, a parley.Actor, p ListParams) (sqlstore.ConversationFilter, error) {
	var f sqlstore.ConversationFilter
	view, err := ParseView(p.View)
	if err != nil {
		return f, err
	}
	sort, err := ParseSort(p.Sort)
	if err != nil {
		return f, err
	}
	if p.TeamID != "" && !uuidRe.MatchString(p.TeamID) {
		return f, parley.FieldErrorf("team_id", "The team_id is not an id.")
	}
	flt, err := ParseFilter(p.Filter, s.store.Now())
	if err != nil {
		return f, err
	}
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return f, err
	}
	return sqlstore.ConversationFilter{Scope: access.ConversationScope(a, ws.Settings), View: view, TeamID: p.TeamID,
		Statuses: p.Statuses, Filter: flt, Sort: sort}, nil
}

// List returns a page of the conversations the actor may see.
func (s *Service) List(ctx context.Context, a parley.Actor, p ListParams) (*Page, error) {
	f, err := s.selection(ctx, a, p)
	if err != nil {
		return nil, err
	}
	f.Limit = p.Limit
	if f.ExternalKey, err = externalKey(p.ExternalRefType, p.ExternalRefID); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit > MaxLimit {
		return nil, parley.FieldErrorf("limit", "The limit must be at most %d.", MaxLimit)
	}
	if p.Cursor != "" {
		var c sqlstore.ConversationCursor
		if err := decodeCursor(p.Cursor, &c); err != nil {
			return nil, err
		}
		f.After = &c
	}
	items, err := s.store.ListConversations(ctx, f)
	if err != nil {
		return nil, err
	}
	page := &Page{Items: items}
	if len(items) == f.Limit {
		page.NextCursor = encodeCursor(sqlstore.CursorAfter(items[len(items)-1]))
	}
	return page, nil
}

// Counts are the live counts of the list views, keyed by view name
// (every name in sqlstore.Views).
type Counts map[string]int64

// Count returns the number of conversations in each view for the actor
// (each of p.Views, or every view), narrowed by the statuses, team and
// filter of p (its view, sort, cursor and limit are ignored). Counting
// one view under a filter costs a seventeenth of counting them all.
func (s *Service) Count(ctx context.Context, a parley.Actor, p ListParams) (Counts, error) {
	views := sqlstore.Views
	if len(p.Views) > 0 {
		views = p.Views
	}
	p.View, p.Sort = "", ""
	f, err := s.selection(ctx, a, p)
	if err != nil {
		return nil, err
	}
	return s.store.CountViews(ctx, f, views)
}

// ParseViews checks a comma-separated list of view names; empty is every
// view (nil).
func ParseViews(raw string) ([]string, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var out []string
	for _, v := range strings.Split(raw, ",") {
		v = strings.TrimSpace(v)
		if !slices.Contains(sqlstore.Views, v) {
			return nil, parley.FieldErrorf("views", "Unknown view %q: use %s.", clip(v), strings.Join(sqlstore.Views, ", "))
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Views lists the names of the list views.
func Views() []string { return slices.Clone(sqlstore.Views) }

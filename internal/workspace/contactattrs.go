package workspace

import (
	"context"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Attribute types.
const (
	AttrText     = "text"
	AttrNumber   = "number"
	AttrDate     = "date"
	AttrList     = "list"
	AttrCheckbox = "checkbox"
	AttrLink     = "link"
)

// AttributeTypes are the types a custom attribute may have.
var AttributeTypes = []string{AttrText, AttrNumber, AttrDate, AttrList, AttrCheckbox, AttrLink}

// maxAttributeValue is the longest value of any attribute, in characters.
const maxAttributeValue = 1000

// AttributeDefInput creates or changes an attribute definition.
type AttributeDefInput struct {
	Key     string
	Label   string
	Type    string
	Options []string
}

func checkDef(d *sqlstore.AttributeDef) error {
	d.Label = strings.TrimSpace(d.Label)
	if d.Label == "" || utf8.RuneCountInString(d.Label) > 100 {
		return parley.FieldErrorf("label", "The label must have 1 to 100 characters.")
	}
	opts := dedupeTrim(d.Options)
	if d.Type == AttrList {
		if len(opts) == 0 || len(opts) > 200 {
			return parley.FieldErrorf("options", "A list attribute needs 1 to 200 options.")
		}
		for _, o := range opts {
			if utf8.RuneCountInString(o) > 200 {
				return parley.FieldErrorf("options", "An option has at most 200 characters.")
			}
		}
	} else if len(opts) > 0 {
		return parley.FieldErrorf("options", "Only list attributes have options.")
	}
	d.Options = opts
	return nil
}

// CreateAttributeDef defines a custom contact attribute (admins).
func (s *Service) CreateAttributeDef(ctx context.Context, a parley.Actor, in AttributeDefInput) (*sqlstore.AttributeDef, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if !attributeKey.MatchString(in.Key) {
		return nil, parley.FieldErrorf("key", "The key must have 1 to 64 lowercase letters, digits or _.")
	}
	if !slices.Contains(AttributeTypes, in.Type) {
		return nil, parley.FieldErrorf("type", "Unknown type %q: use one of %s.", clip(in.Type), strings.Join(AttributeTypes, ", "))
	}
	d := &sqlstore.AttributeDef{WorkspaceID: a.WorkspaceID, Key: in.Key, Label: in.Label, Type: in.Type, Options: in.Options}
	if err := checkDef(d); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.CreateAttributeDef(ctx, d); err != nil {
			return err
		}
		return tx.Audit(ctx, a.WorkspaceID, a.UserID, "contact_attribute.create", "contact_attribute", d.ID, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// UpdateAttributeDef changes a definition's label and options (admins).
func (s *Service) UpdateAttributeDef(ctx context.Context, a parley.Actor, defID string, label *string, options []string) (*sqlstore.AttributeDef, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var out *sqlstore.AttributeDef
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		defs, err := tx.ListAttributeDefs(ctx, a.WorkspaceID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(defs, func(d sqlstore.AttributeDef) bool { return d.ID == defID })
		if i < 0 {
			return parley.Errorf(parley.ENOTFOUND, "Attribute not found.")
		}
		d := defs[i]
		if label != nil {
			d.Label = *label
		}
		if options != nil {
			d.Options = options
		}
		if err := checkDef(&d); err != nil {
			return err
		}
		if err := tx.UpdateAttributeDef(ctx, &d); err != nil {
			return err
		}
		out = &d
		return tx.Audit(ctx, a.WorkspaceID, a.UserID, "contact_attribute.update", "contact_attribute", d.ID, d)
	})
	return out, err
}

// DeleteAttributeDef removes a definition (admins); values already on
// contacts stay, as text.
func (s *Service) DeleteAttributeDef(ctx context.Context, a parley.Actor, defID string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.DeleteAttributeDef(ctx, a.WorkspaceID, defID); err != nil {
			return err
		}
		return tx.Audit(ctx, a.WorkspaceID, a.UserID, "contact_attribute.delete", "contact_attribute", defID, nil)
	})
}

// AttributeDefs lists the workspace's attribute definitions.
func (s *Service) AttributeDefs(ctx context.Context, a parley.Actor) ([]sqlstore.AttributeDef, error) {
	return s.store.ListAttributeDefs(ctx, a.WorkspaceID)
}

// attributeDefs is a workspace's definitions by key.
type attributeDefs map[string]sqlstore.AttributeDef

type defLister interface {
	ListAttributeDefs(ctx context.Context, workspaceID string) ([]sqlstore.AttributeDef, error)
}

func loadDefs(ctx context.Context, q defLister, workspaceID string) (attributeDefs, error) {
	list, err := q.ListAttributeDefs(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	m := attributeDefs{}
	for _, d := range list {
		m[d.Key] = d
	}
	return m, nil
}

// checkAttributes validates attribute values against their definitions
// and returns them normalised; an empty value removes the attribute. Keys
// without a definition are free text.
func (defs attributeDefs) check(attrs map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range attrs {
		field := "attributes." + k
		if k == "" || len(k) > 64 || !utf8.ValidString(k) {
			return nil, parley.FieldErrorf("attributes", "An attribute key must have 1 to 64 characters.")
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if utf8.RuneCountInString(v) > maxAttributeValue {
			return nil, parley.FieldErrorf(field, "The attribute %q is longer than %d characters.", k, maxAttributeValue)
		}
		d, ok := defs[k]
		if !ok {
			out[k] = v
			continue
		}
		norm, err := checkValue(d, v)
		if err != nil {
			return nil, &parley.Error{Code: parley.EINVALID, Field: field, Message: "The attribute " + strconv.Quote(k) + " " + err.Error()}
		}
		out[k] = norm
	}
	return out, nil
}

type valueError string

func (e valueError) Error() string { return string(e) }

// checkValue checks one value against its definition; the error completes
// the sentence "The attribute "key" …".
func checkValue(d sqlstore.AttributeDef, v string) (string, error) {
	switch d.Type {
	case AttrNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", valueError("must be a number (got " + strconv.Quote(clip(v)) + ").")
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case AttrDate:
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return "", valueError("must be a date as YYYY-MM-DD (got " + strconv.Quote(clip(v)) + ").")
		}
		return t.Format("2006-01-02"), nil
	case AttrList:
		if !slices.Contains(d.Options, v) {
			return "", valueError("must be one of: " + strings.Join(d.Options, ", ") + ".")
		}
	case AttrCheckbox:
		switch strings.ToLower(v) {
		case "true", "yes", "1":
			return "true", nil
		case "false", "no", "0":
			return "false", nil
		}
		return "", valueError("must be true or false.")
	case AttrLink:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", valueError("must be an http or https link.")
		}
	}
	return v, nil
}

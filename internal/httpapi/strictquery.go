package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// strictQuery answers 422 when a request carries a query parameter its
// operation does not declare: a misspelt or unsupported filter
// (?channel=whatsapp) must never be ignored and answer everything. It runs
// before the handler, so nothing is read or written.
func (s *Server) strictQuery(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	u := ctx.URL()
	if op == nil || u.RawQuery == "" {
		next(ctx)
		return
	}
	var unknown []string
	for key := range u.Query() {
		if !declaresQuery(op, key) {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) == 0 {
		next(ctx)
		return
	}
	sort.Strings(unknown)
	known := declaredQuery(op)
	hint := "This operation takes no query parameters."
	if len(known) > 0 {
		hint = "It takes " + strings.Join(known, ", ") + "."
	}
	details := make([]error, len(unknown))
	for i, k := range unknown {
		details[i] = &huma.ErrorDetail{Location: "query." + clipKey(k), Message: "unknown query parameter", Value: clipKey(k)}
	}
	huma.WriteErr(s.api, ctx, http.StatusUnprocessableEntity,
		fmt.Sprintf("Unknown query parameter %q. %s", clipKey(unknown[0]), hint), details...)
}

func declaresQuery(op *huma.Operation, key string) bool {
	for _, p := range op.Parameters {
		if p.In == "query" && p.Name == key {
			return true
		}
	}
	return false
}

func declaredQuery(op *huma.Operation) []string {
	var out []string
	for _, p := range op.Parameters {
		if p.In == "query" && !slices.Contains(out, p.Name) {
			out = append(out, p.Name)
		}
	}
	sort.Strings(out)
	return out
}

func clipKey(k string) string {
	if len(k) > 40 {
		return k[:40] + "…"
	}
	return k
}

// rejectUnknownQuery is strictQuery for the handlers outside huma: it
// writes the 422 and reports false when r has a parameter not in allowed.
func rejectUnknownQuery(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	for key := range r.URL.Query() {
		if !slices.Contains(allowed, key) {
			hint := "This endpoint takes no query parameters."
			if len(allowed) > 0 {
				hint = "It takes " + strings.Join(allowed, ", ") + "."
			}
			writeFieldProblem(w, http.StatusUnprocessableEntity, "query."+clipKey(key),
				fmt.Sprintf("Unknown query parameter %q. %s", clipKey(key), hint))
			return false
		}
	}
	return true
}

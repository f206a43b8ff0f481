package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/problem"
)

// statusOf maps error codes to HTTP statuses, in one place.
func statusOf(err error) int {
	switch parley.ErrorCode(err) {
	case parley.EINVALID:
		return http.StatusUnprocessableEntity
	case parley.ENOTFOUND:
		return http.StatusNotFound
	case parley.ECONFLICT:
		return http.StatusConflict
	case parley.EFORBIDDEN:
		return http.StatusForbidden
	case parley.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case parley.ERATELIMIT:
		return http.StatusTooManyRequests
	case parley.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// problem turns a use-case error into a huma problem: the message of a
// parley.Error, with the field it names as the error's location.
func (s *Server) problem(ctx context.Context, err error) error {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.Logger.ErrorContext(ctx, "request failed", "err", err)
		return huma.Error500InternalServerError("An internal error has occurred.")
	}
	msg := parley.ErrorMessage(err)
	if pe, ok := errors.AsType[*parley.Error](err); ok && pe.Field != "" {
		return huma.NewError(status, msg, &huma.ErrorDetail{Location: location(pe.Field), Message: msg})
	}
	return huma.NewError(status, msg)
}

// queryFields are the fields that come from the query string.
var queryFields = map[string]bool{"view": true, "status": true, "cursor": true, "limit": true, "q": true,
	"filter": true, "sort": true, "team_id": true}

func init() { // the contact list's and import's query fields
	for _, f := range []string{"sort", "channel", "tag", "has_phone", "has_email", "blocked", "archived", "marked",
		"attribute", "created_from", "created_to", "mapping", "external_ref_type", "external_ref_id"} {
		queryFields[f] = true
	}
}

func location(field string) string {
	if queryFields[field] {
		return "query." + field
	}
	return "body." + field
}

// writeProblem writes an RFC 9457 problem outside huma's handlers.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	problem.Write(w, status, detail)
}

// WriteError writes err as a problem body with its status.
func WriteError(w http.ResponseWriter, err error) {
	writeProblem(w, statusOf(err), parley.ErrorMessage(err))
}

// writeFieldProblem writes a problem whose error names the location at
// fault, as huma's do.
func writeFieldProblem(w http.ResponseWriter, status int, location, detail string) {
	problem.Write(w, status, detail, problem.Detail{Location: location, Message: detail})
}

// Package problem writes RFC 9457 problem bodies outside huma's handlers
// (webhooks, the WebSocket upgrade, attachments, the media links): the one
// writer, so that every HTTP error Parley answers has the same shape as
// huma's.
package problem

import (
	"encoding/json"
	"net/http"
)

// Detail is one error of a problem: where it is and what is wrong.
type Detail struct {
	Location string `json:"location"`
	Message  string `json:"message"`
}

// Body is a problem body.
type Body struct {
	Title  string   `json:"title"`
	Status int      `json:"status"`
	Detail string   `json:"detail"`
	Errors []Detail `json:"errors,omitempty"`
}

// Write writes a problem with status and detail; errs, when given, name
// the locations at fault.
func Write(w http.ResponseWriter, status int, detail string, errs ...Detail) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(Body{Title: http.StatusText(status), Status: status, Detail: detail, Errors: errs})
}

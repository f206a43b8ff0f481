package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The API's rule for text it cannot store: a JSON string holding U+0000
// (PostgreSQL's text cannot, and SQLite would keep what PostgreSQL
// refuses), or a query value holding it or invalid UTF-8, is refused with
// a 422 problem naming the field, for every route, before any handler
// runs, so both stores behave the same. Provider webhooks are not API
// routes: their text is cleaned, never refused (channel.CleanText).
const nulMessage = "The text must not contain NUL characters (U+0000)."

// checkText refuses an API request whose text holds NUL. It reads and
// replaces a JSON body; ok is false when it wrote the answer.
func checkText(w http.ResponseWriter, r *http.Request) (ok bool) {
	if strings.IndexByte(r.URL.Path, 0) >= 0 {
		writeFieldProblem(w, http.StatusUnprocessableEntity, "path", nulMessage)
		return false
	}
	for k, vs := range r.URL.Query() {
		for _, v := range append([]string{k}, vs...) {
			if strings.IndexByte(v, 0) >= 0 {
				writeFieldProblem(w, http.StatusUnprocessableEntity, "query."+k, nulMessage)
				return false
			}
			if !utf8.ValidString(v) {
				writeFieldProblem(w, http.StatusUnprocessableEntity, "query."+strings.ToValidUTF8(k, "?"), "The text is not valid UTF-8.")
				return false
			}
		}
	}
	if r.Body == nil || r.Body == http.NoBody || isUpload(r) || isContactImport(r) { // an import checks its own text
		return true
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			writeFieldProblem(w, http.StatusRequestEntityTooLarge, uploadField(r), "The request is too large.")
		} else {
			writeProblem(w, http.StatusBadRequest, "The request body could not be read.")
		}
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !bytes.Contains(body, []byte(`\u0000`)) {
		return true
	}
	if field, found := nulField(body); found {
		writeFieldProblem(w, http.StatusUnprocessableEntity, "body"+field, nulMessage)
		return false
	}
	return true
}

// nulField returns the path (".contact.name", ".items[2]") of the first
// string, or object key, of a JSON document that holds U+0000; found is
// false when there is none or the document is not JSON (the handler says
// what is wrong with it).
func nulField(body []byte) (path string, found bool) {
	type frame struct {
		object  bool
		key     string
		index   int
		wantKey bool
	}
	var stack []frame
	at := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.object {
				b.WriteString("." + f.key)
			} else {
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			}
		}
		return b.String()
	}
	advance := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].wantKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, frame{object: true, wantKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				advance()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				if strings.IndexByte(v, 0) >= 0 {
					stack = stack[:n-1] // the object holding the key
					return at(), true
				}
				stack[n-1].key, stack[n-1].wantKey = v, false
				continue
			}
			if strings.IndexByte(v, 0) >= 0 {
				return at(), true
			}
			advance()
		default:
			advance()
		}
	}
}

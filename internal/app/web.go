package app

import (
	"fmt"
	"net/http"

	"github.com/parleyhq/parley/web"
)

// webApp is the embedded agent app; an empty build is an error, so a
// binary without its app fails loudly at start.
func webApp() (http.Handler, error) {
	h, err := web.Handler()
	if err != nil {
		return nil, fmt.Errorf("web app: %w", err)
	}
	return h, nil
}

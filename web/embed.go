// Package web serves the agent app: the React build in web/dist, embedded in
// the binary so that running Parley needs no Node. The build is committed;
// CI rebuilds it and fails when the committed files differ.
package web

import "embed"

// dist holds the output of `npm --prefix web run build`. The all: prefix
// keeps files whose names start with a dot or an underscore, which Vite may emit.
//
//go:embed all:dist
var dist embed.FS

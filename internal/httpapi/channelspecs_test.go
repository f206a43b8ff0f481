package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/parleyhq/parley/internal/channel/providers"
	"github.com/parleyhq/parley/internal/httpapi"
)

var update = flag.Bool("update", false, "rewrite the web app's copy of the channel specs")

// webFixture is what the web app's tests load as the server's answer to
// GET /api/v1/channels.
const webFixture = "../../web/src/test/channel-specs.json"

// TestSpecs_WebFixture keeps the web app's test fixture equal to what the
// server serves, so the app's tests run against the providers' real
// declarations (go test ./internal/httpapi -run TestSpecs_WebFixture
// -update rewrites it).
func TestSpecs_WebFixture(t *testing.T) {
	providers.Register()
	got, err := json.MarshalIndent(httpapi.Specs(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(webFixture, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(webFixture)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from httpapi.Specs(); rerun with -update", webFixture)
	}
}

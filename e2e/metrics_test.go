package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/config"
)

func TestMetrics_ServedOnTheirOwnListener(t *testing.T) {
	n := start(t, nodeOptions{configure: func(c *config.Config) { c.MetricsAddr = "127.0.0.1:0" }})
	s := n.bootstrap()
	n.inbound(s, "c", "m1", "hello")
	w := n.dial(t, s, s.token, "")
	w.next("hello")
	if r := n.do("GET", "/metrics", "", nil); r.status == 200 && strings.Contains(string(r.body), "parley_http_requests_total") {
		t.Errorf("metrics are served on the public listener")
	}
	resp, err := http.Get("http://" + n.app.MetricsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`parley_http_requests_total{code="202",method="POST"} 1`,
		"parley_websocket_connections 1",
		"parley_http_request_duration_seconds_bucket",
		"go_goroutines",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

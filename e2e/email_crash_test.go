package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/channel/channeltest"
)

// proc is the real server binary, killed with SIGKILL to simulate a crash.
type proc struct {
	cmd            *exec.Cmd
	bin, dir       string
	addr, smtpAddr string
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func (p *proc) start(t *testing.T) {
	t.Helper()
	p.cmd = exec.Command(p.bin, "serve")
	p.cmd.Env = append(os.Environ(), "PARLEY_ADDR="+p.addr, "PARLEY_DATA_DIR="+p.dir, "PARLEY_SMTP_ADDR="+p.smtpAddr,
		"PARLEY_PUBLIC_URL=http://"+p.addr, "PARLEY_ALLOW_PRIVATE_ADDRESSES=127.0.0.1/8", "PARLEY_LOG_LEVEL=warn")
	p.cmd.Dir = p.dir
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + p.addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond) // a process coming up: nothing to await
	}
	t.Fatal("the server never became ready")
}

func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	_, _ = p.cmd.Process.Wait()
}

// TestEmail_CrashBetweenRCPTAndDATAAndAfterCommit kills the server (SIGKILL)
// in the middle of an SMTP transaction and right after a 250: the sender,
// which saw no 250, sends again; the acknowledged mail is there after the
// restart; the same mail sent again is stored once. No loss, no duplicate.
func TestEmail_CrashBetweenRCPTAndDATAAndAfterCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the server binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "parley")
	build := exec.Command("go", "build", "-o", bin, "../cmd/parley")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	p := &proc{bin: bin, dir: data, addr: freeAddr(t), smtpAddr: freeAddr(t)}
	p.start(t)
	t.Cleanup(p.kill)
	n := &node{t: t, base: "http://" + p.addr, dataDir: data}
	s := n.bootstrap()
	relay := channeltest.NewSMTPRelay(t)
	iid := emailInbox(t, n, s, relay)["id"].(string)

	first := strings.ReplaceAll(customerMail("crash-1@customer.test", "Crash one", "Sent while the server died."), "\n", "\r\n")
	c, err := smtp.Dial(p.smtpAddr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("alice@customer.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("support@acme.test"); err != nil {
		t.Fatal(err)
	}
	p.kill() // between RCPT and DATA
	if w, err := c.Data(); err == nil {
		_, _ = w.Write([]byte(first))
		if err := w.Close(); err == nil {
			t.Fatal("DATA was acknowledged by a killed server")
		}
	}
	c.Close()
	p.start(t)
	// The sender saw no 250 and sends again; then once more (a retry after
	// a lost 250).
	for range 2 {
		if err := smtp.SendMail(p.smtpAddr, nil, "alice@customer.test", []string{"support@acme.test"}, []byte(first)); err != nil {
			t.Fatalf("resend: %v", err)
		}
	}
	second := strings.ReplaceAll(customerMail("crash-2@customer.test", "Crash two", "Acknowledged, then the server died."), "\n", "\r\n")
	if err := smtp.SendMail(p.smtpAddr, nil, "alice@customer.test", []string{"support@acme.test"}, []byte(second)); err != nil {
		t.Fatal(err)
	}
	p.kill() // right after the 250
	p.start(t)

	ids := map[string]int{}
	for _, conv := range conversationsOn(t, n, s, iid) {
		for _, m := range threadOf(t, n, s, conv["id"].(string)) {
			if em, ok := m["email"].(map[string]any); ok {
				ids[fmt.Sprint(em["message_id"])]++
			}
		}
	}
	if ids["crash-1@customer.test"] != 1 || ids["crash-2@customer.test"] != 1 || len(ids) != 2 {
		t.Fatalf("stored mails = %v, want each once", ids)
	}
}

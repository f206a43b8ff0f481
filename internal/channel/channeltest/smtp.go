package channeltest

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// RelayMail is one mail the fake SMTP relay accepted.
type RelayMail struct {
	From string
	To   []string
	// Notify is the DSN NOTIFY of the first recipient (SUCCESS, FAILURE…).
	Notify []string
	Data   []byte
}

// SMTPRelay is a loopback SMTP relay (no TLS, no auth) that offers DSN and
// records what it accepts; Fail makes it refuse the next mail at DATA.
type SMTPRelay struct {
	Host string
	Port int
	Mail chan RelayMail

	mu   sync.Mutex
	fail []*smtp.SMTPError
}

// NewSMTPRelay starts a relay closed by t.Cleanup.
func NewSMTPRelay(t testing.TB) *SMTPRelay {
	r := &SMTPRelay{Mail: make(chan RelayMail, 64)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &relaySession{r: r}, nil }))
	srv.Domain = "relay.test"
	srv.EnableDSN = true
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	r.Host = host
	r.Port, _ = strconv.Atoi(port)
	return r
}

// Fail queues a refusal (code 550 is permanent, 451 temporary).
func (r *SMTPRelay) Fail(code int, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = append(r.fail, &smtp.SMTPError{Code: code, Message: msg})
}

func (r *SMTPRelay) nextFailure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.fail) == 0 {
		return nil
	}
	f := r.fail[0]
	r.fail = r.fail[1:]
	return f
}

type relaySession struct {
	r   *SMTPRelay
	cur RelayMail
}

func (s *relaySession) Reset()        { s.cur = RelayMail{} }
func (s *relaySession) Logout() error { return nil }
func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.From = from
	return nil
}

func (s *relaySession) Rcpt(to string, o *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	if o != nil && len(s.cur.Notify) == 0 {
		for _, n := range o.Notify {
			s.cur.Notify = append(s.cur.Notify, string(n))
		}
	}
	return nil
}

func (s *relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.r.nextFailure(); err != nil {
		return err
	}
	s.cur.Data = b
	select {
	case s.r.Mail <- s.cur:
		return nil
	default:
		return errors.New("relay queue full")
	}
}

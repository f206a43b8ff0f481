// Command parley runs the Parley server and its administration commands.
//
//	parley serve                 start the server (embedded SQLite by default)
//	parley migrate               run database migrations and exit
//	parley user create --email … --password … --name … --workspace … --role admin|agent
//	parley user reset-link --email …   print a one-time password-reset link
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/httpapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "parley:", message(err))
		os.Exit(1)
	}
}

const usage = `usage:
  parley serve [--addr A] [--data-dir D] [--database-url U] [--public-url P]
  parley migrate [--data-dir D] [--database-url U]
  parley user create --email E --password P --name N --workspace W [--role admin|agent] [--data-dir D] [--database-url U]
  parley user reset-link --email E [--data-dir D] [--database-url U]
  parley openapi       (prints the API's OpenAPI 3.1 document; needs no database)`

// run runs the command in args. Help asked of a subcommand's flags is not an
// error: the flag set has printed the usage, and the exit status is 0.
func run(ctx context.Context, args []string) error {
	err := dispatch(ctx, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:])
	case "migrate":
		return migrate(ctx, args[1:])
	case "user":
		if len(args) < 2 {
			return errors.New(usage)
		}
		switch args[1] {
		case "create":
			return createUser(ctx, args[2:])
		case "reset-link":
			return resetLink(ctx, args[2:])
		}
		return errors.New(usage)
	case "openapi":
		doc, err := httpapi.Document()
		if err != nil {
			return err
		}
		var out bytes.Buffer
		if err := json.Indent(&out, doc, "", "  "); err != nil {
			return err
		}
		out.WriteByte('\n')
		_, err = os.Stdout.Write(out.Bytes())
		return err
	case "-h", "--help", "help":
		fmt.Println(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func logger(cfg *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(cfg.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func open(ctx context.Context, args []string) (*app.App, error) {
	cfg, err := config.Load(args)
	if err != nil {
		return nil, err
	}
	log := logger(cfg)
	slog.SetDefault(log)
	return app.New(ctx, cfg, app.Options{Logger: log, NoApp: false})
}

func serve(ctx context.Context, args []string) error {
	a, err := open(ctx, args)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Run(ctx)
}

func migrate(ctx context.Context, args []string) error {
	cfg, err := config.Load(args)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.Options{Logger: logger(cfg), NoApp: true})
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Println("migrations applied")
	return nil
}

func createUser(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("parley user create", flag.ContinueOnError)
	cfg, err := config.Bind(fs)
	if err != nil {
		return err
	}
	email := fs.String("email", "", "email address (required)")
	password := fs.String("password", "", "password, at least 8 characters (required)")
	name := fs.String("name", "", "display name (required)")
	ws := fs.String("workspace", "", "workspace name, matched without regard to case; created if missing (required)")
	role := fs.String("role", "agent", "admin or agent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), usage)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.Options{Logger: logger(cfg), NoApp: true})
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.CreateUser(ctx, *email, *password, *name, *ws, parley.Role(*role))
	if err != nil {
		return err
	}
	fmt.Printf("created user %s (%s) in workspace %q as %s\n", u.Email, u.ID, *ws, *role)
	return nil
}

// resetLink prints a one-time password-reset link for an account, valid
// for an hour: for someone whose workspaces' admins may not make one
// (they belong to several) while no email relay exists.
func resetLink(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("parley user reset-link", flag.ContinueOnError)
	cfg, err := config.Bind(fs)
	if err != nil {
		return err
	}
	email := fs.String("email", "", "email address of the account (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), usage)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.Options{Logger: logger(cfg), NoApp: true})
	if err != nil {
		return err
	}
	defer a.Close()
	l, err := a.Invites.OperatorReset(ctx, *email)
	if err != nil {
		return err
	}
	fmt.Printf("password-reset link for %s (works once, until %s):\n%s\n", *email, l.ExpiresAt.Format(time.RFC3339), l.Link)
	return nil
}

// message is what the CLI prints for err: a parley.Error's sentence, or
// the wrapped error.
func message(err error) string {
	if pe, ok := errors.AsType[*parley.Error](err); ok {
		if pe.Field != "" {
			return pe.Field + ": " + pe.Message
		}
		return pe.Message
	}
	return err.Error()
}

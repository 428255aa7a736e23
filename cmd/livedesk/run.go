package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

const usage = `Livedesk: a real-time admin dashboard for delivery businesses.

Usage:
  livedesk serve   [--addr 127.0.0.1:8080] [--db sqlite:livedesk.db] [--demo] [--timezone Asia/Kolkata]
                                                                               start the server
  livedesk migrate [--db ...]                                                  apply database migrations
  livedesk user create --email E --password P --role admin|vendor [--name N] [--db ...]
                                                                               add a user
  livedesk seed    [--db ...] [--customers 200] [--days 60]                    fill an empty database with demo data
  livedesk timezone [set ZONE] [--db ...]                                      show or change the business time zone
  livedesk backup  --db sqlite:PATH --out FILE                                 consistent copy of a running SQLite database
  livedesk epoch new [--db ...]                                                after a restore: dashboards reload their data
  livedesk version                                                             print the version
  livedesk help                                                                show this help

--db is sqlite:PATH (default sqlite:livedesk.db) or postgres://USER@HOST:PORT/DB.

Every setting can also come from a LIVEDESK_* environment variable
(e.g. LIVEDESK_ADDR, LIVEDESK_DB); run "livedesk COMMAND -h" for a command's flags.
`

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		err = migrate(ctx, rest, getenv, stdout, stderr)
	case "user":
		err = user(ctx, rest, getenv, stdout, stderr)
	case "seed":
		err = seed(ctx, rest, getenv, stdout, stderr)
	case "timezone":
		err = timezone(ctx, rest, getenv, stdout, stderr)
	case "backup":
		err = backup(ctx, rest, getenv, stdout, stderr)
	case "epoch":
		err = epochCmd(ctx, rest, getenv, stdout, stderr)
	case "version", "--version":
		err = version(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

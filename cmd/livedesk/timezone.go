package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/store"
)

// demoTimeZone is the demo business's zone: an Indian dairy and water round.
const demoTimeZone = "Asia/Kolkata"

// businessZone settles the business time zone of db at start: the first
// start stores configured (or fallback when none is configured); later
// starts use the stored zone, and refuse a configured zone that differs
// from it, since the dates already recorded are days of the stored zone.
func businessZone(ctx context.Context, db *store.DB, dsn, configured, fallback string) (*time.Location, error) {
	want := configured
	if want == "" {
		want = fallback
	}
	stored, err := db.InitTimeZone(ctx, want)
	if err != nil {
		return nil, fmt.Errorf("failed to settle the business time zone: %w", err)
	}
	if configured != "" && stored != configured {
		return nil, fmt.Errorf("--timezone %s: the database's business time zone is %s, and the dates it holds are days of %s. "+
			"Start with --timezone %s (or without --timezone), or change the zone of the database: stop every instance, run "+
			"`livedesk timezone set %s --db %s`, then start with --timezone %s (see docs/operations.md)",
			configured, stored, stored, stored, configured, redactDSN(dsn), configured)
	}
	loc, err := config.LoadZone(stored)
	if err != nil {
		return nil, fmt.Errorf("the database's business time zone %q: %w", stored, err)
	}
	db.SetLocation(loc)
	return loc, nil
}

const timezoneUsage = `usage: livedesk timezone [--db ...]              print the business time zone
       livedesk timezone set ZONE [--db ...]     change it (stop every instance first)`

// timezone runs `livedesk timezone [set ZONE]`.
func timezone(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	set := len(args) > 0 && args[0] == "set"
	if set {
		args = args[1:]
	}
	var zone string
	if set {
		if len(args) == 0 || len(args[0]) == 0 || args[0][0] == '-' {
			return errors.New(timezoneUsage)
		}
		zone, args = args[0], args[1:]
	}
	cfg := config.Default()
	fs, err := config.FlagSet("timezone", &cfg, getenv, stderr, "db")
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(timezoneUsage)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if !set {
		name, ok, err := db.GetSetting(ctx, store.SettingTimeZone)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintf(stdout, "No business time zone is stored yet: the first `livedesk serve` stores --timezone (default UTC).\n")
			return nil
		}
		fmt.Fprintf(stdout, "The business time zone is %s.\n", name)
		return nil
	}
	loc, err := config.LoadZone(zone)
	if err != nil {
		return fmt.Errorf("%q: %w", zone, err)
	}
	ch, err := db.ConvertTimeZone(ctx, loc)
	if err != nil {
		return fmt.Errorf("failed to change the business time zone: %w", err)
	}
	fmt.Fprintf(stdout, "The business time zone is now %s (was %s).\n", ch.To, ch.From)
	fmt.Fprintf(stdout, "%d recorded dates moved to another day (customers joined, payments received, deliveries delivered are days of %s now); "+
		"the days deliveries are scheduled for are kept.\n", ch.Rows, ch.To)
	fmt.Fprintf(stdout, "Start every instance with --timezone %s (or LIVEDESK_TIMEZONE=%s); one still running in %s refuses changes until restarted.\n", ch.To, ch.To, ch.From)
	return nil
}

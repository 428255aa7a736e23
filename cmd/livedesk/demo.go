package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/demo"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
)

// startDemo, with --demo, seeds an empty database with the demo business,
// prints the demo login, and runs the simulator until the returned stop is
// called (stop is safe to call more than once). Without --demo it does
// nothing.
func startDemo(ctx context.Context, cfg config.Config, svc *service.Services, stdout io.Writer, logger *slog.Logger) (stop func(), err error) {
	return startDemoSized(ctx, cfg, demo.DefaultConfig(), svc, stdout, logger)
}

// startDemoSized is startDemo with a demo business of the given size.
func startDemoSized(ctx context.Context, cfg config.Config, size demo.Config, svc *service.Services, stdout io.Writer, logger *slog.Logger) (stop func(), err error) {
	if !cfg.Demo {
		return func() {}, nil
	}
	if err := seedDemo(ctx, svc, size, stdout, logger); err != nil && !errors.Is(err, demo.ErrNotEmpty) {
		return nil, err
	} else if err != nil {
		if err := checkDemoDB(ctx, svc); err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "Demo: the database already has data from the demo, so nothing was seeded (log in with %s / %s).\n", demo.AdminEmail, demo.Password)
	}
	sctx, cancel := context.WithCancel(ctx)
	sim := demo.NewSimulator(svc, newRand(), logger.With("component", "demo"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = sim.Run(sctx)
	}()
	logger.Info("demo simulator running")
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}, nil
}

// checkDemoDB refuses a database that has users but was not seeded as a
// demo: the simulator changes deliveries and balances at random, never on
// a real business's data.
func checkDemoDB(ctx context.Context, svc *service.Services) error {
	_, n, err := svc.Users.FindUsers(domain.WithActor(ctx, domain.SystemActor()), domain.UserFilter{Page: domain.Page{Limit: 1}})
	if err != nil || n == 0 {
		return err
	}
	if ok, err := demo.IsDemo(ctx, svc); err != nil || ok {
		return err
	}
	return errors.New("--demo: the database has data and was not seeded as a demo; the simulator would change real records. " +
		"Start without --demo, or give --demo a new database (e.g. --db sqlite:demo.db)")
}

// seedDemo seeds the demo business and prints its login.
func seedDemo(ctx context.Context, svc *service.Services, size demo.Config, stdout io.Writer, logger *slog.Logger) error {
	fmt.Fprintf(stdout, "Seeding demo data (vendors, %d customers, %d days of deliveries and payments)...\n", size.Customers, size.Days)
	start := time.Now()
	login, err := demo.SeedWith(ctx, svc, newRand(), size)
	if err != nil {
		return err
	}
	logger.Info("demo data seeded", "took", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "Demo login: %s / %s\n", login.Email, login.Password)
	if len(login.Vendors) > 0 {
		fmt.Fprintf(stdout, "Demo vendors (same password): %s\n", strings.Join(login.Vendors, ", "))
	}
	return nil
}

func newRand() *rand.Rand {
	return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
}

// seed fills an empty database with the demo business.
func seed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := config.Default()
	fs, err := config.FlagSet("seed", &cfg, getenv, stderr, "db", "log-format", "log-level", "timezone")
	if err != nil {
		return err
	}
	size := demo.DefaultConfig()
	fs.IntVar(&size.Customers, "customers", size.Customers, "how many customers the demo business has")
	fs.IntVar(&size.Days, "days", size.Days, "days of history before today")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if size.Customers < 1 || size.Days < 0 || size.Days > 3660 {
		return errors.New("--customers must be at least 1 and --days between 0 and 3660")
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := businessZone(ctx, db, cfg.DB, cfg.TimeZone, demoTimeZone); err != nil {
		return err
	}
	err = seedDemo(ctx, service.New(db, service.Options{}), size, stdout, newLogger(cfg, stderr))
	if errors.Is(err, demo.ErrNotEmpty) {
		return errors.New("the database is not empty: seed only fills a new database (use another --db)")
	}
	return err
}

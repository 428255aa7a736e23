package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store"
)

// migrate applies the database migrations and says where the schema is.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := config.Default()
	fs, err := config.FlagSet("migrate", &cfg, getenv, stderr, "db")
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	// Opening a database applies its pending migrations.
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	ms, err := store.Migrations(db.Dialect().Name)
	if err != nil {
		return err
	}
	version := 0
	if len(ms) > 0 {
		version = ms[len(ms)-1].Version
	}
	fmt.Fprintf(stdout, "Database %s is at schema version %d (%d migrations).\n", redactDSN(cfg.DB), version, len(ms))
	return nil
}

// user runs `livedesk user create`.
func user(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(`usage: livedesk user create --email E --password P --role admin|vendor [--name N] [--db ...]`)
	}
	cfg := config.Default()
	fs, err := config.FlagSet("user create", &cfg, getenv, stderr, "db")
	if err != nil {
		return err
	}
	var in domain.UserCreate
	fs.StringVar(&in.Email, "email", "", "the user's email, used to log in")
	fs.StringVar(&in.Password, "password", "", "the password, 8 to 72 bytes (or env LIVEDESK_USER_PASSWORD, which keeps it out of process listings)")
	fs.StringVar((*string)(&in.Role), "role", "", "admin or vendor")
	fs.StringVar(&in.Name, "name", "", "display name (default: the part of the email before @)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if in.Password == "" {
		in.Password = getenv("LIVEDESK_USER_PASSWORD")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := service.New(db, service.Options{})
	u, err := svc.Users.CreateUser(domain.WithActor(ctx, domain.SystemActor()), in)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Field != "" {
			return fmt.Errorf("--%s: %s", de.Field, de.Message)
		}
		return fmt.Errorf("failed to create user: %w", err)
	}
	fmt.Fprintf(stdout, "Created %s %s <%s> (id %d).\n", u.Role, u.Name, u.Email, u.ID)
	return nil
}

// version prints the build's version.
func version(stdout io.Writer) error {
	v, rev := "(devel)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	fmt.Fprintf(stdout, "livedesk %s%s %s %s/%s\n", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

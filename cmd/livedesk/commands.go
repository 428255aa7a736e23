package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

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

// userUsage is the help of `livedesk user`.
const userUsage = `usage:
  livedesk user create --email E --password P --role admin|vendor [--name N] [--customers-of EMAIL] [--db ...]
  livedesk user create --email E --password P --role staff --vendor-id N [--area-ids 1,2] [--shifts morning,evening] [--name N] [--db ...]
  livedesk user password --email E --password P [--db ...]
(the password may come from env LIVEDESK_USER_PASSWORD instead)`

// user runs `livedesk user create` and `livedesk user password`.
//
// A vendor is a user: its business is the customers whose vendor it is
// (customers.vendor_id), with their deliveries, payments and ledgers. So
// "attaching a login to an existing vendor business" is one of:
//   - a staff login working for that vendor: `user create --role staff
//     --vendor-id N` (the vendor's delivery staff, limited to their areas);
//   - signing in as that vendor: set its password with `user password`;
//   - handing its customers to a new vendor login: `user create --role
//     vendor --customers-of EMAIL` moves every customer of that vendor (each
//     move in the event log, as PATCH /api/customers/{id} would).
func user(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "password") {
		return errors.New(userUsage)
	}
	cfg := config.Default()
	fs, err := config.FlagSet("user "+args[0], &cfg, getenv, stderr, "db")
	if err != nil {
		return err
	}
	var in domain.UserCreate
	var customersOf, areaIDs, shifts string
	fs.StringVar(&in.Email, "email", "", "the user's email, used to log in")
	fs.StringVar(&in.Password, "password", "", "the password, 8 to 72 bytes (or env LIVEDESK_USER_PASSWORD, which keeps it out of process listings)")
	if args[0] == "create" {
		fs.StringVar((*string)(&in.Role), "role", "", "admin, vendor or staff")
		fs.StringVar(&in.Name, "name", "", "display name (default: the part of the email before @)")
		fs.Int64Var(&in.VendorID, "vendor-id", 0, "staff only (required): the vendor the staff member works for")
		fs.StringVar(&areaIDs, "area-ids", "", "staff only: the vendor's areas they work, comma-separated ids (none: an empty round until assigned)")
		fs.StringVar(&shifts, "shifts", "", "staff only: morning, evening or morning,evening (default both)")
		fs.StringVar(&customersOf, "customers-of", "", "vendors only: move every customer of this existing vendor (by email) to the new vendor")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	for _, p := range strings.FieldsFunc(areaIDs, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("--area-ids: %q is not an area id", p)
		}
		in.AreaIDs = append(in.AreaIDs, id)
	}
	for _, p := range strings.FieldsFunc(shifts, func(r rune) bool { return r == ',' || r == ' ' }) {
		in.Shifts = append(in.Shifts, domain.Shift(p))
	}
	if in.Password == "" {
		in.Password = getenv("LIVEDESK_USER_PASSWORD")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if customersOf != "" && in.Role != domain.RoleVendor {
		return errors.New("--customers-of: only a vendor takes over another vendor's customers (use --role vendor)")
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := service.New(db, service.Options{})
	ctx = domain.WithActor(ctx, domain.SystemActor())
	flagErr := func(err error, what string) error {
		var de *domain.Error
		if errors.As(err, &de) && de.Field != "" {
			flag := map[string]string{"vendorId": "vendor-id", "areaIds": "area-ids"}[de.Field]
			if flag == "" {
				flag = de.Field
			}
			return fmt.Errorf("--%s: %s", flag, de.Message)
		}
		return fmt.Errorf("failed to %s: %w", what, err)
	}
	if args[0] == "password" {
		u, err := userByEmail(ctx, svc, in.Email)
		if err != nil {
			return err
		}
		if _, err := svc.Users.UpdateUser(ctx, u.ID, domain.UserUpdate{Password: &in.Password}); err != nil {
			return flagErr(err, "set the password")
		}
		fmt.Fprintf(stdout, "Set a new password for %s %s <%s> (id %d); their sessions are signed out.\n", u.Role, u.Name, u.Email, u.ID)
		return nil
	}
	var from *domain.User
	if customersOf != "" {
		if from, err = userByEmail(ctx, svc, customersOf); err != nil {
			return fmt.Errorf("--customers-of: %w", err)
		}
		if from.Role != domain.RoleVendor {
			return fmt.Errorf("--customers-of: %s is an %s, not a vendor", from.Email, from.Role)
		}
	}
	var u *domain.User
	moved := 0
	// One transaction: the new vendor and the moves all happen, or none.
	err = svc.Batch(ctx, func(ctx context.Context) error {
		var err error
		if u, err = svc.Users.CreateUser(ctx, in); err != nil {
			return err
		}
		if from == nil {
			return nil
		}
		for {
			cs, _, err := svc.Customers.FindCustomers(ctx, domain.CustomerFilter{VendorID: from.ID, Page: domain.Page{Limit: 500}})
			if err != nil {
				return fmt.Errorf("failed to list the customers of %s: %w", from.Email, err)
			}
			if len(cs) == 0 {
				return nil
			}
			for _, c := range cs {
				if _, err := svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{VendorID: &u.ID}); err != nil {
					return fmt.Errorf("failed to move customer %d: %w", c.ID, err)
				}
				moved++
			}
		}
	})
	if err != nil {
		// A field's error names the flag (a batch may report it at commit).
		return flagErr(err, "create user")
	}
	fmt.Fprintf(stdout, "Created %s %s <%s> (id %d).\n", u.Role, u.Name, u.Email, u.ID)
	if from != nil {
		fmt.Fprintf(stdout, "Moved %d customers of %s <%s> to it.\n", moved, from.Name, from.Email)
	}
	return nil
}

// userByEmail finds the user with exactly this email.
func userByEmail(ctx context.Context, svc *service.Services, email string) (*domain.User, error) {
	want := strings.ToLower(strings.TrimSpace(email))
	if want == "" {
		return nil, errors.New("--email is required")
	}
	us, _, err := svc.Users.FindUsers(ctx, domain.UserFilter{Search: want, Page: domain.Page{Limit: 500}})
	if err != nil {
		return nil, fmt.Errorf("failed to find %s: %w", want, err)
	}
	for _, u := range us {
		if strings.EqualFold(u.Email, want) {
			return u, nil
		}
	}
	return nil, fmt.Errorf("no user with email %s", want)
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

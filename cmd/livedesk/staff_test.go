package main

import (
	"strings"
	"testing"
)

// TestUserCreateStaff: `livedesk user create --role staff --vendor-id N`
// adds a staff member of an existing vendor, and refuses staff without a
// vendor, with an unknown vendor or with a shift that does not exist,
// naming the flag.
func TestUserCreateStaff(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			db := dbURL(t, kind)
			create := func(extra ...string) (string, error) {
				return runCmd(t, append([]string{"user", "create", "--db", db, "--password", "long-enough-password"}, extra...)...)
			}
			if out, err := create("--email", "owner@dairy.test", "--role", "admin"); err != nil {
				t.Fatalf("create admin: %v\n%s", err, out)
			}
			out, err := create("--email", "vendor@dairy.test", "--role", "vendor")
			if err != nil || !strings.Contains(out, "(id 2)") {
				t.Fatalf("create vendor: %v\n%s", err, out)
			}
			out, err = create("--email", "priya@dairy.test", "--name", "Priya", "--role", "staff", "--vendor-id", "2", "--shifts", "morning")
			if err != nil || !strings.Contains(out, "Created staff Priya <priya@dairy.test>") {
				t.Fatalf("create staff: %v\n%s", err, out)
			}
			for _, tt := range []struct {
				args []string
				want string
			}{
				{[]string{"--email", "x@dairy.test", "--role", "staff"}, "--vendor-id: vendorId is required for staff"},
				{[]string{"--email", "x@dairy.test", "--role", "staff", "--vendor-id", "1"}, "--vendor-id: vendor 1 does not exist"},
				{[]string{"--email", "x@dairy.test", "--role", "staff", "--vendor-id", "2", "--shifts", "night"}, "--shifts:"},
				{[]string{"--email", "x@dairy.test", "--role", "staff", "--vendor-id", "2", "--area-ids", "9"}, "--area-ids: area 9 is not an area of vendor 2"},
				{[]string{"--email", "x@dairy.test", "--role", "vendor", "--vendor-id", "2"}, "--vendor-id: only staff belong to a vendor"},
			} {
				if out, err := create(tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("user create %v = %v (%s), want an error with %q", tt.args, err, out, tt.want)
				}
			}
		})
	}
}

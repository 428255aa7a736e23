package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

const userColumns = `id, email, name, role, status, password_hash, last_seen_at, created_at, updated_at, vendor_id, shifts`

// lastSeenResolution bounds how often TouchLastSeen writes for one user.
const lastSeenResolution = time.Minute

func scanUser(sc scanner) (*domain.User, error) {
	var u domain.User
	var lastSeen sql.NullInt64
	var created, updated int64
	var vendorID sql.NullInt64
	var shifts string
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Status, &u.PasswordHash, &lastSeen, &created, &updated, &vendorID, &shifts); err != nil {
		return nil, err
	}
	u.VendorID, u.Shifts = vendorID.Int64, parseShifts(shifts)
	if lastSeen.Valid {
		t := fromMicros(lastSeen.Int64)
		u.LastSeenAt = &t
	}
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &u, nil
}

func findUser(ctx context.Context, tx *store.Tx, id int64) (*domain.User, error) {
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read user %d: %w", id, err)
	}
	return u, nil
}

// FindUserByID returns a user: admins read anyone, vendors themselves and
// their staff, staff themselves.
func (s *service) FindUserByID(ctx context.Context, id int64) (*domain.User, error) {
	a, err := roundActor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() && a.UserID != id && a.Role != domain.RoleVendor {
		return nil, domain.Errorf(domain.CodeForbidden, "only admins can read other users")
	}
	var u *domain.User
	err = s.read(ctx, func(tx *store.Tx) error {
		if u, err = findUser(ctx, tx, id); err != nil {
			return err
		}
		if a.Role == domain.RoleVendor && a.UserID != id && u.VendorID != a.UserID {
			return domain.Errorf(domain.CodeForbidden, "vendors can read their own staff only")
		}
		return fillStaffAreas(ctx, tx, u)
	})
	return u, err
}

// FindUsers lists users, ordered by name: admins list everyone, vendors
// their own staff.
func (s *service) FindUsers(ctx context.Context, f domain.UserFilter) ([]*domain.User, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !a.IsAdmin() && a.Role != domain.RoleVendor {
		return nil, 0, domain.Errorf(domain.CodeForbidden, "only admins can manage users")
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, 0, domain.Invalid("role", "unknown role %q", f.Role)
	}
	if err := checkSearch(f.Search); err != nil {
		return nil, 0, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, domain.Invalid("status", "unknown status %q", f.Status)
	}
	p := f.Page.Normalize()
	where := ` WHERE 1=1`
	var args []any
	if !a.IsAdmin() {
		where += ` AND role = 'staff' AND vendor_id = ?`
		args = append(args, a.UserID)
	}
	if f.Role != "" {
		where += ` AND role = ?`
		args = append(args, f.Role)
	}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, f.Status)
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		like := s.db.Dialect().ILike
		where += ` AND (name ` + like + ` ? ESCAPE '\' OR email ` + like + ` ? ESCAPE '\')`
		pat := likePattern(q)
		args = append(args, pat, pat)
	}
	users, total, err := listPage(ctx, s, pageQuery{
		what: "users", args: args, order: "name, id",
		count: `SELECT COUNT(*) FROM users` + where,
		list:  `SELECT ` + userColumns + ` FROM users` + where,
	}, p, scanUser)
	if err != nil {
		return nil, 0, err
	}
	if err := s.read(ctx, func(tx *store.Tx) error { return fillStaffAreas(ctx, tx, users...) }); err != nil {
		return nil, 0, err
	}
	return users, total, nil
}

// CreateUser adds an admin, a vendor or a staff member (admins), or a
// staff member of the calling vendor (vendors).
func (s *service) CreateUser(ctx context.Context, in domain.UserCreate) (*domain.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() {
		if a.Role != domain.RoleVendor || in.Role != domain.RoleStaff {
			return nil, domain.Errorf(domain.CodeForbidden, "only admins can manage users; vendors add their own staff")
		}
		if in.VendorID == 0 {
			in.VendorID = a.UserID
		}
		if in.VendorID != a.UserID {
			return nil, &domain.Error{Code: domain.CodeForbidden, Field: "vendorId", Message: "vendors add staff of their own only"}
		}
	}
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if len(name) > 200 {
		return nil, domain.Invalid("name", "name must be at most 200 characters")
	}
	if err := checkText("name", name, false); err != nil {
		return nil, err
	}
	if !in.Role.Valid() {
		return nil, domain.Invalid("role", "role must be admin, vendor or staff")
	}
	if in.Role == domain.RoleStaff {
		if in.VendorID <= 0 {
			return nil, domain.Invalid("vendorId", "vendorId is required for staff")
		}
		if in.Shifts, err = normalizeShifts(in.Shifts); err != nil {
			return nil, err
		}
	} else {
		switch {
		case in.VendorID != 0:
			return nil, domain.Invalid("vendorId", "only staff belong to a vendor")
		case len(in.AreaIDs) != 0:
			return nil, domain.Invalid("areaIds", "only staff are assigned areas")
		case len(in.Shifts) != 0:
			return nil, domain.Invalid("shifts", "only staff are assigned shifts")
		}
	}
	if err := validatePassword(in.Password); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := &domain.User{Email: email, Name: name, Role: in.Role, Status: domain.UserActive, PasswordHash: hash,
		VendorID: in.VendorID, AreaIDs: in.AreaIDs, Shifts: in.Shifts}
	// The password stays out of the fingerprint, which is kept for days.
	fp := in
	fp.Password = ""
	err = s.writeOnce(ctx, "user.create", fp, &u, func(tx *store.Tx) error {
		now := s.stamp(tx)
		u.CreatedAt, u.UpdatedAt = now, now
		if u.Role == domain.RoleStaff {
			if err := checkStaffVendor(ctx, tx, u.VendorID); err != nil {
				return err
			}
			if err := checkStaffAreas(ctx, tx, u.VendorID, u.AreaIDs); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO users (email, name, role, status, password_hash, created_at, updated_at, vendor_id, shifts)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Email, u.Name, u.Role, u.Status, u.PasswordHash, micros(now), micros(now), nullID(u.VendorID), formatShifts(u.Shifts)).Scan(&u.ID); err != nil {
			return fmt.Errorf("failed to insert user: %w", err)
		}
		if u.Role == domain.RoleStaff {
			if err := setStaffAreas(ctx, tx, u.ID, u.AreaIDs); err != nil {
				return err
			}
		}
		sec := []*domain.SecurityEvent{{
			Kind: domain.SecurityUserCreated, UserID: u.ID, Email: u.Email,
			Detail: fmt.Sprintf("%s %s created by %s (user %d)", roleLabel(u.Role), u.Name, a.Name, a.UserID),
		}}
		summary := fmt.Sprintf("%s %s (%s) added by %s", roleLabel(u.Role), u.Name, u.Email, a.Name)
		return userEntry(ctx, tx, a, now, domain.ActionUserCreated, u, summary, map[string]any{"user": u}, sec)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func roleLabel(r domain.Role) string {
	switch r {
	case domain.RoleAdmin:
		return "Admin"
	case domain.RoleStaff:
		return "Staff member"
	}
	return "Vendor"
}

// checkStaffVendor checks that staff are added to an active vendor.
func checkStaffVendor(ctx context.Context, tx *store.Tx, vendorID int64) error {
	v, err := findUser(ctx, tx, vendorID)
	if domain.ErrorCode(err) == domain.CodeNotFound || (err == nil && v.Role != domain.RoleVendor) {
		return domain.Invalid("vendorId", "vendor %d does not exist", vendorID)
	}
	if err != nil {
		return err
	}
	if v.Status != domain.UserActive {
		return domain.Invalid("vendorId", "vendor %d is suspended", vendorID)
	}
	return nil
}

// userVendorID is the vendor an event about u is shown to: none. Account
// changes are for admins only, over REST and sockets alike; a vendor whose
// account changes is disconnected or refused, which tells it enough.
func userVendorID(*domain.User) int64 { return 0 }

// UpdateUser changes a user (admins only). An admin cannot suspend or
// demote itself, so that there is always someone able to undo a change.
//
// A vendor changes its own staff only (name, password, status, areas and
// shifts), never their role. No one changes a user to or from staff: a
// staff login is a separate account.
func (s *service) UpdateUser(ctx context.Context, id int64, in domain.UserUpdate) (*domain.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() && a.Role != domain.RoleVendor {
		return nil, domain.Errorf(domain.CodeForbidden, "only admins can manage users")
	}
	if !a.IsAdmin() && in.Role != nil {
		return nil, domain.Errorf(domain.CodeForbidden, "vendors cannot change roles")
	}
	var name string
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
		if name == "" {
			return nil, domain.Invalid("name", "name is required")
		}
		if len(name) > 200 {
			return nil, domain.Invalid("name", "name must be at most 200 characters")
		}
		if err := checkText("name", name, false); err != nil {
			return nil, err
		}
	}
	if in.Role != nil && !in.Role.Valid() {
		return nil, domain.Invalid("role", "role must be admin, vendor or staff")
	}
	if in.Shifts != nil {
		sh, err := normalizeShifts(*in.Shifts)
		if err != nil {
			return nil, err
		}
		in.Shifts = &sh
	}
	if in.Status != nil && !in.Status.Valid() {
		return nil, domain.Invalid("status", "status must be active or suspended")
	}
	if id == a.UserID {
		if in.Status != nil && *in.Status != domain.UserActive {
			return nil, domain.Invalid("status", "you cannot suspend yourself")
		}
		if in.Role != nil && *in.Role != domain.RoleAdmin {
			return nil, domain.Invalid("role", "you cannot remove your own admin role")
		}
	}
	var hash string
	if in.Password != nil {
		if err := validatePassword(*in.Password); err != nil {
			return nil, err
		}
		var err error
		if hash, err = s.hashPassword(*in.Password); err != nil {
			return nil, err
		}
	}
	var u *domain.User
	// The password stays out of the fingerprint, which is kept for days.
	fp := struct {
		ID int64 `json:"id"`
		domain.UserUpdate
		PasswordSet bool `json:"passwordSet"`
	}{id, in, in.Password != nil}
	fp.Password = nil
	err = s.writeOnce(ctx, "user.update", fp, &u, func(tx *store.Tx) error {
		now := s.stamp(tx)
		var err error
		if u, err = findUser(ctx, tx, id); err != nil {
			return err
		}
		if !a.IsAdmin() && (u.Role != domain.RoleStaff || u.VendorID != a.UserID) {
			return domain.Errorf(domain.CodeForbidden, "vendors change their own staff only")
		}
		if err := fillStaffAreas(ctx, tx, u); err != nil {
			return err
		}
		if in.Role != nil && *in.Role != u.Role && (*in.Role == domain.RoleStaff || u.Role == domain.RoleStaff) {
			return domain.Invalid("role", "a user cannot become or stop being staff; add a staff account instead")
		}
		if u.Role != domain.RoleStaff && (in.AreaIDs != nil || in.Shifts != nil) {
			return domain.Invalid("areaIds", "only staff are assigned areas and shifts")
		}
		var changes []string
		was := *u
		if in.AreaIDs != nil && !slices.Equal(sortedIDs(*in.AreaIDs), u.AreaIDs) {
			if err := checkStaffAreas(ctx, tx, u.VendorID, *in.AreaIDs); err != nil {
				return err
			}
			if err := setStaffAreas(ctx, tx, u.ID, *in.AreaIDs); err != nil {
				return err
			}
			u.AreaIDs = sortedIDs(*in.AreaIDs)
			changes = append(changes, "areas")
		}
		if in.Shifts != nil && !slices.Equal(*in.Shifts, u.Shifts) {
			u.Shifts = *in.Shifts
			changes = append(changes, "shifts")
		}
		if in.Name != nil && name != u.Name {
			u.Name = name
			changes = append(changes, "name")
		}
		if in.Role != nil && *in.Role != u.Role {
			if u.Role == domain.RoleVendor {
				var n int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM customers WHERE vendor_id = ?`, id).Scan(&n); err != nil {
					return fmt.Errorf("failed to count vendor customers: %w", err)
				}
				if n > 0 {
					return domain.Invalid("role", "this vendor still serves %d customers; move them first", n)
				}
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE vendor_id = ? AND status = 'active'`, id).Scan(&n); err != nil {
					return fmt.Errorf("failed to count vendor staff: %w", err)
				}
				if n > 0 {
					return domain.Invalid("role", "this vendor still has %d active staff; suspend them first", n)
				}
			}
			u.Role = *in.Role
			changes = append(changes, "role")
		}
		if in.Status != nil && *in.Status != u.Status {
			u.Status = *in.Status
			changes = append(changes, "status")
		}
		if hash != "" {
			u.PasswordHash = hash
			changes = append(changes, "password")
		}
		if len(changes) == 0 {
			return nil // nothing changed: no write, no event
		}
		u.UpdatedAt = now
		if _, err := tx.Exec(ctx, `UPDATE users SET name = ?, role = ?, status = ?, password_hash = ?, shifts = ?, updated_at = ? WHERE id = ?`,
			u.Name, u.Role, u.Status, u.PasswordHash, formatShifts(u.Shifts), micros(now), id); err != nil {
			return fmt.Errorf("failed to update user: %w", err)
		}
		// A new password, a suspension, a reactivation or a new role ends
		// every session of the user, in this transaction: the old tokens are
		// refused from the next request on, and the hub disconnects the
		// user's sockets when it reads the event (sessionsRevoked).
		sec := userChangeEvents(a, &was, u, changes)
		var revokedSessions bool
		if reason := sessionChange(changes, u.Status); reason != "" {
			e, err := revokeUserSessions(ctx, tx, a, u.ID, reason, now)
			if err != nil {
				return err
			}
			sec = append(sec, e)
			revokedSessions = true
		}
		var summary string
		switch {
		case len(changes) == 1 && changes[0] == "status" && u.Status == domain.UserSuspended:
			summary = fmt.Sprintf("%s %s suspended by %s", roleLabel(u.Role), u.Name, a.Name)
		case len(changes) == 1 && changes[0] == "status":
			summary = fmt.Sprintf("%s %s reactivated by %s", roleLabel(u.Role), u.Name, a.Name)
		default:
			summary = fmt.Sprintf("%s %s updated by %s (%s)", roleLabel(u.Role), u.Name, a.Name, strings.Join(changes, ", "))
		}
		payload := map[string]any{"user": u}
		if revokedSessions {
			payload["sessionsRevoked"] = true
		}
		return userEntry(ctx, tx, a, now, domain.ActionUserUpdated, u, summary, payload, sec)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// sessionChange returns why a change to a user ends its sessions, or "".
// A password reset ends them so that whoever knew the old password (or
// holds a token obtained with it) is out; a suspension so that the user is
// out at once; a reactivation so that tokens from before the suspension do
// not come back; a role change so that no token or socket keeps the old
// role's view.
func sessionChange(changes []string, status domain.UserStatus) string {
	for _, c := range changes {
		switch c {
		case "password":
			return domain.SessionPassword
		case "role":
			return domain.SessionRoleChanged
		}
	}
	for _, c := range changes {
		if c == "status" {
			if status == domain.UserSuspended {
				return domain.SessionSuspended
			}
			return domain.SessionReactivated
		}
	}
	return ""
}

// TouchLastSeen records activity of a user (itself, or any user for
// admins). It writes at most once a minute per user and appends no event:
// presence is the real-time layer's business, not the log's.
func (s *service) TouchLastSeen(ctx context.Context, id int64) error {
	a, err := roundActor(ctx)
	if err != nil {
		return err
	}
	if !a.IsAdmin() && a.UserID != id {
		return domain.Errorf(domain.CodeForbidden, "cannot touch another user")
	}
	return s.write(ctx, func(tx *store.Tx) error {
		now := s.stamp(tx)
		if _, err := tx.Exec(ctx, `UPDATE users SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)`,
			micros(now), id, micros(now.Add(-lastSeenResolution))); err != nil {
			return fmt.Errorf("failed to update last seen: %w", err)
		}
		return nil
	})
}

// likePattern escapes q for a LIKE ... ESCAPE '\' substring match.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

// sortedIDs returns a sorted copy of ids.
func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// userChangeEvents returns the security events of an account change:
// password_changed, role_changed, status_changed (a name change is not
// one). The new password is never part of them.
func userChangeEvents(a *domain.Actor, was, u *domain.User, changes []string) []*domain.SecurityEvent {
	by := fmt.Sprintf("by %s (user %d)", a.Name, a.UserID)
	var out []*domain.SecurityEvent
	for _, c := range changes {
		e := &domain.SecurityEvent{UserID: u.ID, Email: u.Email}
		switch c {
		case "password":
			e.Kind, e.Detail = domain.SecurityPasswordChanged, "password set "+by
		case "role":
			e.Kind, e.Detail = domain.SecurityRoleChanged, fmt.Sprintf("role %s → %s %s", was.Role, u.Role, by)
		case "status":
			e.Kind, e.Detail = domain.SecurityStatusChanged, fmt.Sprintf("status %s → %s %s", was.Status, u.Status, by)
		default:
			continue
		}
		out = append(out, e)
	}
	return out
}

// userEntry appends the user.* log entry of an account change, carrying
// its security events (payload "security"), and keeps their rows with
// the entry's seq.
func userEntry(ctx context.Context, tx *store.Tx, a *domain.Actor, now time.Time, action string, u *domain.User, summary string, payload map[string]any, sec []*domain.SecurityEvent) error {
	for _, e := range sec {
		prepareSecurity(ctx, e, now)
		if e.Email == "" {
			e.Email = u.Email
		}
	}
	if len(sec) > 0 {
		payload["security"] = sec
	}
	if err := appendEvent(ctx, tx, a, now, action, domain.EntityUser, u.ID, userVendorID(u), summary, payload); err != nil {
		return err
	}
	return keepSecurityRows(ctx, tx, sec)
}

package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
	"golang.org/x/crypto/bcrypt"
)

// dummyHash is compared against when an email is unknown, so that a login
// attempt takes about as long whether or not the account exists. It is a
// constant (a bcrypt hash at the default cost of a password nobody has) to
// spare every program start the cost of hashing.
const dummyHash = "$2a$10$YM2SwNzYifzNdD/iNRAU9OMU99Ykwxrdkm.fAA3ll8bLI1IqSvFzG"

const userColumns = `id, email, name, role, status, password_hash, last_seen_at, created_at, updated_at`

// lastSeenResolution bounds how often TouchLastSeen writes for one user.
const lastSeenResolution = time.Minute

func scanUser(sc scanner) (*domain.User, error) {
	var u domain.User
	var lastSeen sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Status, &u.PasswordHash, &lastSeen, &created, &updated); err != nil {
		return nil, err
	}
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

// FindUserByID returns a user: admins read anyone, other users themselves.
func (s *service) FindUserByID(ctx context.Context, id int64) (*domain.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() && a.UserID != id {
		return nil, domain.Errorf(domain.CodeForbidden, "only admins can read other users")
	}
	var u *domain.User
	err = s.read(ctx, func(tx *store.Tx) error {
		u, err = findUser(ctx, tx, id)
		return err
	})
	return u, err
}

// FindUsers lists users (admins only), ordered by name.
func (s *service) FindUsers(ctx context.Context, f domain.UserFilter) ([]*domain.User, int, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, 0, err
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, 0, domain.Invalid("role", "unknown role %q", f.Role)
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, domain.Invalid("status", "unknown status %q", f.Status)
	}
	p := f.Page.Normalize()
	where := ` WHERE 1=1`
	var args []any
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
	return listPage(ctx, s, pageQuery{
		what: "users", args: args, order: "name, id",
		count: `SELECT COUNT(*) FROM users` + where,
		list:  `SELECT ` + userColumns + ` FROM users` + where,
	}, p, scanUser)
}

func requireAdmin(ctx context.Context) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return domain.Errorf(domain.CodeForbidden, "only admins can manage users")
	}
	return nil
}

func normalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", domain.Invalid("email", "email is required")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		return "", domain.Invalid("email", "email is not a valid address")
	}
	return email, nil
}

func validatePassword(pw string) error {
	if len(pw) < 8 {
		return domain.Invalid("password", "password must be at least 8 characters")
	}
	if len(pw) > 72 {
		return domain.Invalid("password", "password must be at most 72 bytes")
	}
	return nil
}

func (s *service) hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), s.opts.PasswordCost)
	if err != nil {
		return "", fmt.Errorf("failed to hash password: %w", err)
	}
	return string(h), nil
}

// CreateUser adds an admin or a vendor (admins only).
func (s *service) CreateUser(ctx context.Context, in domain.UserCreate) (*domain.User, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	a := domain.ActorFrom(ctx)
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
	if !in.Role.Valid() {
		return nil, domain.Invalid("role", "role must be admin or vendor")
	}
	if err := validatePassword(in.Password); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	now := s.now()
	u := &domain.User{Email: email, Name: name, Role: in.Role, Status: domain.UserActive, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO users (email, name, role, status, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Email, u.Name, u.Role, u.Status, u.PasswordHash, micros(now), micros(now)).Scan(&u.ID); err != nil {
			return fmt.Errorf("failed to insert user: %w", err)
		}
		summary := fmt.Sprintf("%s %s (%s) added by %s", roleLabel(u.Role), u.Name, u.Email, a.Name)
		return appendEvent(ctx, tx, a, now, domain.ActionUserCreated, domain.EntityUser, u.ID, userVendorID(u), summary, map[string]any{"user": u})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func roleLabel(r domain.Role) string {
	if r == domain.RoleAdmin {
		return "Admin"
	}
	return "Vendor"
}

// userVendorID is the vendor an event about u is shown to: none. Account
// changes are for admins only, over REST and sockets alike; a vendor whose
// account changes is disconnected or refused, which tells it enough.
func userVendorID(*domain.User) int64 { return 0 }

// UpdateUser changes a user (admins only). An admin cannot suspend or
// demote itself, so that there is always someone able to undo a change.
func (s *service) UpdateUser(ctx context.Context, id int64, in domain.UserUpdate) (*domain.User, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	a := domain.ActorFrom(ctx)
	var name string
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
		if name == "" {
			return nil, domain.Invalid("name", "name is required")
		}
		if len(name) > 200 {
			return nil, domain.Invalid("name", "name must be at most 200 characters")
		}
	}
	if in.Role != nil && !in.Role.Valid() {
		return nil, domain.Invalid("role", "role must be admin or vendor")
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
	now := s.now()
	var u *domain.User
	err := s.write(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = findUser(ctx, tx, id); err != nil {
			return err
		}
		var changes []string
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
		if _, err := tx.Exec(ctx, `UPDATE users SET name = ?, role = ?, status = ?, password_hash = ?, updated_at = ? WHERE id = ?`,
			u.Name, u.Role, u.Status, u.PasswordHash, micros(now), id); err != nil {
			return fmt.Errorf("failed to update user: %w", err)
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
		return appendEvent(ctx, tx, a, now, domain.ActionUserUpdated, domain.EntityUser, u.ID, userVendorID(u), summary, map[string]any{"user": u})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Authenticate checks credentials; it needs no actor.
func (s *service) Authenticate(ctx context.Context, email, password string) (*domain.User, error) {
	bad := domain.Errorf(domain.CodeUnauthorized, "invalid email or password")
	email = strings.ToLower(strings.TrimSpace(email))
	var u *domain.User
	err := s.read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
		if errors.Is(err, sql.ErrNoRows) {
			u = nil
			return nil
		}
		if err != nil {
			return fmt.Errorf("failed to read user: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if u == nil {
		_ = bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
		return nil, bad
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Status != domain.UserActive {
		return nil, bad
	}
	return u, nil
}

// TouchLastSeen records activity of a user (itself, or any user for
// admins). It writes at most once a minute per user and appends no event:
// presence is the real-time layer's business, not the log's.
func (s *service) TouchLastSeen(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !a.IsAdmin() && a.UserID != id {
		return domain.Errorf(domain.CodeForbidden, "cannot touch another user")
	}
	now := s.now()
	return s.write(ctx, func(tx *store.Tx) error {
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

package domain

import (
	"context"
	"time"
)

// Role is what a user may do. Admins see and change everything; a vendor sees
// and changes only its own customers, deliveries and payments. A vendor's
// user ID is its vendor ID.
type Role string

const (
	RoleAdmin  Role = "admin"
	RoleVendor Role = "vendor"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleVendor }

// UserStatus says whether a user may log in.
type UserStatus string

const (
	UserActive    UserStatus = "active"
	UserSuspended UserStatus = "suspended"
)

// Valid reports whether s is a known user status.
func (s UserStatus) Valid() bool { return s == UserActive || s == UserSuspended }

// User is an admin or a vendor.
type User struct {
	ID           int64      `json:"id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Role         Role       `json:"role"`
	Status       UserStatus `json:"status"`
	LastSeenAt   *time.Time `json:"lastSeenAt,omitempty"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
	PasswordHash string     `json:"-"`
}

// Actor returns the user as the actor of service calls.
func (u *User) Actor() *Actor { return &Actor{UserID: u.ID, Name: u.Name, Role: u.Role} }

// UserCreate is the input of CreateUser. Password is plain text; services hash it.
type UserCreate struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Password string `json:"password"`
}

// UserUpdate changes the non-nil fields of a user.
type UserUpdate struct {
	Name     *string     `json:"name,omitempty"`
	Role     *Role       `json:"role,omitempty"`
	Status   *UserStatus `json:"status,omitempty"`
	Password *string     `json:"password,omitempty"`
}

// UserFilter selects users. Zero values mean "any".
type UserFilter struct {
	Role   Role
	Status UserStatus
	Search string // matches name or email
	Page
}

// VendorMetrics are a vendor's figures for the Users/Vendors page.
type VendorMetrics struct {
	VendorID         int64 `json:"vendorId"`
	Customers        int   `json:"customers"`
	ActiveCustomers  int   `json:"activeCustomers"`
	Deliveries30d    int   `json:"deliveries30d"`
	Delivered30d     int   `json:"delivered30d"`
	RevenueCents30d  int64 `json:"revenueCents30d"`
	OutstandingCents int64 `json:"outstandingCents"`
}

// UserService manages users and logins. Only admins list, create and change
// users; any user reads itself.
type UserService interface {
	FindUserByID(ctx context.Context, id int64) (*User, error)
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	CreateUser(ctx context.Context, in UserCreate) (*User, error)
	UpdateUser(ctx context.Context, id int64, in UserUpdate) (*User, error)
	// Authenticate checks an email and password and returns the active user;
	// it needs no actor. Wrong credentials and suspended users both give
	// CodeUnauthorized with the same message.
	Authenticate(ctx context.Context, email, password string) (*User, error)
	// TouchLastSeen records that the user was active now.
	TouchLastSeen(ctx context.Context, id int64) error
	// VendorMetrics returns figures for the given vendors (all when ids is empty).
	VendorMetrics(ctx context.Context, ids []int64) ([]VendorMetrics, error)
}

package domain

import (
	"context"
	"time"
)

// Role is what a user may do. Admins see and change everything; a vendor sees
// and changes only its own customers, deliveries and payments. A vendor's
// user ID is its vendor ID. Staff belong to one vendor and only work the
// round of their assigned areas and shifts (today and tomorrow): they read
// it, mark its deliveries and record cash or UPI paid at the door.
type Role string

const (
	RoleAdmin  Role = "admin"
	RoleVendor Role = "vendor"
	RoleStaff  Role = "staff"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleVendor || r == RoleStaff }

// UserStatus says whether a user may log in.
type UserStatus string

const (
	UserActive    UserStatus = "active"
	UserSuspended UserStatus = "suspended"
)

// Valid reports whether s is a known user status.
func (s UserStatus) Valid() bool { return s == UserActive || s == UserSuspended }

// User is an admin, a vendor or a member of a vendor's staff. VendorID,
// AreaIDs and Shifts are set for staff only.
type User struct {
	ID           int64      `json:"id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Role         Role       `json:"role"`
	Status       UserStatus `json:"status"`
	VendorID     int64      `json:"vendorId,omitempty"`
	AreaIDs      []int64    `json:"areaIds,omitempty"`
	Shifts       []Shift    `json:"shifts,omitempty"`
	LastSeenAt   *time.Time `json:"lastSeenAt,omitempty"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
	PasswordHash string     `json:"-"`
}

// Actor returns the user as the actor of service calls.
func (u *User) Actor() *Actor { return &Actor{UserID: u.ID, Name: u.Name, Role: u.Role} }

// UserCreate is the input of CreateUser. Password is plain text; services
// hash it. VendorID and AreaIDs are required for staff (and refused for
// other roles); Shifts defaults to both shifts.
type UserCreate struct {
	Email    string  `json:"email"`
	Name     string  `json:"name"`
	Role     Role    `json:"role"`
	Password string  `json:"password"`
	VendorID int64   `json:"vendorId,omitempty"`
	AreaIDs  []int64 `json:"areaIds,omitempty"`
	Shifts   []Shift `json:"shifts,omitempty"`
}

// UserUpdate changes the non-nil fields of a user. AreaIDs and Shifts
// apply to staff only.
type UserUpdate struct {
	Name     *string     `json:"name,omitempty"`
	Role     *Role       `json:"role,omitempty"`
	Status   *UserStatus `json:"status,omitempty"`
	Password *string     `json:"password,omitempty"`
	AreaIDs  *[]int64    `json:"areaIds,omitempty"`
	Shifts   *[]Shift    `json:"shifts,omitempty"`
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

// UserService manages users and logins. Admins list, create and change
// users; a vendor lists, creates and changes its own staff only; any user
// reads itself.
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

package domain

import "context"

// Actor is who performs a service call. Services authorise every call
// against the actor found in the context.
type Actor struct {
	UserID int64  `json:"id"`
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	// VendorID is the vendor a staff actor works for, once the service has
	// read the staff member's assignment (0 otherwise).
	VendorID int64 `json:"-"`
}

// IsAdmin reports whether the actor may see and change everything.
func (a *Actor) IsAdmin() bool { return a != nil && a.Role == RoleAdmin }

// IsStaff reports whether the actor is a member of a vendor's staff.
func (a *Actor) IsStaff() bool { return a != nil && a.Role == RoleStaff }

// SystemActor returns the actor of internal jobs (demo simulator, real-time
// replay): it has admin rights and UserID 0.
func SystemActor() *Actor { return &Actor{UserID: 0, Name: "system", Role: RoleAdmin} }

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor, or nil when there is none.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

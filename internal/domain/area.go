package domain

import (
	"context"
	"time"
)

// Area is one of a vendor's delivery areas. Rounds list areas by SortOrder
// (then name), and the customers of an area by their Position.
type Area struct {
	ID        int64     `json:"id"`
	VendorID  int64     `json:"vendorId"`
	Name      string    `json:"name"`
	SortOrder int       `json:"sortOrder"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// AreaCreate is the input of CreateArea. A vendor always creates its own
// area; an admin names the vendor.
type AreaCreate struct {
	VendorID  int64  `json:"vendorId"`
	Name      string `json:"name"`
	SortOrder int    `json:"sortOrder"`
}

// AreaUpdate changes the non-nil fields of an area.
type AreaUpdate struct {
	Name      *string `json:"name,omitempty"`
	SortOrder *int    `json:"sortOrder,omitempty"`
}

// AreaService manages delivery areas.
type AreaService interface {
	// FindAreas lists the areas visible to the actor (vendorID narrows an
	// admin's list), in round order.
	FindAreas(ctx context.Context, vendorID int64) ([]*Area, error)
	CreateArea(ctx context.Context, in AreaCreate) (*Area, error)
	UpdateArea(ctx context.Context, id int64, in AreaUpdate) (*Area, error)
}

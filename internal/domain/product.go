package domain

import (
	"context"
	"time"
)

// Units a product may be sold in. The list is open to the ones below;
// quantities are whole units (sell half a litre as a product of its own,
// e.g. "Toned milk 500 ml" by the piece).
var ProductUnits = []string{"litre", "ml", "kg", "g", "piece", "can", "bottle", "packet", "dozen", "box"}

// Product is something a vendor sells, priced per unit in cents.
type Product struct {
	ID         int64     `json:"id"`
	VendorID   int64     `json:"vendorId"`
	Name       string    `json:"name"`
	Unit       string    `json:"unit"`
	PriceCents int64     `json:"priceCents"` // per unit
	Active     bool      `json:"active"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// ProductCreate is the input of CreateProduct. A vendor always creates its
// own product; an admin names the vendor. Active defaults to true.
type ProductCreate struct {
	VendorID   int64  `json:"vendorId"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	PriceCents int64  `json:"priceCents"`
	Active     *bool  `json:"active,omitempty"`
}

// ProductUpdate changes the non-nil fields of a product. A new price
// applies to deliveries generated from then on; existing deliveries keep
// the amount they were created with.
type ProductUpdate struct {
	Name       *string `json:"name,omitempty"`
	Unit       *string `json:"unit,omitempty"`
	PriceCents *int64  `json:"priceCents,omitempty"`
	Active     *bool   `json:"active,omitempty"`
}

// ProductFilter selects products. Vendors only ever see their own.
type ProductFilter struct {
	VendorID int64
	Active   *bool
	Page
}

// CustomerRate is a customer's own price for a product, overriding the
// product's price in the deliveries generated for that customer.
type CustomerRate struct {
	CustomerID int64     `json:"customerId"`
	ProductID  int64     `json:"productId"`
	VendorID   int64     `json:"vendorId"`
	PriceCents int64     `json:"priceCents"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// CustomerRateSet is the input of SetCustomerRate.
type CustomerRateSet struct {
	PriceCents int64 `json:"priceCents"`
}

// ProductService manages products and customers' rates.
type ProductService interface {
	FindProducts(ctx context.Context, f ProductFilter) ([]*Product, int, error)
	CreateProduct(ctx context.Context, in ProductCreate) (*Product, error)
	UpdateProduct(ctx context.Context, id int64, in ProductUpdate) (*Product, error)
	// CustomerRates lists the customer's rate overrides.
	CustomerRates(ctx context.Context, customerID int64) ([]*CustomerRate, error)
	// SetCustomerRate creates or changes the customer's rate for a product.
	SetCustomerRate(ctx context.Context, customerID, productID int64, in CustomerRateSet) (*CustomerRate, error)
	// RemoveCustomerRate drops the override: the product's price applies again.
	RemoveCustomerRate(ctx context.Context, customerID, productID int64) error
}

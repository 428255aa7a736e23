package domain

// Page is the limit/offset window of a list call. Limit 0 means the default
// (50); limits above 500 are clamped.
type Page struct {
	Limit  int
	Offset int
}

// Normalize returns the page with default and maximum applied.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > 500 {
		p.Limit = 500
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

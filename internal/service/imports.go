package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// ImportCustomers previews a customers CSV (nothing is written) or, with
// in.Confirm, applies it in one transaction: every row to create becomes a
// customer, with its opening balance as an opening_balance ledger entry
// and its standing order; rows whose phone a customer of the vendor already
// has are left alone, so running the same file again creates nothing. A
// file with any row error is not applied (CodeImportInvalid). Each vendor
// imported into gets one customers.imported event, not one per customer.
func (s *service) ImportCustomers(ctx context.Context, in domain.CustomerImportInput) (*domain.CustomerImport, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	raw, err := parseImportCSV(in.CSV)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(in.CSV)
	if v := vendorScope(a); v != 0 {
		in.VendorID = v
	}
	res := &domain.CustomerImport{}
	p := &importPlan{s: s, a: a, defaultVendor: in.VendorID, raw: raw, res: res, hash: hex.EncodeToString(sum[:])}
	if !in.Confirm {
		err = s.read(ctx, func(tx *store.Tx) error { return p.plan(ctx, tx) })
		if err != nil {
			return nil, err
		}
		return res, nil
	}
	fp := struct {
		File     string `json:"file"`
		VendorID int64  `json:"vendorId"`
	}{p.hash, in.VendorID}
	err = s.writeOnce(ctx, "customer.import", fp, &res, func(tx *store.Tx) error {
		if err := p.plan(ctx, tx); err != nil {
			return err
		}
		// Imports into one vendor run one at a time (on PostgreSQL, a row
		// lock on the vendor; SQLite has one writer), and the plan is made
		// again under the lock, so two runs of one file never both create.
		if err := p.lockVendors(ctx, tx); err != nil {
			return err
		}
		if err := p.plan(ctx, tx); err != nil {
			return err
		}
		if res.Errors > 0 {
			return p.firstError()
		}
		return p.apply(ctx, tx, s.stamp(tx))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importVendor is what a plan knows of one vendor: its name, areas and
// products by lower-case name, and its customers' phones (digits).
type importVendor struct {
	id       int64
	name     string
	areas    map[string]int64
	products map[string]*domain.Product
	phones   map[string]int64 // customers' phone digits → id
	newAreas map[string]string
	seen     map[string]int // phone digits → row of this file
}

type importPlan struct {
	s             *service
	a             *domain.Actor
	defaultVendor int64
	raw           []rawImportRow
	hash          string
	res           *domain.CustomerImport
	vendors       map[int64]*importVendor // loaded vendors
	byKey         map[string]int64        // vendor id, lower-case name and email → id
}

// plan reads what the rows need and fills p.res with each row's action
// and errors. It writes nothing.
func (p *importPlan) plan(ctx context.Context, tx *store.Tx) error {
	*p.res = domain.CustomerImport{FileSHA256: p.hash, ImportIDs: []int64{}, NewAreas: []string{}, Rows: make([]domain.ImportRow, 0, len(p.raw))}
	p.vendors, p.byKey = map[int64]*importVendor{}, map[string]int64{}
	q := `SELECT id, name, email FROM users WHERE role = 'vendor'`
	args := []any{}
	if v := vendorScope(p.a); v != 0 {
		q += ` AND id = ?`
		args = append(args, v)
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("failed to read vendors: %w", err)
	}
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var name, email string
		if err := rows.Scan(&id, &name, &email); err != nil {
			rows.Close()
			return fmt.Errorf("failed to scan a vendor: %w", err)
		}
		names[id] = name
		p.byKey[strconv.FormatInt(id, 10)] = id
		p.byKey[strings.ToLower(email)] = id
		p.byKey[strings.ToLower(name)] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if p.defaultVendor != 0 && names[p.defaultVendor] == "" {
		return domain.Invalid("vendorId", "vendorId must be a vendor")
	}
	for _, r := range p.raw {
		row, err := p.planRow(ctx, tx, r, names)
		if err != nil {
			return err
		}
		p.res.Rows = append(p.res.Rows, row)
		p.res.Total++
		switch row.Action {
		case domain.ImportCreate:
			p.res.Create++
			p.res.OpeningBalanceCents += row.OpeningBalanceCents
			if row.ProductID != 0 {
				p.res.Subscriptions++
			}
			if row.NewArea && !containsFold(p.res.NewAreas, row.Area) {
				p.res.NewAreas = append(p.res.NewAreas, row.Area)
			}
		case domain.ImportExists:
			p.res.Exists++
		default:
			p.res.Errors++
		}
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// planRow checks one row: its values, its vendor, area and product, and
// whether the vendor already has a customer with its phone.
func (p *importPlan) planRow(ctx context.Context, tx *store.Tx, r rawImportRow, names map[int64]string) (domain.ImportRow, error) {
	c := r.cells
	row := domain.ImportRow{Row: r.line, Name: c["name"], Phone: c["phone"], Email: c["email"], Address: c["address"], Area: c["area"],
		Product: c["product"], Errors: []domain.ImportRowError{}}
	fail := func(column, format string, args ...any) {
		row.Errors = append(row.Errors, domain.ImportRowError{Column: column, Message: fmt.Sprintf(format, args...)})
	}
	// The vendor: named by id, email or name; else the file's vendor.
	vendorID := p.defaultVendor
	if v := c["vendor"]; v != "" {
		id, ok := p.byKey[strings.ToLower(v)]
		switch {
		case ok:
			vendorID = id
		case vendorScope(p.a) != 0:
			fail("vendor", "you can import only your own customers (leave vendor empty)")
			vendorID = 0
		default:
			fail("vendor", "no vendor is called %q (give its name, email or id)", v)
			vendorID = 0
		}
	} else if vendorID == 0 {
		fail("vendor", "vendor is required (or choose the vendor of the whole file)")
	}
	f := customerFields{c["name"], c["phone"], c["email"], c["address"]}
	if err := validateCustomerFields(&f); err != nil {
		var de *domain.Error
		if !errors.As(err, &de) {
			return row, err
		}
		fail(de.Field, "%s", de.Message)
	} else if f.phone == "" {
		fail("phone", "phone is required: it matches the row to its customer when the file is imported again")
	}
	row.Name, row.Phone, row.Email, row.Address = f.name, f.phone, f.email, f.address
	if _, err := validateRoundFields(0, c["note"]); err != nil {
		fail("note", "%s", err.(*domain.Error).Message)
	}
	amount, err := parseMoney(c["opening balance"])
	if err != nil {
		fail("opening balance", "opening balance %q is not an amount like 1250.50 (at most %d.00; negative for credit)", c["opening balance"], int64(domain.MaxAmountCents/100))
	}
	row.OpeningBalanceCents = amount
	p.planStandingOrder(&row, c, fail)

	if vendorID != 0 {
		v, err := p.vendor(ctx, tx, vendorID, names[vendorID])
		if err != nil {
			return row, err
		}
		row.VendorID, row.VendorName = v.id, v.name
		if row.Area != "" {
			if _, ok := v.areas[strings.ToLower(row.Area)]; !ok {
				name, err := validateAreaFields(row.Area, 0)
				if err != nil {
					fail("area", "%s", err.(*domain.Error).Message)
				} else {
					row.Area, row.NewArea = name, true
					if first, ok := v.newAreas[strings.ToLower(name)]; ok {
						row.Area = first
					}
				}
			}
		}
		if row.Product != "" {
			pr, ok := v.products[strings.ToLower(row.Product)]
			switch {
			case !ok:
				fail("product", "%s has no product called %q: add it under Products first", v.name, row.Product)
			case !pr.Active:
				fail("product", "the product %s is no longer sold", pr.Name)
			default:
				row.Product, row.ProductID = pr.Name, pr.ID
			}
		}
		if digits := phoneDigits(row.Phone); digits != "" {
			if id, ok := v.phones[digits]; ok {
				row.CustomerID = id
			} else if first, ok := v.seen[digits]; ok {
				fail("phone", "the same phone as row %d", first)
			} else {
				v.seen[digits] = row.Row
			}
		}
	}
	switch {
	case len(row.Errors) > 0:
		row.Action = domain.ImportError
		row.ProductID = 0
	case row.CustomerID != 0:
		row.Action = domain.ImportExists
	default:
		row.Action = domain.ImportCreate
		if row.NewArea {
			v := p.vendors[vendorID]
			if _, ok := v.newAreas[strings.ToLower(row.Area)]; !ok {
				v.newAreas[strings.ToLower(row.Area)] = row.Area
			}
		}
	}
	return row, nil
}

// planStandingOrder reads the product, quantity, frequency and shift
// columns: all empty for no standing order.
func (p *importPlan) planStandingOrder(row *domain.ImportRow, c map[string]string, fail func(string, string, ...any)) {
	if c["product"] == "" {
		for _, col := range []string{"quantity", "frequency", "shift"} {
			if c[col] != "" {
				fail("product", "product is required for a standing order (%s is given)", col)
				return
			}
		}
		return
	}
	q, err := strconv.Atoi(c["quantity"])
	if c["quantity"] == "" {
		fail("quantity", "quantity is required with a product")
	} else if err != nil || validQuantity(q) != nil {
		fail("quantity", "quantity must be a whole number from 1 to 10000")
	}
	row.Quantity = q
	// "daily", "alternate", "weekly sun" or "custom mon wed fri".
	words := strings.FieldsFunc(strings.ToLower(c["frequency"]), func(r rune) bool { return r == ' ' || r == ',' || r == ';' })
	row.Frequency = domain.FrequencyDaily
	if len(words) > 0 {
		row.Frequency = domain.Frequency(words[0])
	}
	if !row.Frequency.Valid() {
		fail("frequency", "frequency must be daily, alternate, weekly with a day (\"weekly sun\") or custom with days (\"custom mon wed fri\")")
	} else {
		var days []string
		if len(words) > 1 {
			days = words[1:]
		}
		d, err := normalizeDays(row.Frequency, days)
		if err != nil {
			fail("frequency", "%s (e.g. \"weekly sun\", \"custom mon wed fri\")", err.(*domain.Error).Message)
		}
		row.Days = d
	}
	row.Shift = domain.ShiftMorning
	if v := strings.ToLower(c["shift"]); v != "" {
		row.Shift = domain.Shift(v)
	}
	if !row.Shift.Valid() {
		fail("shift", "shift must be morning or evening")
	}
}

// vendor loads (once per plan) what rows of vendor id need.
func (p *importPlan) vendor(ctx context.Context, tx *store.Tx, id int64, name string) (*importVendor, error) {
	if v, ok := p.vendors[id]; ok {
		return v, nil
	}
	v := &importVendor{id: id, name: name, areas: map[string]int64{}, products: map[string]*domain.Product{},
		phones: map[string]int64{}, newAreas: map[string]string{}, seen: map[string]int{}}
	read := func(q string, each func(sc scanner) error) error {
		rows, err := tx.Query(ctx, q, id)
		if err != nil {
			return fmt.Errorf("failed to read the vendor's records for an import: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				return fmt.Errorf("failed to scan the vendor's records for an import: %w", err)
			}
		}
		return rows.Err()
	}
	if err := read(`SELECT id, name FROM areas WHERE vendor_id = ?`, func(sc scanner) error {
		var aid int64
		var n string
		err := sc.Scan(&aid, &n)
		v.areas[strings.ToLower(n)] = aid
		return err
	}); err != nil {
		return nil, err
	}
	if err := read(`SELECT id, name, active FROM products WHERE vendor_id = ?`, func(sc scanner) error {
		var pr domain.Product
		err := sc.Scan(&pr.ID, &pr.Name, &pr.Active)
		v.products[strings.ToLower(pr.Name)] = &pr
		return err
	}); err != nil {
		return nil, err
	}
	if err := read(`SELECT id, phone_digits FROM customers WHERE vendor_id = ? AND phone_digits <> '' ORDER BY id`, func(sc scanner) error {
		var cid int64
		var d string
		err := sc.Scan(&cid, &d)
		if _, ok := v.phones[d]; !ok {
			v.phones[d] = cid
		}
		return err
	}); err != nil {
		return nil, err
	}
	p.vendors[id] = v
	return v, nil
}

// lockVendors takes a row lock on each vendor the rows go to, in id order.
func (p *importPlan) lockVendors(ctx context.Context, tx *store.Tx) error {
	lock := tx.Dialect().ForUpdate
	if lock == "" {
		return nil
	}
	ids := make([]int64, 0, len(p.vendors))
	for id := range p.vendors {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		var got int64
		if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE id = ?`+lock, id).Scan(&got); err != nil {
			return fmt.Errorf("failed to lock vendor %d for an import: %w", id, err)
		}
	}
	return nil
}

// firstError is the CodeImportInvalid error naming the first bad row.
func (p *importPlan) firstError() error {
	for _, r := range p.res.Rows {
		if len(r.Errors) > 0 {
			e := r.Errors[0]
			return importInvalid(e.Column, "row %d, column %s: %s (%d of %d rows have errors; nothing was imported)",
				r.Row, e.Column, e.Message, p.res.Errors, p.res.Total)
		}
	}
	return nil
}

// apply creates the planned rows, per vendor: its new areas, then each
// customer with its opening balance and standing order, then one import
// record and one customers.imported event.
func (p *importPlan) apply(ctx context.Context, tx *store.Tx, now time.Time) error {
	s, a := p.s, p.a
	p.res.Applied = true
	type tally struct {
		rec   domain.CustomerImported
		areas map[string]int64
	}
	var order []int64
	byVendor := map[int64]*tally{}
	for i := range p.res.Rows {
		row := &p.res.Rows[i]
		if row.Action != domain.ImportCreate && row.Action != domain.ImportExists {
			continue
		}
		t := byVendor[row.VendorID]
		if t == nil {
			t = &tally{rec: domain.CustomerImported{VendorID: row.VendorID, AreasCreated: []string{}, CustomerIDs: []int64{}}, areas: map[string]int64{}}
			byVendor[row.VendorID] = t
			order = append(order, row.VendorID)
		}
		if row.Action == domain.ImportExists {
			t.rec.Existing++
			continue
		}
		areaID := int64(0)
		if row.Area != "" {
			key := strings.ToLower(row.Area)
			areaID = p.vendors[row.VendorID].areas[key]
			if areaID == 0 {
				areaID = t.areas[key]
			}
			if areaID == 0 {
				if err := tx.QueryRow(ctx, `INSERT INTO areas (vendor_id, name, sort_order, created_at, updated_at) VALUES (?, ?, 0, ?, ?) RETURNING id`,
					row.VendorID, row.Area, micros(now), micros(now)).Scan(&areaID); err != nil {
					return fmt.Errorf("failed to insert area: %w", err)
				}
				t.areas[key] = areaID
				t.rec.AreasCreated = append(t.rec.AreasCreated, row.Area)
			}
		}
		note, _ := validateRoundFields(0, p.raw[i].cells["note"])
		c := &domain.Customer{Name: row.Name, Phone: row.Phone, Email: row.Email, Address: row.Address, Status: domain.CustomerActive,
			VendorID: row.VendorID, AreaID: areaID, Note: note, CreatedAt: now, UpdatedAt: now}
		if err := s.insertCustomer(ctx, tx, c, now); err != nil {
			return err
		}
		row.CustomerID = c.ID
		t.rec.Created++
		t.rec.CustomerIDs = append(t.rec.CustomerIDs, c.ID)
		if row.OpeningBalanceCents != 0 {
			if _, err := addLedger(ctx, tx, c.ID, domain.LedgerOpeningBalance, c.ID, row.OpeningBalanceCents, micros(now)); err != nil {
				return err
			}
			t.rec.OpeningBalanceCents += row.OpeningBalanceCents
		}
		if row.ProductID != 0 {
			sub := &domain.Subscription{CustomerID: c.ID, VendorID: c.VendorID, ProductID: row.ProductID, Quantity: row.Quantity,
				Frequency: row.Frequency, Days: row.Days, Shift: row.Shift, StartsOn: s.day(now), Status: domain.SubscriptionActive,
				CreatedAt: now, UpdatedAt: now}
			if sub.Days == nil {
				sub.Days = []string{}
			}
			if err := insertSubscription(ctx, tx, sub); err != nil {
				return err
			}
			row.SubscriptionID = sub.ID
			t.rec.Subscriptions++
		}
	}
	for _, vid := range order {
		t := byVendor[vid]
		if t.rec.Created == 0 {
			continue // a re-run: nothing happened, nothing to tell
		}
		if err := tx.QueryRow(ctx, `INSERT INTO customer_imports (vendor_id, file_sha256, created, existing, subscriptions, opening_balance_cents, imported_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, vid, p.hash, t.rec.Created, t.rec.Existing, t.rec.Subscriptions,
			t.rec.OpeningBalanceCents, a.UserID, micros(now)).Scan(&t.rec.ImportID); err != nil {
			return fmt.Errorf("failed to record the import: %w", err)
		}
		p.res.ImportIDs = append(p.res.ImportIDs, t.rec.ImportID)
		summary := fmt.Sprintf("%s imported by %s", plural(t.rec.Created, "customer"), a.Name)
		if a.UserID != vid {
			summary = fmt.Sprintf("%s imported for %s by %s", plural(t.rec.Created, "customer"), p.vendors[vid].name, a.Name)
		}
		if t.rec.Existing > 0 {
			summary += fmt.Sprintf(" (%d already there)", t.rec.Existing)
		}
		if err := appendEvent(ctx, tx, a, now, domain.ActionCustomersImported, domain.EntityImport, t.rec.ImportID, vid, summary,
			map[string]any{"imported": t.rec}); err != nil {
			return err
		}
	}
	return nil
}

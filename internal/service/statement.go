package service

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// CustomerStatement returns a customer's monthly statement. A line belongs
// to the month when its ledger entry was written within the month in the
// business time zone. The opening balance is the sum of every entry before
// the month and the closing balance adds the month's lines: by construction
// it is the balance the ledger gives at the month's end, and each line's
// balance is the running total in the statement's order (time, then entry).
func (s *service) CustomerStatement(ctx context.Context, customerID int64, month string) (*domain.Statement, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	first, err := time.ParseInLocation("2006-01", month, s.loc())
	if err != nil || len(month) != 7 {
		return nil, domain.Invalid("month", "month must be YYYY-MM")
	}
	next := first.AddDate(0, 1, 0)
	st := &domain.Statement{Month: month, From: first.Format(dateLayout), To: next.AddDate(0, 0, -1).Format(dateLayout),
		Timezone: s.loc().String(), Lines: []domain.StatementLine{}}
	err = s.read(ctx, func(tx *store.Tx) error {
		c, err := findCustomer(ctx, tx, a, customerID, false)
		if err != nil {
			return err
		}
		st.CustomerID, st.CustomerName, st.Address, st.Phone, st.VendorID = c.ID, c.Name, c.Address, c.Phone, c.VendorID
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entries WHERE customer_id = ? AND created_at < ?`,
			c.ID, micros(first)).Scan(&st.OpeningBalanceCents); err != nil {
			return fmt.Errorf("failed to read the opening balance: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT e.id, e.kind, e.ref_id, e.amount_cents, e.created_at,
				d.items, d.quantity, d.scheduled_for, p.method, p.reference, r.entity, r.entity_id, r.reason
			FROM ledger_entries e
			LEFT JOIN deliveries d ON e.kind = 'delivery' AND d.id = e.ref_id
			LEFT JOIN payments p ON e.kind = 'payment' AND p.id = e.ref_id
			LEFT JOIN reversals r ON e.kind = 'reversal' AND r.id = e.ref_id
			WHERE e.customer_id = ? AND e.created_at >= ? AND e.created_at < ?
			ORDER BY e.created_at, e.id`, c.ID, micros(first), micros(next))
		if err != nil {
			return fmt.Errorf("failed to read the statement: %w", err)
		}
		defer rows.Close()
		balance := st.OpeningBalanceCents
		for rows.Next() {
			var l domain.StatementLine
			var at int64
			var items, scheduled, method, reference, entity, reason sql.NullString
			var qty, entityID sql.NullInt64
			if err := rows.Scan(&l.EntryID, &l.Kind, &l.RefID, &l.AmountCents, &at, &items, &qty, &scheduled, &method, &reference,
				&entity, &entityID, &reason); err != nil {
				return fmt.Errorf("failed to scan the statement: %w", err)
			}
			l.At = fromMicros(at)
			l.Date = s.day(l.At)
			switch l.Kind {
			case "delivery":
				l.Description = fmt.Sprintf("Delivery #%d: %s × %d (for %s)", l.RefID, items.String, qty.Int64, domain.FormatDay(scheduled.String))
			case "payment":
				l.Description = fmt.Sprintf("Payment #%d (%s)", l.RefID, strings.ReplaceAll(method.String, "_", " "))
				if reference.String != "" {
					l.Description += " " + reference.String
				}
			case "reversal":
				l.Description = fmt.Sprintf("Reversal of %s #%d: %s", entity.String, entityID.Int64, reason.String)
			case domain.LedgerOpeningBalance:
				l.Description = "Opening balance brought forward (imported)"
			default:
				l.Description = l.Kind
			}
			balance += l.AmountCents
			l.BalanceCents = balance
			if l.Kind == domain.LedgerOpeningBalance {
				st.BroughtForwardCents += l.AmountCents
			} else if l.AmountCents > 0 {
				st.ChargesCents += l.AmountCents
			} else {
				st.CreditsCents -= l.AmountCents
			}
			st.Lines = append(st.Lines, l)
		}
		st.ClosingBalanceCents = balance
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

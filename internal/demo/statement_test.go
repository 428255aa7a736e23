package demo_test

import (
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// TestDemoStatements checks every demo customer's statements for the two
// months the history spans, in the demo's time zone, against the ledger
// as the service keeps it: the closing balance of the current month is the
// customer's balance now, the closing balance of the previous month is
// the running balance stored on the last ledger entry written before the
// month ended, and each month opens with the previous one's close.
func TestDemoStatements(t *testing.T) {
	t.Parallel()
	eachSeededDemo(t, func(t *testing.T, d seededDemo) {
		svcs, loc, ctx, actx, customers := d.svcs, d.loc, d.ctx, d.actx, d.customers
		monthEnd := time.Date(2026, 12, 1, 0, 0, 0, 0, loc).UnixMicro()
		lines := 0
		for _, c := range customers {
			nov, err := svcs.Statements.CustomerStatement(actx, c.ID, "2026-11")
			if err != nil {
				t.Fatal(err)
			}
			dec, err := svcs.Statements.CustomerStatement(actx, c.ID, "2026-12")
			if err != nil {
				t.Fatal(err)
			}
			lines += len(nov.Lines) + len(dec.Lines)
			if dec.ClosingBalanceCents != c.BalanceCents {
				t.Errorf("%s: December closes at %d, the balance is %d", c.Name, dec.ClosingBalanceCents, c.BalanceCents)
			}
			if nov.ClosingBalanceCents != dec.OpeningBalanceCents {
				t.Errorf("%s: November closes at %d, December opens at %d", c.Name, nov.ClosingBalanceCents, dec.OpeningBalanceCents)
			}
			var stored int64
			err = svcs.DB.ReadTx(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COALESCE((SELECT balance_cents FROM ledger_entries WHERE customer_id = ? AND created_at < ? ORDER BY id DESC LIMIT 1), 0)`,
					c.ID, monthEnd).Scan(&stored)
			})
			if err != nil {
				t.Fatal(err)
			}
			if nov.ClosingBalanceCents != stored {
				t.Errorf("%s: November closes at %d, the ledger stood at %d", c.Name, nov.ClosingBalanceCents, stored)
			}
			for _, st := range []*domain.Statement{nov, dec} {
				bal := st.OpeningBalanceCents
				for _, l := range st.Lines {
					bal += l.AmountCents
					if l.BalanceCents != bal || l.Date < st.From || l.Date > st.To {
						t.Errorf("%s %s: line %+v (running %d)", c.Name, st.Month, l, bal)
					}
				}
				if bal != st.ClosingBalanceCents || st.OpeningBalanceCents+st.ChargesCents-st.CreditsCents != bal {
					t.Errorf("%s %s: lines end at %d, closing %d", c.Name, st.Month, bal, st.ClosingBalanceCents)
				}
			}
		}
		if lines < 100 {
			t.Errorf("only %d statement lines for 40 customers over 20 days", lines)
		}
	})
}

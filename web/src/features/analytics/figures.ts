import type { AnalyticsPoint, BreakdownRow } from '../../lib/types'

// Pure helpers of the analytics cards (tested in figures.test.ts). The
// figures themselves are the server's; these only total and label them.

/**
 * rangeCollectionRate is the collection rate of a whole range: its payments
 * over its charges (the same definition as each bucket's collectionRate,
 * not an average of the buckets' rates); null when nothing was charged.
 */
export function rangeCollectionRate(series: ReadonlyArray<Pick<AnalyticsPoint, 'paymentsCents' | 'revenueCents'>>): number | null {
  let paid = 0
  let charged = 0
  for (const p of series) {
    paid += p.paymentsCents
    charged += p.revenueCents
  }
  return charged > 0 ? paid / charged : null
}

/**
 * ageingAsOf is the day to age dues on for a range ending `to`: that day,
 * or the business's today when the range runs past it (the server refuses
 * a day in the future).
 */
export function ageingAsOf(to: string, today: string | undefined): string {
  return today && to > today ? today : to
}

/** breakdownLabel names a breakdown row; the row without an id gathers deliveries with no product or area. */
export function breakdownLabel(row: Pick<BreakdownRow, 'id' | 'name'>, by: 'product' | 'area'): string {
  if (row.id !== null) return row.name
  return by === 'product' ? 'One-off deliveries' : 'No area'
}

/** shares returns each row's share of the total revenue, 0..1 (0 when the total is 0). */
export function shares(rows: ReadonlyArray<Pick<BreakdownRow, 'revenueCents'>>): number[] {
  const total = rows.reduce((t, r) => t + r.revenueCents, 0)
  return rows.map((r) => (total > 0 ? r.revenueCents / total : 0))
}

/** ageingLabel writes a bucket's name for people: "0–30 days", "90+ days". */
export function ageingLabel(bucket: string): string {
  return `${bucket.replace('-', '–')} days`
}

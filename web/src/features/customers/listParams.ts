import { formatMoney } from '../../lib/format'
import type { CustomerImport, CustomerSort, ImportRow } from '../../lib/types'

// The customers page keeps its sort and dues filter in the URL (?sort=,
// ?dues=1), so that a link (the dashboard's Outstanding card) opens the
// list as it should be, and reloading keeps it.

export const SORT_OPTIONS: { value: CustomerSort; label: string }[] = [
  { value: 'name', label: 'Name (A–Z)' },
  { value: '-balance', label: 'Who owes the most' },
  { value: 'balance', label: 'Most in credit' },
  { value: 'lastPayment', label: 'Paid longest ago' },
  { value: '-lastPayment', label: 'Paid most recently' },
]

const SORTS = new Set<string>(['name', '-name', 'balance', '-balance', 'lastPayment', '-lastPayment'])

/** listSort reads ?sort=, falling back to the server's default (name) for anything unknown. */
export function listSort(search: URLSearchParams): CustomerSort {
  const s = search.get('sort') ?? ''
  return SORTS.has(s) ? (s as CustomerSort) : 'name'
}

/** listHasDues reads ?dues=1. */
export function listHasDues(search: URLSearchParams): boolean {
  return search.get('dues') === '1'
}

/** OUTSTANDING_LINK is the customers list the Outstanding card counts: who owes, most first. */
export const OUTSTANDING_LINK = '/customers?sort=-balance&dues=1'

/** exportQuery is the query of GET /api/customers?format=csv for the page's filters (every match, no paging). */
export function exportQuery(f: { search?: string; status?: string; vendorId?: number | ''; sort?: CustomerSort; hasDues?: boolean }) {
  return {
    format: 'csv',
    search: f.search?.trim() || undefined,
    status: f.status || undefined,
    vendorId: f.vendorId || undefined,
    sort: f.sort && f.sort !== 'name' ? f.sort : undefined,
    hasDues: f.hasDues ? 'true' : undefined,
  }
}

/** importSummary says what a preview would do, or what an applied import did. */
export function importSummary(r: CustomerImport): string {
  const n = (k: number, one: string, many = one + 's') => `${k} ${k === 1 ? one : many}`
  const parts: string[] = []
  if (r.applied) {
    parts.push(`${n(r.create, 'customer')} imported`)
    if (r.exists > 0) parts.push(`${r.exists} already there`)
  } else {
    parts.push(`${n(r.create, 'new customer')}`)
    if (r.exists > 0) parts.push(`${r.exists} already there (skipped)`)
    if (r.errors > 0) parts.push(`${n(r.errors, 'row')} with errors`)
  }
  if (r.subscriptions > 0) parts.push(`${n(r.subscriptions, 'standing order')}`)
  if (r.openingBalanceCents !== 0) parts.push(`opening balances ${formatMoney(r.openingBalanceCents)}`)
  if (r.newAreas.length > 0) parts.push(`new areas: ${r.newAreas.join(', ')}`)
  return parts.join(' · ')
}

/** rowProblem is a row's errors as one sentence, each naming its column. */
export function rowProblem(row: ImportRow): string {
  return row.errors.map((e) => `${e.column}: ${e.message}`).join('; ')
}

/** canConfirm: a preview may be applied when it has no errors and something to create. */
export function canConfirm(r: CustomerImport | null): boolean {
  return !!r && !r.applied && r.errors === 0 && r.create > 0
}

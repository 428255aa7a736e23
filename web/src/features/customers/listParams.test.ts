import { describe, expect, it } from 'vitest'
import type { CustomerImport, ImportRow } from '../../lib/types'
import { canConfirm, exportQuery, importSummary, listHasDues, listSort, OUTSTANDING_LINK, rowProblem } from './listParams'

const row = (over: Partial<ImportRow>): ImportRow => ({ row: 2, action: 'create', name: 'A', phone: '1', address: '', openingBalanceCents: 0, errors: [], ...over })
const result = (over: Partial<CustomerImport>): CustomerImport => ({
  applied: false, importIds: [], fileSha256: 'x', total: 0, create: 0, exists: 0, errors: 0, subscriptions: 0, openingBalanceCents: 0, newAreas: [], rows: [], ...over,
})

describe('customers list params', () => {
  it('reads the sort and the dues filter from the URL, defaulting unknown sorts to name', () => {
    expect(listSort(new URLSearchParams('sort=-balance'))).toBe('-balance')
    expect(listSort(new URLSearchParams('sort=lastPayment'))).toBe('lastPayment')
    expect(listSort(new URLSearchParams('sort=owes'))).toBe('name')
    expect(listSort(new URLSearchParams(''))).toBe('name')
    expect(listHasDues(new URLSearchParams('dues=1'))).toBe(true)
    expect(listHasDues(new URLSearchParams('dues=0'))).toBe(false)
  })

  it('links the Outstanding card to who owes the most, dues only', () => {
    const u = new URL(OUTSTANDING_LINK, 'http://x')
    expect(u.pathname).toBe('/customers')
    expect(listSort(u.searchParams)).toBe('-balance')
    expect(listHasDues(u.searchParams)).toBe(true)
  })

  it('exports with the same filters and order, leaving defaults out', () => {
    expect(exportQuery({ search: ' asha ', status: 'active', vendorId: 3, sort: '-balance', hasDues: true })).toEqual({
      format: 'csv', search: 'asha', status: 'active', vendorId: 3, sort: '-balance', hasDues: 'true',
    })
    expect(exportQuery({ search: '', status: '', vendorId: '', sort: 'name', hasDues: false })).toEqual({
      format: 'csv', search: undefined, status: undefined, vendorId: undefined, sort: undefined, hasDues: undefined,
    })
  })
})

describe('import preview', () => {
  it('summarises a preview and a result', () => {
    expect(importSummary(result({ create: 2, exists: 1, errors: 1, subscriptions: 1, newAreas: ['North'] }))).toBe(
      '2 new customers · 1 already there (skipped) · 1 row with errors · 1 standing order · new areas: North',
    )
    expect(importSummary(result({ applied: true, create: 1, exists: 3 }))).toBe('1 customer imported · 3 already there')
    expect(importSummary(result({ create: 1, openingBalanceCents: 125050 }))).toMatch(/^1 new customer · opening balances .*1,250\.50$/)
  })

  it('names every error column of a row', () => {
    expect(rowProblem(row({ errors: [{ column: 'phone', message: 'phone is required' }, { column: 'quantity', message: 'too many' }] }))).toBe(
      'phone: phone is required; quantity: too many',
    )
  })

  it('allows confirming only a clean preview with something to create', () => {
    expect(canConfirm(null)).toBe(false)
    expect(canConfirm(result({ create: 2 }))).toBe(true)
    expect(canConfirm(result({ create: 2, errors: 1 }))).toBe(false)
    expect(canConfirm(result({ create: 0, exists: 2 }))).toBe(false)
    expect(canConfirm(result({ create: 2, applied: true }))).toBe(false)
  })
})

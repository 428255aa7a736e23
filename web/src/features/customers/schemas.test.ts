import { describe, expect, it } from 'vitest'
import type { Customer } from '../../lib/types'
import { hasControl, parseAmount } from './formKit'
import { checkPhone, customerPatch, customerSchema, emptyCustomer, oneOffSchema, pauseSchema, subscriptionSchema, type CustomerValues } from './schemas'

const values = (over: Partial<CustomerValues> = {}): CustomerValues => ({ ...emptyCustomer(2), name: 'Asha Rao', ...over })

describe('customerSchema mirrors the server', () => {
  it.each<[string, Partial<CustomerValues>, string]>([
    ['name required (spaces only)', { name: '   ' }, 'name'],
    ['name over 200 bytes (UTF-8, as Go counts)', { name: 'é'.repeat(101) }, 'name'],
    ['name with a control character', { name: 'Asha\u0007' }, 'name'],
    ['phone with letters', { phone: 'call me' }, 'phone'],
    ['phone with 5 digits', { phone: '12-345' }, 'phone'],
    ['phone over 32 characters', { phone: '1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7' }, 'phone'],
    ['email without @', { email: 'asha.example.com' }, 'email'],
    ['address over 500', { address: 'x'.repeat(501) }, 'address'],
    ['note over 1000', { note: 'x'.repeat(1001) }, 'note'],
    ['position negative', { position: '-1' }, 'position'],
    ['position over 1,000,000', { position: '1000001' }, 'position'],
    ['position not whole', { position: '2.5' }, 'position'],
    ['credit limit with three decimals', { creditLimit: '10.005' }, 'creditLimit'],
    ['credit limit over the largest amount', { creditLimit: '1000000000.01' }, 'creditLimit'],
    ['admin without a vendor', { vendorId: '' }, 'vendorId'],
  ])('%s', (_name, over, field) => {
    const r = customerSchema(true)(values(over))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(Object.keys(r.errors)).toEqual([field])
  })

  it('accepts what the server accepts, trimmed, with the credit limit in minor units and uniquePhone', () => {
    const r = customerSchema(true)(
      values({ name: ' Asha ', phone: '+91 (98450) 12-345', email: ' Asha@Example.com ', note: 'ring\ttwice\nthen wait', position: '3', areaId: '4', creditLimit: '2,500.5' }),
    )
    expect(r).toEqual({
      ok: true,
      value: { name: 'Asha', phone: '+91 (98450) 12-345', email: 'asha@example.com', address: '', status: 'active', vendorId: 2, areaId: 4, position: 3, note: 'ring\ttwice\nthen wait', creditLimitCents: 250050, uniquePhone: true },
    })
  })

  it('lets a shared phone through on request, and gives vendors no credit limit or vendor check', () => {
    const r = customerSchema(false)(values({ vendorId: '', creditLimit: 'nonsense', allowSharedPhone: true }))
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.value.uniquePhone).toBeUndefined()
      expect(r.value.creditLimitCents).toBeUndefined()
    }
  })

  it('helpers agree with checkText and the money rules', () => {
    expect(hasControl('a\nb')).toBe(true)
    expect(hasControl('a\nb', true)).toBe(false)
    expect(hasControl('a\u2028b', true)).toBe(true)
    expect(hasControl('a\u0085b')).toBe(true)
    expect(parseAmount('0')).toBe(0)
    expect(parseAmount('₹ 1,250.5')).toBe(125050)
    expect(parseAmount('-1')).toBeNull()
    expect(checkPhone('')).toBeNull()
    expect(checkPhone('98450 12345')).toBeNull()
  })
})

describe('customerPatch', () => {
  const before: Customer = {
    id: 7, name: 'Asha', phone: '+91 98450 12345', email: '', address: '', status: 'active', vendorId: 2, balanceCents: 0,
    createdAt: '', updatedAt: '', areaId: 0, position: 0, note: '', creditLimitCents: 100000,
  }
  it('sends only what changed; an emptied credit limit is -1; uniquePhone only with a new phone', () => {
    const r = customerSchema(true)({ ...emptyCustomer(2), name: 'Asha', phone: '+91 98450 12345', creditLimit: '' })
    if (!r.ok) throw new Error('invalid')
    expect(customerPatch(before, r.value, true)).toEqual({ creditLimitCents: -1 })
    const r2 = customerSchema(true)({ ...emptyCustomer(2), name: 'Asha R', phone: '98450 99999', creditLimit: '1000' })
    if (!r2.ok) throw new Error('invalid')
    expect(customerPatch(before, r2.value, true)).toEqual({ name: 'Asha R', phone: '98450 99999', uniquePhone: true })
    // A vendor never sends the admin fields.
    expect(customerPatch(before, { ...r2.value, vendorId: 3, creditLimitCents: 5 }, false)).toEqual({ name: 'Asha R', phone: '98450 99999', uniquePhone: true })
  })
})

describe('subscription, pause and one-off schemas', () => {
  const sub = { productId: '3', quantity: '2', frequency: 'daily' as const, days: [], shift: 'morning' as const, startsOn: '2026-12-01', endsOn: '' }
  it('checks the subscription like POST /api/subscriptions', () => {
    expect(subscriptionSchema(17)(sub)).toEqual({ ok: true, value: { customerId: 17, productId: 3, quantity: 2, frequency: 'daily', shift: 'morning', startsOn: '2026-12-01' } })
    const bad = subscriptionSchema(17)({ ...sub, productId: '', quantity: '10001', frequency: 'custom', endsOn: '2026-11-30' })
    expect(bad.ok ? {} : bad.errors).toEqual({
      productId: 'Choose a product.', quantity: 'Quantity must be a whole number from 1 to 10,000.', days: 'Choose at least one day.', endsOn: 'The end must not be before the start.',
    })
    const weekly = subscriptionSchema(17)({ ...sub, frequency: 'weekly', days: ['thu', 'mon'] })
    expect(weekly.ok).toBe(false)
    const custom = subscriptionSchema(17)({ ...sub, frequency: 'custom', days: ['thu', 'mon'] })
    expect(custom.ok && custom.value.days).toEqual(['mon', 'thu'])
  })
  it('checks a pause: real dates, in order, at most 366 days, not over', () => {
    const p = pauseSchema('2026-12-10')
    expect(p({ from: '2026-12-20', to: '2026-12-27' }).ok).toBe(true)
    expect(p({ from: '2026-12-20', to: '2026-12-19' })).toEqual({ ok: false, errors: { to: 'The last day must not be before the first.' } })
    expect(p({ from: '2026-12-01', to: '2026-12-09' })).toEqual({ ok: false, errors: { to: 'This pause is already over.' } })
    expect(p({ from: '2026-12-20', to: '2027-12-21' })).toEqual({ ok: false, errors: { to: 'A pause is at most 366 days.' } })
    expect(p({ from: '2026-02-30', to: '2026-12-21' }).ok).toBe(false)
  })
  it('checks a one-off delivery like POST /api/deliveries', () => {
    const o = oneOffSchema(17)
    const v = { productId: '', items: 'Paneer', quantity: '2', amount: '180', scheduledFor: '2026-12-02', shift: '' as const, note: '' }
    expect(o(v)).toEqual({ ok: true, value: { customerId: 17, items: 'Paneer', quantity: 2, amountCents: 18000, scheduledFor: '2026-12-02', note: '' } })
    const bad = o({ ...v, items: 'x'.repeat(201), amount: '1.234', quantity: '0' })
    expect(bad.ok ? [] : Object.keys(bad.errors)).toEqual(['items', 'quantity', 'amountCents'])
  })
})

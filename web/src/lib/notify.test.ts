import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { groupTitle, loadPrefs, mergeNotice, noticeFor, savePrefs } from './notify'
import { ToastStore } from './toast'
import type { ActivityEntry } from './types'

const delivered = (i: number, actorName = 'Ravi'): ActivityEntry => ({
  seq: 100 + i,
  at: '2026-12-02T04:00:00Z',
  actorId: 3,
  actorName,
  action: 'delivery.updated',
  entity: 'delivery',
  entityId: i,
  vendorId: 2,
  summary: '',
  payload: {
    delivery: { id: i, customerId: i, customerName: `Customer ${i}`, vendorId: 2, scheduledFor: '2026-12-02', items: 'Milk 1L', quantity: 2, amountCents: 11000, status: 'delivered', note: '', createdAt: '', updatedAt: '' },
    previousStatus: 'out_for_delivery',
  },
})

const payment = (cents: number): ActivityEntry => ({
  seq: 1,
  at: '2026-12-02T04:00:00Z',
  actorId: 1,
  actorName: 'Demo Admin',
  action: 'payment.added',
  entity: 'payment',
  entityId: 9,
  vendorId: 2,
  summary: '',
  payload: { payment: { id: 9, customerId: 17, vendorId: 2, amountCents: cents, method: 'upi', reference: '', recordedBy: 1, createdAt: '' }, customer: { id: 17, balanceCents: 0 } },
})

describe('noticeFor', () => {
  it('says who acted, with the currency', () => {
    const n = noticeFor(payment(64000), { name: () => 'Asha Rao' })!
    expect(n.kind).toBe('payment')
    expect(n.toast.title).toBe('₹640.00 received')
    expect(n.toast.body).toBe('Asha Rao · UPI · by Demo Admin')
    const d = noticeFor(delivered(1))!
    expect(d.toast.title).toBe('Delivered to Customer 1')
    expect(d.toast.body).toContain('by Ravi')
  })
  it('ignores what does not pop up', () => {
    expect(noticeFor({ ...delivered(1), payload: { ...(delivered(1).payload as object), previousStatus: 'delivered' } })).toBeNull()
    expect(noticeFor({ ...payment(1), action: 'customer.updated' })).toBeNull()
  })
})

describe('ToastStore grouping and holding', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('groups a burst into one toast with the count and total', () => {
    const store = new ToastStore()
    for (let i = 1; i <= 5; i++) {
      const n = noticeFor(delivered(i))!
      store.push(n.toast, n.ttlMs, mergeNotice(n))
    }
    expect(store.list()).toHaveLength(1)
    const t = store.list()[0]!
    expect(t.count).toBe(5)
    expect(t.title).toBe('5 deliveries delivered · ₹550.00')
    expect(t.body).toBe('By Ravi · latest: Delivered to Customer 5')
  })

  it('keeps kinds apart and restarts a group’s time when it grows', () => {
    const store = new ToastStore()
    const d = noticeFor(delivered(1))!
    const p = noticeFor(payment(100), { name: () => 'A' })!
    store.push(d.toast, 4_000, mergeNotice(d))
    store.push(p.toast, 6_000, mergeNotice(p))
    expect(store.list()).toHaveLength(2)
    vi.advanceTimersByTime(3_000)
    store.push(d.toast, 4_000, mergeNotice(d))
    vi.advanceTimersByTime(3_000)
    expect(store.list().map((t) => t.count)).toEqual([2]) // the payment timed out, the grown group did not
    vi.advanceTimersByTime(1_100)
    expect(store.list()).toHaveLength(0)
  })

  it('holds toasts while held, then shows them grouped', () => {
    const store = new ToastStore()
    const release = store.hold()
    for (let i = 1; i <= 10; i++) {
      const n = noticeFor(delivered(i))!
      store.push(n.toast, n.ttlMs, mergeNotice(n))
    }
    expect(store.list()).toHaveLength(0)
    expect(store.pending()).toBe(1)
    release()
    release() // twice is harmless
    expect(store.list()).toHaveLength(1)
    expect(store.list()[0]!.title).toBe(groupTitle('delivered', 10) + ' · ₹1,100.00')
  })

  it('groups by person: another actor’s burst is its own toast', () => {
    const store = new ToastStore()
    for (const who of ['Ravi', 'Meena', 'Ravi']) {
      const n = noticeFor({ ...delivered(1, who), actorId: who === 'Ravi' ? 3 : 4 })!
      store.push(n.toast, n.ttlMs, mergeNotice(n))
    }
    expect(store.list().map((t) => [t.count, t.body])).toEqual([
      [2, 'By Ravi · latest: Delivered to Customer 1'],
      [1, 'Milk 1L × 2 · ₹110.00 · 2 Dec 2026 · by Ravi'.replace('Ravi', 'Meena')],
    ])
  })

  it('takes down what is showing when a hold starts, and brings it back after', () => {
    const store = new ToastStore()
    store.push({ kind: 'info', title: 'x' })
    const release = store.hold()
    expect(store.list()).toHaveLength(0)
    release()
    expect(store.list().map((t) => t.title)).toEqual(['x'])
  })
})

describe('pop-up choices', () => {
  it('are stored per user, defaulting to everything', () => {
    const mem = new Map<string, string>()
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) } as unknown as Storage
    expect(loadPrefs(1, storage).payment).toBe(true)
    savePrefs(1, { payment: false, delivered: true, failed: true, reversal: true }, storage)
    expect(loadPrefs(1, storage).payment).toBe(false)
    expect(loadPrefs(2, storage).payment).toBe(true)
    mem.set('livedesk.popups.3', 'not json')
    expect(loadPrefs(3, storage).delivered).toBe(true)
  })
})

describe('reversal notices', () => {
  it('say what was reversed, why, and by whom', () => {
    const n = noticeFor({
      seq: 5, at: '', actorId: 1, actorName: 'Demo Admin', action: 'payment.reversed', entity: 'payment', entityId: 9, vendorId: 2, summary: '',
      payload: { reversal: { reason: 'typed twice' }, payment: { amountCents: 450000 }, customer: { id: 17, balanceCents: 450000 } },
    }, { name: () => 'Asha Rao' })!
    expect(n.toast.title).toBe('Payment of ₹4,500.00 reversed')
    expect(n.toast.body).toBe('Asha Rao · typed twice · balance ₹4,500.00 · by Demo Admin')
  })
})

import { DAY_INPUT_ERROR, DAY_INPUT_FORMAT } from '../../lib/format'
import type { Customer, CustomerCreate, CustomerStatus, Frequency, Shift, SubscriptionCreate, SubscriptionUpdate, Weekday } from '../../lib/types'
import { checkText, DAY_RE, type FieldErrors, isDay, MAX_AMOUNT_CENTS, type Parsed, parseAmount, parseWhole, centsToInput } from './formKit'

// One schema per form, each mirroring the server's validation of its route
// (internal/service: validateCustomerFields, validateRoundFields,
// checkCreditLimit; subscriptions and pauses; docs/api.md "Input rules").

// ---- Customer (POST /api/customers, PATCH /api/customers/{id}) ----

export const CUSTOMER_FIELDS = ['name', 'phone', 'email', 'address', 'vendorId', 'areaId', 'position', 'note', 'status', 'creditLimit'] as const
export type CustomerField = (typeof CUSTOMER_FIELDS)[number]
/** The server's field names that the form calls otherwise. */
export const CUSTOMER_ALIASES: Record<string, CustomerField> = { creditLimitCents: 'creditLimit' }

export interface CustomerValues {
  name: string
  phone: string
  email: string
  address: string
  /** '' until an admin picks one; a vendor's own id otherwise. */
  vendorId: string
  /** '0': no area. */
  areaId: string
  position: string
  note: string
  status: CustomerStatus
  /** In major units; '' = the business default. */
  creditLimit: string
  /** Save even if another customer of the vendor has this phone. */
  allowSharedPhone: boolean
}

export function emptyCustomer(vendorId: number | null): CustomerValues {
  return {
    name: '', phone: '', email: '', address: '', vendorId: vendorId ? String(vendorId) : '', areaId: '0',
    position: '0', note: '', status: 'active', creditLimit: '', allowSharedPhone: false,
  }
}

export function customerValues(c: Customer): CustomerValues {
  return {
    name: c.name, phone: c.phone, email: c.email, address: c.address, vendorId: String(c.vendorId), areaId: String(c.areaId || 0),
    position: String(c.position), note: c.note, status: c.status, creditLimit: centsToInput(c.creditLimitCents), allowSharedPhone: false,
  }
}

const PHONE_CHARS = /^[0-9+ \-().]*$/
// The server's own check is net/mail's parser; this refuses what it surely
// refuses (no @, spaces, an empty side) and leaves the rest to its answer.
const EMAIL_RE = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+$/

/** checkPhone mirrors validateCustomerFields' phone rule. */
export function checkPhone(v: string): string | null {
  const t = v.trim()
  if (t === '') return null
  if (!PHONE_CHARS.test(t)) return 'Phone may contain only digits, spaces and + - ( ) .'
  const digits = t.replace(/\D/g, '').length
  if (digits < 6 || t.length > 32) return 'Phone must have 6 to 20 digits.'
  return null
}

export type CustomerInput = CustomerCreate

/**
 * customerSchema checks a customer form for an actor. isAdmin: the vendor
 * and credit limit are admin fields (a vendor's customer is always its own).
 */
export function customerSchema(isAdmin: boolean) {
  return (v: CustomerValues): Parsed<CustomerField, CustomerInput> => {
    const e: FieldErrors<CustomerField> = {}
    const put = (f: CustomerField, m: string | null) => {
      if (m && !e[f]) e[f] = m
    }
    put('name', checkText('Name', v.name, { required: true, max: 200 }))
    put('phone', checkText('Phone', v.phone, { max: 32 }) ?? checkPhone(v.phone))
    const email = v.email.trim().toLowerCase()
    put('email', checkText('Email', v.email, { max: 254 }) ?? (email && !EMAIL_RE.test(email) ? 'Email is not a valid address.' : null))
    put('address', checkText('Address', v.address, { max: 500 }))
    put('note', checkText('Note', v.note, { max: 1000, multiline: true }))
    const position = parseWhole(v.position === '' ? '0' : v.position, 0, 1_000_000)
    if (position === null) put('position', 'Position must be a whole number from 0 to 1,000,000.')
    const vendorId = Number(v.vendorId)
    if (isAdmin && !(vendorId > 0)) put('vendorId', 'Choose the vendor.')
    let creditLimitCents: number | undefined
    if (isAdmin && v.creditLimit.trim() !== '') {
      const c = parseAmount(v.creditLimit)
      if (c === null || c > MAX_AMOUNT_CENTS) put('creditLimit', 'Credit limit must be an amount from 0 to 1,000,000,000, with at most two decimals.')
      else creditLimitCents = c
    }
    if (!['active', 'paused', 'inactive'].includes(v.status)) put('status', 'Status must be active, paused or inactive.')
    if (Object.keys(e).length > 0) return { ok: false, errors: e }
    const out: CustomerInput = {
      name: v.name.trim(), phone: v.phone.trim(), email, address: v.address.trim(), status: v.status,
      vendorId, areaId: Number(v.areaId) || 0, position: position ?? 0, note: v.note.trim(),
    }
    if (creditLimitCents !== undefined) out.creditLimitCents = creditLimitCents
    if (!v.allowSharedPhone) out.uniquePhone = true
    return { ok: true, value: out }
  }
}

/**
 * customerPatch is the PATCH body for an edit: the fields that changed
 * (the server records only those), -1 to clear a credit limit.
 */
export function customerPatch(before: Customer, next: CustomerInput, isAdmin: boolean): Partial<CustomerInput> {
  const out: Partial<CustomerInput> = {}
  if (next.name !== before.name) out.name = next.name
  if (next.phone !== before.phone) out.phone = next.phone
  if (next.email !== before.email) out.email = next.email
  if (next.address !== before.address) out.address = next.address
  if (next.status !== before.status) out.status = next.status
  if ((next.areaId ?? 0) !== (before.areaId || 0)) out.areaId = next.areaId
  if ((next.position ?? 0) !== before.position) out.position = next.position
  if ((next.note ?? '') !== before.note) out.note = next.note
  if (isAdmin) {
    if (next.vendorId !== before.vendorId) out.vendorId = next.vendorId
    if (next.creditLimitCents !== before.creditLimitCents) out.creditLimitCents = next.creditLimitCents ?? -1
  }
  if (next.uniquePhone && (out.phone !== undefined || out.vendorId !== undefined)) out.uniquePhone = true
  return out
}

// ---- Subscription (POST /api/subscriptions, PATCH /api/subscriptions/{id}) ----

export const SUBSCRIPTION_FIELDS = ['productId', 'quantity', 'frequency', 'days', 'shift', 'startsOn', 'endsOn'] as const
export type SubscriptionField = (typeof SUBSCRIPTION_FIELDS)[number]
export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

export interface SubscriptionValues {
  productId: string
  quantity: string
  frequency: Frequency
  days: Weekday[]
  shift: Shift
  startsOn: string
  endsOn: string
}

export function subscriptionSchema(customerId: number) {
  return (v: SubscriptionValues): Parsed<SubscriptionField, SubscriptionCreate> => {
    const e: FieldErrors<SubscriptionField> = {}
    const productId = Number(v.productId)
    if (!(productId > 0)) e.productId = 'Choose a product.'
    const quantity = parseWhole(v.quantity, 1, 10_000)
    if (quantity === null) e.quantity = 'Quantity must be a whole number from 1 to 10,000.'
    if (!['daily', 'alternate', 'weekly', 'custom'].includes(v.frequency)) e.frequency = 'Choose how often.'
    const days = WEEKDAYS.filter((d) => v.days.includes(d))
    if (v.frequency === 'custom' && days.length === 0) e.days = 'Choose at least one day.'
    if (v.frequency === 'weekly' && days.length > 1) e.days = 'A weekly order has one day.'
    if (v.shift !== 'morning' && v.shift !== 'evening') e.shift = 'Choose the shift.'
    if (v.startsOn && !isDay(v.startsOn)) e.startsOn = DAY_INPUT_ERROR
    if (v.endsOn && !isDay(v.endsOn)) e.endsOn = DAY_INPUT_ERROR
    else if (v.endsOn && v.startsOn && DAY_RE.test(v.startsOn) && v.endsOn < v.startsOn) e.endsOn = 'The end must not be before the start.'
    if (Object.keys(e).length > 0) return { ok: false, errors: e }
    const out: SubscriptionCreate = { customerId, productId, quantity: quantity ?? 1, frequency: v.frequency, shift: v.shift, startsOn: v.startsOn }
    if (v.frequency === 'custom' || v.frequency === 'weekly') out.days = days
    if (v.endsOn) out.endsOn = v.endsOn
    return { ok: true, value: out }
  }
}

/** subscriptionUpdate is the PATCH body of an edit (product and start are fixed once created). */
export function subscriptionUpdate(c: SubscriptionCreate): SubscriptionUpdate {
  return { quantity: c.quantity, frequency: c.frequency, days: c.days ?? [], shift: c.shift, endsOn: c.endsOn ?? '' }
}

// ---- Pause (POST /api/subscriptions/{id}/pauses) ----

export const PAUSE_FIELDS = ['from', 'to'] as const
export type PauseField = (typeof PAUSE_FIELDS)[number]
export interface PauseValues {
  from: string
  to: string
}

/** pauseSchema: a real date range of at most 366 days, not already over. */
export function pauseSchema(today: string) {
  return (v: PauseValues): Parsed<PauseField, PauseValues> => {
    const e: FieldErrors<PauseField> = {}
    if (!isDay(v.from)) e.from = `Enter the first day of the pause as ${DAY_INPUT_FORMAT}.`
    if (!isDay(v.to)) e.to = `Enter the last day of the pause as ${DAY_INPUT_FORMAT}.`
    if (!e.from && !e.to) {
      const days = (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000 + 1
      if (v.to < v.from) e.to = 'The last day must not be before the first.'
      else if (days > 366) e.to = 'A pause is at most 366 days.'
      else if (today && v.to < today) e.to = 'This pause is already over.'
    }
    return Object.keys(e).length > 0 ? { ok: false, errors: e } : { ok: true, value: v }
  }
}

// ---- One-off delivery (POST /api/deliveries) ----

/** DeliveryCreate is the body of POST /api/deliveries (domain.DeliveryCreate). */
export interface DeliveryCreate {
  customerId: number
  scheduledFor: string
  items: string
  quantity: number
  amountCents: number
  note: string
  shift?: Shift
}

export const ONEOFF_FIELDS = ['items', 'quantity', 'amountCents', 'scheduledFor', 'shift', 'note'] as const
export type OneOffField = (typeof ONEOFF_FIELDS)[number]
export interface OneOffValues {
  productId: string
  items: string
  quantity: string
  amount: string
  scheduledFor: string
  /** '' = on every shift's round of the day. */
  shift: Shift | ''
  note: string
}

export function oneOffSchema(customerId: number) {
  return (v: OneOffValues): Parsed<OneOffField, DeliveryCreate> => {
    const e: FieldErrors<OneOffField> = {}
    const items = checkText('What to deliver', v.items, { required: true, max: 200 })
    if (items) e.items = items
    const quantity = parseWhole(v.quantity, 1, 10_000)
    if (quantity === null) e.quantity = 'Quantity must be a whole number from 1 to 10,000.'
    const amount = parseAmount(v.amount)
    if (amount === null || amount > MAX_AMOUNT_CENTS) e.amountCents = 'Amount must be from 0 to 1,000,000,000, with at most two decimals.'
    if (!isDay(v.scheduledFor)) e.scheduledFor = DAY_INPUT_ERROR
    const note = checkText('Note', v.note, { max: 1000, multiline: true })
    if (note) e.note = note
    if (Object.keys(e).length > 0) return { ok: false, errors: e }
    const out: DeliveryCreate = {
      customerId, items: v.items.trim(), quantity: quantity ?? 1, amountCents: amount ?? 0, scheduledFor: v.scheduledFor, note: v.note.trim(),
    }
    if (v.shift) out.shift = v.shift
    return { ok: true, value: out }
  }
}

// Customers, their balances and the customer import.

import type { CustomerStatus, Frequency, Shift } from './common'

export interface Customer {
  id: number
  name: string
  phone: string
  email: string
  address: string
  status: CustomerStatus
  vendorId: number
  balanceCents: number
  createdAt: string
  updatedAt: string
  /** 0 when the customer has no area. */
  areaId: number
  position: number
  note: string
  /** The most the customer may owe (balance_over_limit alert); absent: the business default. */
  creditLimitCents?: number
  /** The latest payment not reversed; on the customers list only, absent when it never paid. */
  lastPaymentAt?: string
}

export interface CustomerCreate {
  name: string
  phone: string
  email: string
  address: string
  status: CustomerStatus
  vendorId: number
  areaId?: number
  position?: number
  note?: string
  /** Admins only; absent: the business default. On update, -1 clears it. */
  creditLimitCents?: number
  /** Refuse (409 CONFLICT, field phone) a phone another customer of the vendor has. */
  uniquePhone?: boolean
}

/** CustomerSort orders GET /api/customers; "-" first for descending. */
export type CustomerSort = 'name' | '-name' | 'balance' | '-balance' | 'lastPayment' | '-lastPayment'

export interface CustomerBalance {
  id: number
  balanceCents: number
}

/** ImportRowError is one problem of an import row, naming its column. */
export interface ImportRowError {
  column: string
  message: string
}

/** ImportRow is one data row of POST /api/imports/customers (row: its line; the header is 1). */
export interface ImportRow {
  row: number
  action: 'create' | 'exists' | 'error'
  name: string
  phone: string
  email?: string
  address: string
  area?: string
  newArea?: boolean
  vendorId?: number
  vendorName?: string
  openingBalanceCents: number
  product?: string
  productId?: number
  quantity?: number
  frequency?: Frequency
  days?: string[]
  shift?: Shift
  customerId?: number
  subscriptionId?: number
  errors: ImportRowError[]
}

/** CustomerImport answers POST /api/imports/customers: the preview, or the result when applied. */
export interface CustomerImport {
  applied: boolean
  importIds: number[]
  fileSha256: string
  total: number
  create: number
  exists: number
  errors: number
  subscriptions: number
  openingBalanceCents: number
  newAreas: string[]
  rows: ImportRow[]
}

/** CustomerImported is the payload of a customers.imported activity entry. */
export interface CustomerImported {
  importId: number
  vendorId: number
  created: number
  existing: number
  subscriptions: number
  openingBalanceCents: number
  areasCreated: string[]
  customerIds: number[]
}

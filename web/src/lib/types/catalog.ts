// Products, customer rates, areas, subscriptions and their pauses (issue 16).

import type { Frequency, Shift, SubscriptionStatus, Weekday } from './common'

export interface Product {
  id: number
  vendorId: number
  name: string
  unit: string
  /** Price per unit. */
  priceCents: number
  active: boolean
  createdAt: string
  updatedAt: string
}

export interface ProductCreate {
  vendorId?: number
  name: string
  unit: string
  priceCents: number
  active?: boolean
}

export interface CustomerRate {
  customerId: number
  productId: number
  vendorId: number
  priceCents: number
  updatedAt: string
}

export interface Area {
  id: number
  vendorId: number
  name: string
  sortOrder: number
  createdAt: string
  updatedAt: string
}

export interface Pause {
  id: number
  subscriptionId: number
  from: string
  to: string
  createdAt: string
}

export interface Subscription {
  id: number
  customerId: number
  vendorId: number
  productId: number
  productName: string
  unit: string
  quantity: number
  frequency: Frequency
  days: Weekday[]
  shift: Shift
  startsOn: string
  endsOn?: string
  status: SubscriptionStatus
  pauses: Pause[]
  createdAt: string
  updatedAt: string
}

export interface SubscriptionCreate {
  customerId: number
  productId: number
  quantity: number
  frequency: Frequency
  days?: Weekday[]
  shift: Shift
  startsOn: string
  endsOn?: string
}

export interface SubscriptionUpdate {
  quantity?: number
  frequency?: Frequency
  days?: Weekday[]
  shift?: Shift
  /** '' removes the end date. */
  endsOn?: string
  status?: SubscriptionStatus
}

// Figures: the dashboard's stats, analytics series, vendor metrics and the
// richer analytics (GET /api/analytics/ageing, /products, /areas, /vendors).

import type { Interval, UserStatus } from './common'

export interface DeliveryCounts {
  total: number
  scheduled: number
  outForDelivery: number
  delivered: number
  failed: number
  cancelled: number
  /** The customer did not take it that day: outside total, like cancelled. */
  skipped: number
  /** Delivered, then reversed: in neither total nor delivered. */
  reversed: number
}

export interface Stats {
  /** IANA name of the business time zone, e.g. "Asia/Kolkata". */
  timezone: string
  /** The day the figures are for: YYYY-MM-DD in `timezone`. */
  today: string
  activeCustomers: number
  deliveriesToday: DeliveryCounts
  revenueTodayCents: number
  revenueMonthCents: number
  paymentsToday: number
  paymentsTodayCents: number
  outstandingCents: number
  activeVendors: number
  seq: number
  /** The event-log epoch `seq` belongs to (cursor: `${epoch}:${seq}`). */
  epoch: string
  at: string
}

export interface AnalyticsPoint {
  period: string
  /** What the bucket covers, RFC 3339 with the business zone's offset (end exclusive). */
  start: string
  end: string
  /** The range cuts the period, or it is not over yet. */
  partial: boolean
  revenueCents: number
  paymentsCents: number
  newCustomers: number
  deliveries: number
  delivered: number
  /** paymentsCents / revenueCents (payments over charges); null when nothing was charged. */
  collectionRate: number | null
  /** Customers with a counted subscription delivery scheduled in the bucket. */
  activeSubscribers: number
}

export interface VendorRank {
  vendorId: number
  name: string
  revenueCents: number
  deliveries: number
  customers: number
}

export interface Analytics {
  timezone: string
  from: string
  to: string
  interval: Interval
  series: AnalyticsPoint[]
  topVendors: VendorRank[]
  seq: number
}

export interface VendorMetrics {
  vendorId: number
  customers: number
  activeCustomers: number
  deliveries30d: number
  delivered30d: number
  revenueCents30d: number
  outstandingCents: number
}

export type AgeingBucketName = '0-30' | '31-60' | '61-90' | '90+'

export interface AgeingBucket {
  bucket: AgeingBucketName
  minDays: number
  /** null for 90+ */
  maxDays: number | null
  customers: number
  balanceCents: number
}

export interface AgeingCustomer {
  customerId: number
  name: string
  vendorId: number
  balanceCents: number
  /** Day of the oldest charge that payments (oldest charge first) leave unpaid. */
  oldestUnpaidOn: string
  ageDays: number
  bucket: AgeingBucketName
}

export interface DuesAgeing {
  timezone: string
  asOf: string
  vendorId?: number
  totalCents: number
  buckets: AgeingBucket[]
  customers: AgeingCustomer[]
  seq: number
}

export interface BreakdownRow {
  /** null: deliveries without a product (one-offs) or an area of the delivering vendor. */
  id: number | null
  name: string
  vendorId: number
  unit?: string
  revenueCents: number
  quantity: number
  delivered: number
}

export interface Breakdown {
  timezone: string
  from: string
  to: string
  by: 'product' | 'area'
  rows: BreakdownRow[]
  seq: number
}

export interface VendorFigures {
  vendorId: number
  name: string
  status: UserStatus
  revenueCents: number
  paymentsCents: number
  collectionRate: number | null
  deliveries: number
  delivered: number
  failed: number
  quantity: number
  activeSubscribers: number
  activeCustomers: number
  outstandingCents: number
}

export interface VendorComparison {
  timezone: string
  from: string
  to: string
  vendors: VendorFigures[]
  seq: number
}

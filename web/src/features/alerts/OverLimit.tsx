import { useCallback, useMemo } from 'react'
import { useSettings } from '../../lib/settings'
import type { Customer, Role } from '../../lib/types'
import { overLimitCustomers } from './model'
import { useAlerts } from './queries'
import './alerts.css'

/**
 * useOverLimit is the customers over their credit limit: those with a
 * balance_over_limit alert open or acknowledged (the server's judgement,
 * live through the alert events). Admins only (alerts are admins'); empty
 * for others.
 */
export function useOverLimit(isAdmin: boolean): Set<number> {
  const open = useAlerts('open', isAdmin)
  const acked = useAlerts('acked', isAdmin)
  return useMemo(() => overLimitCustomers([...(open.data ?? []), ...(acked.data ?? [])]), [open.data, acked.data])
}

/** creditLimit is a customer's credit limit: its own, or the business default. */
export function creditLimit(c: Pick<Customer, 'creditLimitCents'>, defaultCents: number): number {
  return c.creditLimitCents ?? defaultCents
}

/** isOverLimit says whether a customer owes more than its credit limit. */
export function isOverLimit(c: Pick<Customer, 'balanceCents' | 'creditLimitCents'>, defaultCents: number): boolean {
  return c.balanceCents > creditLimit(c, defaultCents)
}

/**
 * useOverLimitMark says which customers to mark "Over limit" for the
 * signed-in role. Admins: the open and acknowledged balance_over_limit
 * alerts. Vendors never see alerts (issue 18), but the customers they are
 * shown are their own, so their marks come from those customers' balance
 * and limit (live with customer:updated). Staff: none.
 */
export function useOverLimitMark(role: Role | undefined): (c: Pick<Customer, 'id' | 'balanceCents' | 'creditLimitCents'>) => boolean {
  const alerted = useOverLimit(role === 'admin')
  const { defaultCreditLimitCents } = useSettings()
  return useCallback(
    (c) => (role === 'admin' ? alerted.has(c.id) : role === 'vendor' ? isOverLimit(c, defaultCreditLimitCents) : false),
    [role, alerted, defaultCreditLimitCents],
  )
}

/** OverLimitMark marks a customer row whose balance is above its credit limit. */
export function OverLimitMark() {
  return (
    <span className="badge badge-overlimit" title="Balance above the credit limit" data-testid="over-limit">
      Over limit
    </span>
  )
}

import { useQuery, useQueryClient } from '@tanstack/react-query'
import { customerName } from '../../app/Notifications'
import { Link } from '../../app/router'
import { Drawer } from '../../components/Drawer'
import { Badge, Empty, ErrorState, Loading } from '../../components/States'
import { formatDay, formatMoney, formatWhen, humanize } from '../../lib/format'
import { useApi } from '../../lib/services'
import type { Delivery, ListResponse, Payment } from '../../lib/types'

export type TodayList = 'payments' | 'deliveries'

/**
 * TodayDrawer lists what a stat card counts: today's payments or today's
 * deliveries (the business's today), each opening its customer.
 */
export function TodayDrawer({ list, today, onClose }: { list: TodayList; today: string; onClose: () => void }) {
  const api = useApi()
  const qc = useQueryClient()
  const q = useQuery({
    queryKey: ['today', list, today],
    queryFn: () => api.get<ListResponse<Payment | Delivery>>(`/api/${list}`, { from: today, to: today, limit: 200 }),
  })
  const title = list === 'payments' ? `Payments on ${formatDay(today)}` : `Deliveries on ${formatDay(today)}`
  const items = q.data?.items ?? []
  return (
    <Drawer title={title} onClose={onClose}>
      {q.isPending ? (
        <Loading rows={5} />
      ) : q.isError && !q.data ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <Empty title={list === 'payments' ? 'No payments yet today' : 'No deliveries today'} />
      ) : (
        <>
          {q.data && q.data.total > items.length && (
            <p className="muted small">
              The first {items.length} of {q.data.total}.
            </p>
          )}
          <ul className="list" data-testid={`today-${list}`}>
            {list === 'payments'
              ? (items as Payment[]).map((p) => (
                  <li key={p.id} className={`list-row ${p.reversedAt ? 'is-reversed' : ''}`}>
                    <Link to={`/customers/${p.customerId}`} className="row-link">
                      <div className="cell-main">{formatMoney(p.amountCents)}</div>
                      <div className="cell-sub">
                        {customerName(qc, p.customerId) ?? `Customer #${p.customerId}`} · {humanize(p.method)} · {formatWhen(p.createdAt)}
                      </div>
                    </Link>
                  </li>
                ))
              : (items as Delivery[]).map((d) => (
                  <li key={d.id} className={`list-row ${d.reversedAt ? 'is-reversed' : ''}`}>
                    <Link to={`/customers/${d.customerId}`} className="row-link">
                      <div className="cell-main">{d.customerName || `Customer #${d.customerId}`}</div>
                      <div className="cell-sub">
                        {d.items || 'Delivery'} × {d.quantity} · {formatMoney(d.amountCents)}
                      </div>
                    </Link>
                    <Badge value={d.reversedAt ? 'reversed' : d.status} />
                  </li>
                ))}
          </ul>
        </>
      )}
    </Drawer>
  )
}

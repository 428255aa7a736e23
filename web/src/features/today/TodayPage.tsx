import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { Empty, ErrorState, Loading } from '../../components/States'
import { useOverLimit } from '../alerts/OverLimit'
import { formatDay, formatNumber } from '../../lib/format'
import { useServices, useSession } from '../../lib/services'
import type { Area, Round, Shift, User } from '../../lib/types'
import { CollectPayment } from '../offline/CollectPayment'
import { ConfirmDialog } from './ConfirmDialog'
import { Counters } from './Counters'
import { useAreaChoices, useGenerate, useRound, useRoundParams, useRoundWrites, useVendorChoices } from './hooks'
import { countersOf, groupByArea, openIds, waitingOf, withPending } from './logic'
import { Stop } from './Stop'
import './today.css'

const SHIFT_LABEL: Record<Shift, string> = { morning: 'Morning', evening: 'Evening' }

const PHONE = '(max-width: 760px)'

/** usePhone says whether the screen is phone-sized (the stylesheet's phone width). */
function usePhone(): boolean {
  return useSyncExternalStore(
    (fn) => {
      if (typeof window.matchMedia !== 'function') return () => {}
      const mq = window.matchMedia(PHONE)
      mq.addEventListener('change', fn)
      return () => mq.removeEventListener('change', fn)
    },
    () => typeof window.matchMedia === 'function' && window.matchMedia(PHONE).matches,
  )
}

/**
 * useHoldOnPhone: on a phone the round fills the screen and is worked
 * stop by stop, so a toast anywhere would sit over some stop's buttons.
 * Toasts wait while the round is open on a phone (its counters and stops
 * update live anyway) and show, grouped, once it is left.
 */
function useHoldOnPhone() {
  const { toasts } = useServices()
  const phone = usePhone()
  useEffect(() => (phone ? toasts.hold() : undefined), [phone, toasts])
}

/**
 * TodayPage is the day's round for the people working it: one shift, in
 * walking order by area, with live counters and one-tap outcomes.
 */
export function TodayPage() {
  useHoldOnPhone()
  const session = useSession()
  const role = session?.user.role
  const manages = role === 'admin' || role === 'vendor'
  const overLimit = useOverLimit(role === 'admin')
  const { params, shifts, set } = useRoundParams()
  const round = useRound(params)
  const writes = useRoundWrites()
  const generate = useGenerate()
  const [confirming, setConfirming] = useState(false)
  const r = round.data
  const stops = useMemo(() => r?.stops ?? [], [r])
  // The figures include what this device recorded and has not sent yet
  // (offline): a stop marked delivered in a basement counts as delivered,
  // with a "waiting to send" marker, not as still to do.
  const groups = useMemo(() => groupByArea(stops, writes.sending), [stops, writes.sending])
  const counters = useMemo(() => {
    if (!r) return undefined
    const seen = withPending(stops, writes.sending)
    return seen === stops ? r.counters : countersOf(seen, r.counters)
  }, [r, stops, writes.sending])
  const waiting = useMemo(() => waitingOf(stops, writes.sending), [stops, writes.sending])
  const units = useMemo(() => new Map((r?.counters.quantities ?? []).map((q) => [q.productId, q.unit])), [r])
  const rest = openIds(stops).filter((id) => !writes.sending.has(id))
  // Both shifts: "today" is the whole day, whichever tab is open.
  const generateBody = { date: r?.date, vendorId: params.vendorId }
  let number = 0

  return (
    <div className="page today">
      <div className="page-head today-head">
        <div>
          <h1>Today</h1>
          <p className="muted">{r ? `${formatDay(r.date)} · ${SHIFT_LABEL[params.shift]} round` : `${SHIFT_LABEL[params.shift]} round`}</p>
        </div>
        {manages && (
          <button type="button" className="btn btn-secondary" disabled={generate.isPending} onClick={() => generate.mutate(generateBody)} data-testid="generate-today">
            {generate.isPending ? 'Generating…' : 'Generate today'}
          </button>
        )}
      </div>

      <div className="today-tabs" role="tablist" aria-label="Shift">
        {shifts.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            id={`shift-${s}`}
            aria-selected={params.shift === s}
            aria-controls="round-panel"
            className={`today-tab ${params.shift === s ? 'is-active' : ''}`}
            onClick={() => set({ shift: s })}
          >
            {SHIFT_LABEL[s]}
          </button>
        ))}
      </div>

      <Filters role={role} vendorId={params.vendorId} areaId={params.areaId} round={r} set={set} />

      <div
        id="round-panel"
        role="tabpanel"
        aria-labelledby={`shift-${params.shift}`}
        aria-busy={round.isPlaceholderData || undefined}
        className={`today-panel ${round.isPlaceholderData ? 'is-stale' : ''}`}
      >
        {round.isPending ? (
          <Loading rows={4} label="Loading the round" />
        ) : round.isError && !r ? (
          <ErrorState error={round.error} retry={() => void round.refetch()} />
        ) : r ? (
          <>
            <Counters counters={counters ?? r.counters} waiting={waiting} />
            {generate.isError && (
              <p className="form-error" role="alert">
                The day was not generated: {generate.error.message}
              </p>
            )}
            {rest.length > 0 && (
              <button type="button" className="btn btn-primary btn-block today-rest" onClick={() => setConfirming(true)} data-testid="mark-rest">
                Mark the rest delivered ({formatNumber(rest.length)})
              </button>
            )}
            {stops.length === 0 ? (
              <Empty title={`Nothing on the ${params.shift} round`}>
                {manages
                  ? 'Deliveries are made from the subscriptions at the start of each day. Generate today to make them now.'
                  : 'No deliveries are due on this round.'}
                {manages && (
                  <button type="button" className="btn btn-primary today-empty-cta" disabled={generate.isPending} onClick={() => generate.mutate(generateBody)}>
                    Generate today
                  </button>
                )}
              </Empty>
            ) : (
              groups.map((g) => (
                <section key={g.areaId} className="round-area" aria-labelledby={`area-${g.areaId}`}>
                  <h2 id={`area-${g.areaId}`} className="round-area-head">
                    {g.areaName}
                    <span className="muted small">
                      {' '}
                      · {g.open === 0 ? 'done' : `${g.open} of ${g.stops.length} left`}
                    </span>
                  </h2>
                  <ol className="round-stops">
                    {g.stops.map((s) => {
                      number++
                      const id = s.delivery.id
                      return (
                        <Stop
                          key={id}
                          stop={s}
                          number={number}
                          unit={units.get(s.delivery.productId ?? 0) ?? ''}
                          sending={writes.sending.get(id)}
                          trouble={writes.trouble.get(id)}
                          linkCustomer={manages}
                          overLimit={overLimit.has(s.delivery.customerId)}
                          onRecord={(o) => void writes.record([id], o)}
                          onRetry={() => writes.retry(id)}
                          onDismiss={() => writes.dismiss(id)}
                        >
                          <CollectPayment customerId={s.delivery.customerId} name={s.delivery.customerName || `Customer #${s.delivery.customerId}`} />
                        </Stop>
                      )
                    })}
                  </ol>
                </section>
              ))
            )}
          </>
        ) : null}
      </div>

      {confirming && (
        <ConfirmDialog
          title={`Mark ${rest.length} ${rest.length === 1 ? 'stop' : 'stops'} delivered?`}
          confirmLabel={`Mark ${rest.length} delivered`}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false)
            void writes.record(rest, { status: 'delivered' })
          }}
        >
          <p>
            Every stop of this list that is still to do or out ({rest.length}) becomes delivered, and each customer is charged for it. Stops already
            marked keep their outcome.
          </p>
        </ConfirmDialog>
      )}
    </div>
  )
}

/** Filters choose the vendor (admins) and the area of the round. */
function Filters({
  role,
  vendorId,
  areaId,
  round,
  set,
}: {
  role: User['role'] | undefined
  vendorId: number | undefined
  areaId: number | undefined
  round: Round | undefined
  set: (p: { vendorId?: number; areaId?: number }) => void
}) {
  const isAdmin = role === 'admin'
  const vendors = useVendorChoices(isAdmin)
  const areas = useAreaChoices(vendorId ?? 0, role === 'admin' || role === 'vendor')
  // Staff may not list areas: their choices are the areas their round has shown.
  const seen = useRef(new Map<number, string>())
  for (const s of round?.stops ?? []) if (s.areaId) seen.current.set(s.areaId, s.areaName)
  const vendorName = new Map((vendors.data?.items ?? []).map((v) => [v.id, v.name]))
  const choices: Array<Pick<Area, 'id' | 'name' | 'vendorId'>> =
    role === 'staff' ? [...seen.current].map(([id, name]) => ({ id, name, vendorId: 0 })) : (areas.data?.items ?? [])
  const manyVendors = new Set(choices.map((a) => a.vendorId)).size > 1
  return (
    <div className="filters today-filters">
      {isAdmin && (
        <label className="field">
          Vendor
          <select value={vendorId ?? ''} onChange={(e) => set({ vendorId: Number(e.target.value) || undefined, areaId: undefined })}>
            <option value="">All vendors</option>
            {(vendors.data?.items ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field">
        Area
        <select value={areaId ?? ''} onChange={(e) => set({ areaId: Number(e.target.value) || undefined })}>
          <option value="">All areas</option>
          {choices.map((a) => (
            <option key={a.id} value={a.id}>
              {manyVendors && vendorName.get(a.vendorId) ? `${a.name} (${vendorName.get(a.vendorId)})` : a.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}

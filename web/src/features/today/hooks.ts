import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useRef } from 'react'
import { navigate, useLocation } from '../../app/router'
import { ApiError, newIdempotencyKey } from '../../lib/api'
import { keys, type RoundParams } from '../../lib/queryKeys'
import { useLiveRefetch, useSocketEvent } from '../../lib/realtime'
import { useApi, useServices, useSession } from '../../lib/services'
import { humanize } from '../../lib/format'
import { useQueue, useQueueEntries } from '../../lib/offline/useQueue'
import type { BulkStatusItem, DeliveryStatus, GenerateResult, Reason, Round, Shift } from '../../lib/types'
import { customerQueries } from '../customers/queries'
import { applyRoundBalance, applyRoundCustomer, applyRoundDeliveries, applyRoundDeliveryEvent, applyRoundGenerated } from './cache'
import { defaultShift } from './logic'
import { roundQueries } from './queries'
import { chunkIds, type StatusCommand } from './write'

/**
 * useRoundParams reads the page's filters from the address (?shift=,
 * vendorId=, areaId=), so a reload or a shared link opens the same round.
 * Without a shift, the one of the time of day.
 */
export function useRoundParams() {
  const { search } = useLocation()
  const session = useSession()
  const role = session?.user.role
  const allowed: Shift[] = role === 'staff' && session?.user.shifts?.length ? session.user.shifts : ['morning', 'evening']
  const raw = search.get('shift')
  const wanted: Shift = raw === 'morning' || raw === 'evening' ? raw : defaultShift(new Date())
  const shift = allowed.includes(wanted) ? wanted : (allowed[0] as Shift)
  const num = (k: string) => {
    const n = Number(search.get(k))
    return Number.isInteger(n) && n > 0 ? n : undefined
  }
  const params: RoundParams = { shift, vendorId: role === 'admin' ? num('vendorId') : undefined, areaId: num('areaId') }
  const set = useCallback(
    (patch: Partial<Record<'shift' | 'vendorId' | 'areaId', string | number | undefined>>) => {
      const next = new URLSearchParams(window.location.search)
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || v === '' || v === 0) next.delete(k)
        else next.set(k, String(v))
      }
      const qs = next.toString()
      navigate(qs ? `/today?${qs}` : '/today', { replace: true })
    },
    [],
  )
  return { params, shifts: allowed, set }
}

/** useRound is the round, kept current by every admin's changes as they happen. */
export function useRound(p: RoundParams) {
  const api = useApi()
  const qc = useQueryClient()
  const refetchInterval = useLiveRefetch()
  useSocketEvent('delivery:updated', (e) => applyRoundDeliveryEvent(qc, e))
  useSocketEvent('deliveries:generated', (e) => applyRoundGenerated(qc, e))
  useSocketEvent('payment:added', (e) => applyRoundBalance(qc, e.customer.id, e.customer.balanceCents, e.seq))
  useSocketEvent('payment:reversed', (e) => applyRoundBalance(qc, e.customer.id, e.customer.balanceCents, e.seq))
  useSocketEvent('delivery:reversed', (e) => applyRoundBalance(qc, e.customer.id, e.customer.balanceCents, e.seq))
  useSocketEvent('customer:updated', (e) => applyRoundCustomer(qc, e))
  useSocketEvent('customer:removed', () => void qc.invalidateQueries({ queryKey: keys.round.lists() }))
  useSocketEvent('area:updated', () => void qc.invalidateQueries({ queryKey: keys.round.all() }))
  return useQuery({ ...roundQueries.round(api, p), refetchInterval })
}

/** useAreaChoices are the areas to filter by (admins and vendors; staff take theirs from the round). */
export function useAreaChoices(vendorId: number, enabled: boolean) {
  const api = useApi()
  return useQuery({ ...roundQueries.areas(api, vendorId), enabled })
}

export function useVendorChoices(enabled: boolean) {
  const api = useApi()
  return useQuery({ ...customerQueries.vendors(api), enabled })
}

/** Outcome is what a tap records for a stop (or, for "the rest", many). */
export interface Outcome {
  status: DeliveryStatus
  reason?: Reason
  reasonText?: string
  /** Kept on the device, not sent yet (offline queue). */
  queued?: boolean
}

/** StopTrouble is why a stop's change did not happen, kept on the stop until retried or dismissed. */
export interface StopTrouble {
  message: string
  /** The command to send again: the same key when the server never answered it, else a new one. */
  command: StatusCommand
}

/**
 * useRoundWrites sends the round's status changes (through sendStatus, with a
 * key made at the tap) and keeps, per stop, what is on its way and what
 * failed. A failure is never dropped: the stop shows it with Retry, which
 * sends the same command with the same key when the first attempt's fate is
 * unknown (so it is applied once), or a fresh one after a refusal.
 */
export function useRoundWrites() {
  const qc = useQueryClient()
  const session = useSession()
  const queue = useQueue()
  const { onQueueSent } = useServices()
  const entries = useQueueEntries()

  // Every write goes through the offline queue (lib/offline): stored with
  // its key before it is sent, so a tap made without a connection (or just
  // before the app closed) is sent later, once, in order. What waits or
  // was refused is derived from the queue's entries, per stop.
  const { sending, trouble } = useMemo(() => {
    const sending = new Map<number, Outcome>()
    const trouble = new Map<number, StopTrouble & { entryId: number }>()
    for (const e of entries) {
      if (e.command.kind !== 'status' || e.id === undefined) continue
      const b = e.command.body
      if (e.state !== 'refused') {
        for (const id of b.ids) sending.set(id, { status: b.status, reason: b.reason, reasonText: b.reasonText, queued: e.state === 'waiting' })
        continue
      }
      for (const r of e.refusals ?? []) {
        for (const id of r.id !== undefined ? [r.id] : b.ids) {
          trouble.set(id, { message: r.error.message, command: { ...b, ids: [id], idempotencyKey: newIdempotencyKey() }, entryId: e.id })
        }
      }
    }
    return { sending: sending as ReadonlyMap<number, Outcome>, trouble: trouble as ReadonlyMap<number, StopTrouble & { entryId: number }> }
  }, [entries])

  // Answers fold into the round; a refusal means the round changed
  // meanwhile: fetch it again to show what it is now.
  useEffect(() => {
    if (!onQueueSent) return
    return onQueueSent((cmd, data) => {
      if (cmd.kind === 'payment' && 'customer' in data) {
        applyRoundBalance(qc, data.customer.id, data.customer.balanceCents, 0)
        return
      }
      if (!('results' in data)) return
      applyRoundDeliveries(qc, data.results.flatMap((r) => (r.ok && r.delivery ? [r.delivery] : [])))
      if (data.results.some((r) => !r.ok)) void qc.invalidateQueries({ queryKey: keys.round.lists() })
    })
  }, [onQueueSent, qc])

  const run = useCallback(
    async (cmd: StatusCommand, label: string): Promise<BulkStatusItem[]> => {
      const userId = session?.user.id
      if (!queue || userId === undefined) return []
      // One command per status the stops are in now: each carries the
      // status the person saw, and the server refuses it, naming who and
      // when, if someone changed the stop meanwhile.
      for (const [expected, ids] of groupByStatus(qc, cmd.ids)) {
        const body = { ...cmd, ids, idempotencyKey: ids.length === cmd.ids.length ? cmd.idempotencyKey : newIdempotencyKey(), ...(expected ? { expectedStatus: expected } : {}) }
        await queue.enqueue(userId, { kind: 'status', body }, label)
      }
      return []
    },
    [queue, session, qc],
  )

  /** record sends one outcome for the given stops, in calls of at most 500. */
  const record = useCallback(
    async (ids: readonly number[], o: Outcome) => {
      const parts = chunkIds(ids)
      const label = `${humanize(o.status)}: ${ids.length === 1 ? customerNameOf(qc, ids[0]!) : `${ids.length} stops`}`
      const results = await Promise.all(parts.map((part) => run({ ids: part, ...o, idempotencyKey: newIdempotencyKey() }, label)))
      return results.flat()
    },
    [run, qc],
  )

  // A refused change is shown, never sent again by itself. Retry is the
  // person's own new decision, made on the stop as it is now.
  const retry = useCallback(
    (id: number) => {
      const t = trouble.get(id)
      if (!t) return
      void queue?.dismiss(t.entryId).then(() => run(t.command, `${humanize(t.command.status)}: ${customerNameOf(qc, id)}`))
    },
    [trouble, run, queue, qc],
  )
  const dismiss = useCallback(
    (id: number) => {
      const t = trouble.get(id)
      if (t) void queue?.dismiss(t.entryId)
    },
    [trouble, queue],
  )

  return useMemo(() => ({ sending, trouble, record, retry, dismiss }), [sending, trouble, record, retry, dismiss])
}

/** groupByStatus splits ids by the status their stops show in the cached rounds (undefined: not cached). */
function groupByStatus(qc: ReturnType<typeof useQueryClient>, ids: readonly number[]): Map<DeliveryStatus | undefined, number[]> {
  const out = new Map<DeliveryStatus | undefined, number[]>()
  for (const id of ids) {
    const st = deliveryOf(qc, id)?.status
    out.set(st, [...(out.get(st) ?? []), id])
  }
  return out
}

function deliveryOf(qc: ReturnType<typeof useQueryClient>, id: number) {
  for (const [, r] of qc.getQueriesData<Round>({ queryKey: keys.round.lists() })) {
    const s = r?.stops.find((x) => x.delivery.id === id)
    if (s) return s.delivery
  }
  return undefined
}

function customerNameOf(qc: ReturnType<typeof useQueryClient>, id: number): string {
  const d = deliveryOf(qc, id)
  return d?.customerName || `delivery #${id}`
}

/**
 * useGenerate is POST /api/deliveries/generate. The key is made at the first
 * click and kept until the call succeeds, so pressing again after a failure
 * cannot generate twice (generation is idempotent anyway, the key makes the
 * answer the same).
 */
export function useGenerate() {
  const api = useApi()
  const qc = useQueryClient()
  const { toasts } = useServices()
  const key = useRef<{ body: string; key: string } | null>(null)
  return useMutation({
    mutationFn: (body: { date?: string; shift?: Shift; vendorId?: number }) => {
      // The same request again (a retry) keeps its key; another one gets its own.
      const b = JSON.stringify(body)
      if (key.current?.body !== b) key.current = { body: b, key: newIdempotencyKey() }
      return api.post<GenerateResult>('/api/deliveries/generate', body, { idempotencyKey: key.current.key })
    },
    onSuccess: (res) => {
      key.current = null
      void qc.invalidateQueries({ queryKey: keys.round.lists() })
      toasts.push({
        kind: 'success',
        title: res.created === 0 ? 'Nothing new to generate' : `${res.created} ${res.created === 1 ? 'delivery' : 'deliveries'} generated`,
        body: res.existing ? `${res.existing} were already there.` : undefined,
      })
    },
    onError: (err) => {
      toasts.push({ kind: 'error', title: 'Could not generate the day', body: err instanceof ApiError ? err.message : 'Try again.' })
    },
  })
}

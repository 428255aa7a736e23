import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError } from '../../lib/api'
import { keys, type CustomerFilters } from '../../lib/queryKeys'
import { useAdminSocket, useLiveRefetch, useSocketEvent } from '../../lib/realtime'
import type { RealtimeClient } from '../../lib/tabs'
import { useApi } from '../../lib/services'
import type { Ack, Customer, DeliveryChange, DeliveryStatus, ListResponse, PaymentCreate, PaymentResult } from '../../lib/types'
import type { ApiClient } from '../../lib/api'
import { customerQueries } from './queries'

const HIGHLIGHT_MS = 2_500

/**
 * useRealtimeCustomers is a page of customers plus the ids that changed in
 * the last moments (status, balance, new), for a brief row highlight.
 */
export function useRealtimeCustomers(filters: CustomerFilters) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  const query = useQuery({ ...customerQueries.list(api, filters), refetchInterval })
  const highlighted = useHighlights()
  useSocketEvent('customer:updated', (p) => highlighted.mark(p.customer.id))
  useSocketEvent('payment:added', (p) => highlighted.mark(p.customer.id))
  useSocketEvent('delivery:updated', (p) => {
    if (p.delivery.status === 'delivered') highlighted.mark(p.delivery.customerId)
  })
  return { query, highlighted: highlighted.ids }
}

export function useCustomer(id: number) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...customerQueries.detail(api, id), refetchInterval })
}

export function useLedger(id: number) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...customerQueries.ledger(api, id), refetchInterval })
}

/** useRealtimeDeliveries is a customer's deliveries, patched by delivery:updated. */
export function useRealtimeDeliveries(customerId: number) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...customerQueries.deliveries(api, customerId), refetchInterval })
}

/** useRealtimePayments is a customer's payments, prepended by payment:added. */
export function useRealtimePayments(customerId: number) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...customerQueries.payments(api, customerId), refetchInterval })
}

function useHighlights() {
  const [ids, setIds] = useState<ReadonlySet<number>>(() => new Set())
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>())
  useEffect(() => {
    const t = timers.current
    return () => {
      for (const h of t.values()) clearTimeout(h)
      t.clear()
    }
  }, [])
  const mark = useCallback((id: number) => {
    setIds((prev) => new Set(prev).add(id))
    const old = timers.current.get(id)
    if (old) clearTimeout(old)
    timers.current.set(
      id,
      setTimeout(() => {
        timers.current.delete(id)
        setIds((prev) => {
          const next = new Set(prev)
          next.delete(id)
          return next
        })
      }, HIGHLIGHT_MS),
    )
  }, [])
  return { ids, mark }
}

/** ackError turns a failed ack into the same error type REST calls throw. */
function ackError(res: Extract<Ack<unknown>, { ok: false }>): ApiError {
  return new ApiError(400, res.error)
}

/**
 * canFallBack says whether a failed socket command may be retried over REST
 * (with its idempotency key, so that it is done once): the server was busy,
 * did not answer, or could not tell whether the write committed.
 */
function canFallBack(res: Extract<Ack<unknown>, { ok: false }>): boolean {
  return ['UNAVAILABLE', 'TIMEOUT', 'OUTCOME_UNKNOWN', 'IDEMPOTENCY_KEY_IN_USE'].includes(res.error.code)
}

/**
 * recordPayment sends payment:add over the socket when live and POST
 * /api/payments otherwise (or when the socket does not answer). Both carry the
 * same idempotency key, so a retry after a lost ack never pays twice.
 */
export async function recordPayment(
  api: ApiClient,
  client: RealtimeClient | null,
  connected: boolean,
  input: PaymentCreate,
): Promise<PaymentResult> {
  if (client && connected) {
    const res = await client.request('payment:add', input)
    if (res.ok) return res.data
    if (!canFallBack(res)) throw ackError(res)
  }
  return api.post<PaymentResult>('/api/payments', input, { idempotencyKey: input.idempotencyKey })
}

/** changeDeliveryStatus is recordPayment's twin for delivery:update / PATCH. */
export async function changeDeliveryStatus(
  api: ApiClient,
  client: RealtimeClient | null,
  connected: boolean,
  input: { id: number; status: DeliveryStatus; note?: string; idempotencyKey: string },
): Promise<DeliveryChange> {
  if (client && connected) {
    const res = await client.request('delivery:update', input)
    if (res.ok) return res.data
    if (!canFallBack(res)) throw ackError(res)
  }
  const { id, ...body } = input
  const out = await api.patch<DeliveryChange | DeliveryChange['delivery']>(`/api/deliveries/${id}`, body, { idempotencyKey: input.idempotencyKey })
  // The REST answer may be the bare delivery or the change; accept both.
  return 'delivery' in out ? out : { delivery: out, previousStatus: '' }
}

function setBalance(qc: QueryClient, id: number, balanceCents: number) {
  qc.setQueryData<Customer>(keys.customers.detail(id), (old) => (old ? { ...old, balanceCents } : old))
  qc.setQueriesData<ListResponse<Customer>>({ queryKey: keys.customers.lists() }, (old) =>
    old ? { ...old, items: old.items.map((c) => (c.id === id ? { ...c, balanceCents } : c)) } : old,
  )
}

export function useRecordPayment() {
  const api = useApi()
  const qc = useQueryClient()
  const { client, connected } = useAdminSocket()
  return useMutation({
    mutationFn: (input: PaymentCreate) => recordPayment(api, client, connected, input),
    onSuccess: (res) => {
      setBalance(qc, res.customer.id, res.customer.balanceCents)
      void qc.invalidateQueries({ queryKey: keys.payments.all() })
      void qc.invalidateQueries({ queryKey: keys.customers.ledger(res.customer.id) })
      void qc.invalidateQueries({ queryKey: ['customers', 'history', res.customer.id] })
    },
  })
}

export function useChangeDelivery() {
  const api = useApi()
  const qc = useQueryClient()
  const { client, connected } = useAdminSocket()
  return useMutation({
    mutationFn: (input: { id: number; status: DeliveryStatus; note?: string; idempotencyKey: string }) =>
      changeDeliveryStatus(api, client, connected, input),
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: keys.deliveries.all() })
      void qc.invalidateQueries({ queryKey: keys.customers.detail(res.delivery.customerId) })
      void qc.invalidateQueries({ queryKey: keys.customers.ledger(res.delivery.customerId) })
      void qc.invalidateQueries({ queryKey: ['customers', 'history', res.delivery.customerId] })
    },
  })
}

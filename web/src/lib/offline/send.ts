import { ApiError, retryableWrite, type ApiClient } from '../api'
import type { RealtimeClient } from '../tabs'
import type { ApiErrorBody, BulkStatusResult, PaymentResult } from '../types'
import type { QueuedCommand, SendResult } from './queue'

// sendQueued sends one queued command: over the socket when it is live,
// else (or when the socket cannot answer) over REST, with the command's
// own idempotency key either way: the server applies it once and answers a
// repeat with the first answer, whichever way each attempt went.

const SOCKET_UNANSWERED = ['UNAVAILABLE', 'TIMEOUT', 'OUTCOME_UNKNOWN', 'IDEMPOTENCY_KEY_IN_USE']

/** retryLater says whether an error means "not answered yet" rather than "refused". */
function retryLater(status: number, err: ApiErrorBody): boolean {
  // 401: the session is being restored; 429: slow down. Neither refuses the command.
  return status === 0 || status === 401 || status === 429 || status >= 500 || SOCKET_UNANSWERED.includes(err.code) || err.code === 'RATE_LIMITED'
}

export async function sendQueued(api: ApiClient, client: RealtimeClient | null, live: boolean, cmd: QueuedCommand): Promise<SendResult> {
  if (client && live) {
    const ack = cmd.kind === 'status' ? await client.request('deliveries:status', cmd.body) : await client.request('payment:add', cmd.body)
    if (ack.ok) return { ok: true, data: ack.data }
    if (!SOCKET_UNANSWERED.includes(ack.error.code)) {
      return retryLater(400, ack.error) ? { ok: false, retry: true, error: ack.error } : { ok: false, retry: false, error: ack.error }
    }
  }
  try {
    const data =
      cmd.kind === 'status'
        ? await api.post<BulkStatusResult>('/api/deliveries/status', cmd.body, { idempotencyKey: cmd.body.idempotencyKey })
        : await api.post<PaymentResult>('/api/payments', cmd.body, { idempotencyKey: cmd.body.idempotencyKey })
    return { ok: true, data }
  } catch (err) {
    if (!(err instanceof ApiError)) return { ok: false, retry: true }
    const body: ApiErrorBody = { code: err.code, message: err.message, field: err.field, current: err.current }
    if (retryableWrite(err) || retryLater(err.status, body)) return { ok: false, retry: true, error: body }
    return { ok: false, retry: false, error: body }
  }
}

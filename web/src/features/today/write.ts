import type { ApiClient } from '../../lib/api'
import { ApiError } from '../../lib/api'
import type { RealtimeClient } from '../../lib/tabs'
import type { Ack, BulkStatus, BulkStatusResult } from '../../lib/types'

// The Today page's one write path: every status change of the round, one
// stop or many, goes through sendStatus with its idempotency key, so that a
// later offline queue can hold these calls and replay them unchanged.

/** StatusCommand is one user action on the round: the key is made once, when the person taps. */
export type StatusCommand = BulkStatus & { idempotencyKey: string }

/** MAX_IDS is the server's limit of ids per bulk call. */
export const MAX_IDS = 500

/**
 * fallsBack says whether a command the socket failed may go again over REST
 * with the same key (the server did not answer, was busy, or could not tell
 * whether it committed); the key makes the second attempt apply once.
 */
function fallsBack(res: Extract<Ack<unknown>, { ok: false }>): boolean {
  return ['UNAVAILABLE', 'TIMEOUT', 'OUTCOME_UNKNOWN', 'IDEMPOTENCY_KEY_IN_USE'].includes(res.error.code)
}

/**
 * sendStatus applies one status (and reason) to the command's deliveries:
 * the socket's deliveries:status when it is live, POST
 * /api/deliveries/status otherwise or when the socket cannot answer. Both
 * carry the command's idempotency key: a retry is answered, not re-applied.
 */
export async function sendStatus(api: ApiClient, client: RealtimeClient | null, connected: boolean, cmd: StatusCommand): Promise<BulkStatusResult> {
  if (cmd.ids.length === 0 || cmd.ids.length > MAX_IDS) throw new Error(`sendStatus takes 1 to ${MAX_IDS} ids`)
  if (client && connected) {
    const res = await client.request('deliveries:status', cmd)
    if (res.ok) return res.data
    if (!fallsBack(res)) throw new ApiError(400, res.error)
  }
  return api.post<BulkStatusResult>('/api/deliveries/status', cmd, { idempotencyKey: cmd.idempotencyKey })
}

/** chunkIds cuts a long list of ids into calls the server accepts. */
export function chunkIds(ids: readonly number[], size = MAX_IDS): number[][] {
  const out: number[][] = []
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size))
  return out
}

import type { ApiErrorBody, BulkStatus, BulkStatusItem, BulkStatusResult, PaymentCreate, PaymentResult } from '../types'

// OfflineQueue keeps the field app's writes (status changes, payments
// collected) on the device until the server has answered them (issue 17).
//
// - A command is stored, with the idempotency key made when the person
//   tapped, before anything is sent: closing the app or losing the network
//   loses nothing.
// - Commands are sent one at a time, oldest first, each with its own key.
//   An entry is marked "sending" before it goes; one found "sending" at
//   start-up (the tab was killed mid-send) is sent again with the same key,
//   and the server answers the first attempt's result instead of applying
//   it twice. Several tabs drain under one Web Lock.
// - A send the server did not answer (network, 5xx, busy, outcome unknown)
//   leaves the entry waiting and stops the drain: order is kept.
// - A refusal (the delivery was changed meanwhile by someone else: CONFLICT
//   or INVALID_TRANSITION with error.current) is kept as "refused" for the
//   user to read and dismiss; it is never retried or overwritten.
//
// Why not TanStack Query's paused mutations: they persist through
// persistQueryClient's whole-cache snapshot (written on a throttle, so a
// tab killed right after a tap can lose the mutation) and resume by
// re-running mutation functions registered by key; a small store with one
// record per command written before the send is simpler to make exact.

export type QueuedCommand =
  | { kind: 'status'; body: BulkStatus & { idempotencyKey: string } }
  | { kind: 'payment'; body: PaymentCreate }

export type EntryState = 'waiting' | 'sending' | 'refused'

export interface QueueEntry {
  id?: number
  userId: number
  /** Epoch ms of the tap. */
  createdAt: number
  state: EntryState
  command: QueuedCommand
  /** What the person did, for the list ("Delivered: Asha Rao"). */
  label: string
  /** Why it was refused: the whole command's error, or the refused ids of a bulk change. */
  refusals?: Array<{ id?: number; error: ApiErrorBody }>
}

/** QueueStore persists entries (IndexedDB in the browser: idbStore.ts). */
export interface QueueStore {
  add(e: QueueEntry): Promise<number>
  put(e: QueueEntry): Promise<void>
  delete(id: number): Promise<void>
  all(): Promise<QueueEntry[]>
}

/** SendResult is what one attempt to send a command came to. */
export type SendResult =
  | { ok: true; data: BulkStatusResult | PaymentResult }
  | { ok: false; retry: true; error?: ApiErrorBody }
  | { ok: false; retry: false; error: ApiErrorBody }

export interface OfflineQueueDeps {
  store: QueueStore
  send(cmd: QueuedCommand): Promise<SendResult>
  /** The signed-in user whose commands may be sent now, or null (signed out, offline session). */
  sender(): number | null
  /** Runs fn alone across this browser's tabs (navigator.locks), when available. */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>
  /** A command was answered: fold the result into the caches. */
  onSent?(cmd: QueuedCommand, data: BulkStatusResult | PaymentResult): void
}

export class OfflineQueue {
  private readonly deps: OfflineQueueDeps
  private entries: QueueEntry[] = []
  private readonly listeners = new Set<() => void>()
  private draining: Promise<void> | null = null
  private again = false
  private loaded: Promise<void>

  constructor(deps: OfflineQueueDeps) {
    this.deps = deps
    this.loaded = this.reload()
  }

  /** enqueue stores a command (its key made by the caller at the tap) and starts sending. */
  async enqueue(userId: number, command: QueuedCommand, label: string): Promise<number> {
    const entry: QueueEntry = { userId, createdAt: Date.now(), state: 'waiting', command, label }
    entry.id = await this.deps.store.add(entry)
    this.entries = [...this.entries, entry]
    this.emit()
    void this.drain()
    return entry.id
  }

  /** snapshot is every entry of the store, oldest first (the same array until something changes). */
  snapshot(): readonly QueueEntry[] {
    return this.entries
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** ready resolves once the stored entries are loaded. */
  ready(): Promise<void> {
    return this.loaded
  }

  /** dismiss forgets a refused entry the user has read. */
  async dismiss(id: number): Promise<void> {
    const e = this.entries.find((x) => x.id === id)
    if (!e || e.state !== 'refused') return
    await this.deps.store.delete(id)
    this.entries = this.entries.filter((x) => x.id !== id)
    this.emit()
  }

  /** forget deletes a user's entries (sign-out, after the user confirmed losing what waits). */
  async forget(userId: number): Promise<void> {
    for (const e of this.entries) if (e.userId === userId && e.id !== undefined) await this.deps.store.delete(e.id)
    this.entries = this.entries.filter((e) => e.userId !== userId)
    this.emit()
  }

  /**
   * drain sends the sender's waiting entries in order until one cannot be
   * sent; it resolves when done. Calls while draining run once more after.
   */
  drain(): Promise<void> {
    if (this.draining) {
      this.again = true
      return this.draining
    }
    this.draining = (async () => {
      await this.loaded
      do {
        this.again = false
        const run = () => this.drainOnce()
        await (this.deps.exclusive ? this.deps.exclusive(run) : run())
      } while (this.again)
    })().finally(() => {
      this.draining = null
    })
    return this.draining
  }

  private async drainOnce(): Promise<void> {
    // Another tab may have sent (or added) entries meanwhile.
    await this.reload()
    for (;;) {
      const user = this.deps.sender()
      if (user === null) return
      const next = this.entries.find((e) => e.userId === user && e.state !== 'refused')
      if (!next || next.id === undefined) return
      await this.update(next, { state: 'sending' })
      let res: SendResult
      try {
        res = await this.deps.send(next.command)
      } catch (err) {
        res = { ok: false, retry: true, error: { code: 'NETWORK', message: String(err) } }
      }
      if (!res.ok && res.retry) {
        await this.update(next, { state: 'waiting' })
        return
      }
      if (!res.ok) {
        await this.update(next, { state: 'refused', refusals: [{ error: res.error }] })
        continue
      }
      this.deps.onSent?.(next.command, res.data)
      const refused = 'results' in res.data ? res.data.results.filter((r: BulkStatusItem) => !r.ok) : []
      if (refused.length > 0) {
        await this.update(next, {
          state: 'refused',
          refusals: refused.map((r) => ({ id: r.id, error: r.error ?? { code: 'REFUSED', message: 'Not changed' } })),
        })
        continue
      }
      await this.deps.store.delete(next.id)
      this.entries = this.entries.filter((e) => e.id !== next.id)
      this.emit()
    }
  }

  private async update(e: QueueEntry, patch: Partial<QueueEntry>): Promise<void> {
    const next = { ...e, ...patch }
    await this.deps.store.put(next)
    this.entries = this.entries.map((x) => (x.id === e.id ? next : x))
    this.emit()
  }

  private async reload(): Promise<void> {
    const all = await this.deps.store.all()
    all.sort((a, b) => (a.id ?? 0) - (b.id ?? 0))
    this.entries = all
    this.emit()
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn()
  }
}

/** MemoryQueueStore keeps entries in memory (tests; browsers without IndexedDB). */
export class MemoryQueueStore implements QueueStore {
  private readonly rows = new Map<number, QueueEntry>()
  private next = 1
  async add(e: QueueEntry): Promise<number> {
    const id = this.next++
    this.rows.set(id, structuredClone({ ...e, id }))
    return id
  }
  async put(e: QueueEntry): Promise<void> {
    if (e.id !== undefined) this.rows.set(e.id, structuredClone(e))
  }
  async delete(id: number): Promise<void> {
    this.rows.delete(id)
  }
  async all(): Promise<QueueEntry[]> {
    return [...this.rows.values()].map((e) => structuredClone(e))
  }
}

export type ToastKind = 'info' | 'success' | 'error' | 'payment' | 'delivery'

export interface Toast {
  id: number
  kind: ToastKind
  title: string
  body?: string
  /** Toasts with the same group merge into one while it is on screen (or held). */
  group?: string
  /** How many notifications this toast stands for (1 unless grouped). */
  count: number
  /** The money a grouped toast stands for, for its running total. */
  totalCents?: number
}

export type ToastInput = Omit<Toast, 'id' | 'count'>

/**
 * ToastStore holds the toasts on screen; each disappears after its ttl.
 *
 * Bursts: a toast pushed with a group already on screen (or waiting) merges
 * into it (merge decides the text, e.g. "5 deliveries delivered") and its
 * time starts again. Holding: while someone holds the store (an open
 * drawer, focus in a form), new toasts wait instead of covering the controls
 * in use; they appear, grouped, once the last hold is released.
 */
export class ToastStore {
  private toasts: Toast[] = []
  private waiting: Array<{ toast: Toast; ttlMs: number }> = []
  private holds = 0
  private next = 1
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>()
  private readonly ttls = new Map<number, number>()
  private readonly listeners = new Set<(t: Toast[]) => void>()
  private readonly max: number

  constructor(max = 4) {
    this.max = max
  }

  list(): Toast[] {
    return this.toasts
  }

  /** held says whether toasts are being held back now. */
  held(): boolean {
    return this.holds > 0
  }

  /** pending is how many toasts wait for the hold to end. */
  pending(): number {
    return this.waiting.length
  }

  /**
   * push shows a toast (or merges it into its group) and returns its id.
   * merge, given the toast already on screen for the group and the new
   * count, returns the merged text.
   */
  push(t: ToastInput, ttlMs = 6_000, merge?: (prev: Toast, count: number) => Partial<ToastInput>): number {
    if (t.group) {
      const waiting = this.waiting.find((w) => w.toast.group === t.group)
      if (waiting) {
        const count = waiting.toast.count + 1
        waiting.toast = { ...waiting.toast, ...t, ...(merge ? merge(waiting.toast, count) : {}), id: waiting.toast.id, count }
        waiting.ttlMs = ttlMs
        return waiting.toast.id
      }
      const shown = this.holds === 0 ? this.toasts.find((x) => x.group === t.group) : undefined
      if (shown) {
        const count = shown.count + 1
        this.toasts = this.toasts.map((x) => (x.id === shown.id ? { ...x, ...t, ...(merge ? merge(x, count) : {}), id: x.id, count } : x))
        this.arm(shown.id, ttlMs)
        this.emit()
        return shown.id
      }
    }
    const toast: Toast = { ...t, id: this.next++, count: 1 }
    if (this.holds > 0) {
      this.waiting.push({ toast, ttlMs })
      return toast.id
    }
    this.show(toast, ttlMs)
    return toast.id
  }

  /** update changes a toast still on screen or waiting (e.g. once a name has loaded). */
  update(id: number, patch: Partial<ToastInput>): void {
    const w = this.waiting.find((x) => x.toast.id === id)
    if (w) w.toast = { ...w.toast, ...patch }
    if (!this.toasts.some((t) => t.id === id)) return
    this.toasts = this.toasts.map((t) => (t.id === id ? { ...t, ...patch } : t))
    this.emit()
  }

  dismiss(id: number): void {
    const before = this.toasts.length
    this.toasts = this.toasts.filter((t) => t.id !== id)
    const timer = this.timers.get(id)
    if (timer) clearTimeout(timer)
    this.timers.delete(id)
    this.ttls.delete(id)
    if (this.toasts.length !== before) this.emit()
  }

  /**
   * hold keeps new toasts off the screen (and takes down those showing,
   * which come back with the rest) until the returned release is called.
   */
  hold(): () => void {
    this.holds++
    if (this.holds === 1 && this.toasts.length > 0) {
      // What is on screen would cover the controls too: it waits with the rest.
      for (const t of this.toasts) {
        this.waiting.push({ toast: t, ttlMs: this.ttls.get(t.id) ?? 6_000 })
        const timer = this.timers.get(t.id)
        if (timer) clearTimeout(timer)
        this.timers.delete(t.id)
      }
      this.toasts = []
      this.emit()
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.holds--
      if (this.holds === 0) this.flush()
    }
  }

  subscribe(fn: (t: Toast[]) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private flush(): void {
    const waiting = this.waiting
    this.waiting = []
    for (const w of waiting.slice(-this.max)) this.show(w.toast, w.ttlMs, false)
    this.emit()
  }

  private show(toast: Toast, ttlMs: number, emit = true): void {
    const all = [...this.toasts, toast]
    for (const gone of all.slice(0, Math.max(0, all.length - this.max))) this.dismissQuietly(gone.id)
    this.toasts = all.slice(-this.max)
    this.arm(toast.id, ttlMs)
    if (emit) this.emit()
  }

  private dismissQuietly(id: number): void {
    const timer = this.timers.get(id)
    if (timer) clearTimeout(timer)
    this.timers.delete(id)
    this.ttls.delete(id)
  }

  private arm(id: number, ttlMs: number): void {
    const old = this.timers.get(id)
    if (old) clearTimeout(old)
    this.ttls.set(id, ttlMs)
    if (ttlMs > 0) this.timers.set(id, setTimeout(() => this.dismiss(id), ttlMs))
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn(this.toasts)
  }
}

export type ToastKind = 'info' | 'success' | 'error' | 'payment' | 'delivery'

export interface Toast {
  id: number
  kind: ToastKind
  title: string
  body?: string
}

/** ToastStore holds the toasts on screen; each disappears after ttlMs. */
export class ToastStore {
  private toasts: Toast[] = []
  private next = 1
  private readonly listeners = new Set<(t: Toast[]) => void>()
  private readonly max: number

  constructor(max = 4) {
    this.max = max
  }

  list(): Toast[] {
    return this.toasts
  }

  push(t: Omit<Toast, 'id'>, ttlMs = 6_000): number {
    const id = this.next++
    this.toasts = [...this.toasts, { ...t, id }].slice(-this.max)
    this.emit()
    if (ttlMs > 0) setTimeout(() => this.dismiss(id), ttlMs)
    return id
  }

  /** update changes a toast still on screen (e.g. once a name has loaded). */
  update(id: number, patch: Partial<Omit<Toast, 'id'>>): void {
    if (!this.toasts.some((t) => t.id === id)) return
    this.toasts = this.toasts.map((t) => (t.id === id ? { ...t, ...patch } : t))
    this.emit()
  }

  dismiss(id: number): void {
    const before = this.toasts.length
    this.toasts = this.toasts.filter((t) => t.id !== id)
    if (this.toasts.length !== before) this.emit()
  }

  subscribe(fn: (t: Toast[]) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn(this.toasts)
  }
}

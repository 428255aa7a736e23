// DataAge tracks which data on screen came from the service worker's cache
// (the network failed) and how old it is, for the offline banner: "Offline ·
// showing the round as of 07:10 (5 min ago)". A fresh answer for the same
// path removes the mark.

export class DataAge {
  private readonly cached = new Map<string, number>()
  private readonly listeners = new Set<() => void>()
  private snapshot: number | null = null

  /** note records a GET's answer: storedAt (RFC 3339) when served from the cache, null when fresh. */
  note(path: string, storedAt: string | null): void {
    const had = this.cached.has(path)
    if (storedAt === null) {
      if (!had) return
      this.cached.delete(path)
    } else {
      const t = Date.parse(storedAt)
      this.cached.set(path, Number.isFinite(t) ? t : 0)
    }
    this.update()
  }

  clear(): void {
    this.cached.clear()
    this.update()
  }

  /** oldest is the epoch ms of the oldest cached data on screen, or null when all of it is fresh. */
  oldest(): number | null {
    return this.snapshot
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private update(): void {
    const next = this.cached.size === 0 ? null : Math.min(...this.cached.values())
    if (next === this.snapshot) return
    this.snapshot = next
    for (const fn of [...this.listeners]) fn()
  }
}

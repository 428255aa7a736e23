import type { ServerEventName } from '../types'
import type { EventListener, EventMeta } from '../socketModel'
import { SEEN_WINDOW } from './options'

// Event dispatch: who listens to which server event, and which numbered
// events were delivered already (the same event can come live and again in
// a REST catch-up; listeners get it once).

export class Listeners {
  private readonly byName = new Map<ServerEventName, Set<EventListener<ServerEventName>>>()

  on<K extends ServerEventName>(name: K, fn: EventListener<K>): () => void {
    let set = this.byName.get(name)
    if (!set) {
      set = new Set()
      this.byName.set(name, set)
    }
    set.add(fn as EventListener<ServerEventName>)
    return () => set.delete(fn as EventListener<ServerEventName>)
  }

  /** emit hands payload to every listener of name (those there when it starts). */
  emit(name: ServerEventName, payload: unknown, meta: EventMeta): void {
    const set = this.byName.get(name)
    if (!set) return
    for (const fn of [...set]) fn(payload as never, meta)
  }
}

/**
 * SeenEvents remembers the numbered events delivered (by name and seq). It
 * keeps at most about two windows of them: past that, it forgets those more
 * than a window below the cursor.
 */
export class SeenEvents {
  private readonly keys = new Set<string>()

  /** first records name:seq; false when it was seen before. lastSeq: the cursor before this event. */
  first(name: ServerEventName, seq: number, lastSeq: number): boolean {
    const key = `${name}:${seq}`
    if (this.keys.has(key)) return false
    this.keys.add(key)
    if (this.keys.size > SEEN_WINDOW * 2) this.prune(lastSeq)
    return true
  }

  clear(): void {
    this.keys.clear()
  }

  private prune(lastSeq: number): void {
    const floor = lastSeq - SEEN_WINDOW
    for (const key of this.keys) {
      if (Number(key.slice(key.lastIndexOf(':') + 1)) < floor) this.keys.delete(key)
    }
  }
}

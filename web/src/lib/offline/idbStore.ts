import type { QueueEntry, QueueStore } from './queue'

// IdbQueueStore keeps the offline queue in IndexedDB (database
// livedesk-offline, store commands, auto-increment ids: the send order).
// Every call is its own transaction, committed before it resolves, so an
// entry written before a send survives the tab being killed during it.

const DB = 'livedesk-offline'
const STORE = 'commands'

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1)
    req.onupgradeneeded = () => {
      req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true })
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('failed to open IndexedDB'))
  })
}

export class IdbQueueStore implements QueueStore {
  private db: Promise<IDBDatabase> | null = null

  private run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    this.db ??= open()
    return this.db.then(
      (db) =>
        new Promise<T>((resolve, reject) => {
          const tx = db.transaction(STORE, mode)
          const req = fn(tx.objectStore(STORE))
          // Resolved on commit, not on the request's success: durable first.
          tx.oncomplete = () => resolve(req.result)
          tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'))
          tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
        }),
    )
  }

  add(e: QueueEntry): Promise<number> {
    const { id: _omit, ...row } = e
    return this.run('readwrite', (s) => s.add(row)).then((k) => Number(k))
  }
  put(e: QueueEntry): Promise<void> {
    return this.run('readwrite', (s) => s.put(e)).then(() => undefined)
  }
  delete(id: number): Promise<void> {
    return this.run('readwrite', (s) => s.delete(id)).then(() => undefined)
  }
  all(): Promise<QueueEntry[]> {
    return this.run('readonly', (s) => s.getAll() as IDBRequest<QueueEntry[]>)
  }
}

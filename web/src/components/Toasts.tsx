import { useSyncExternalStore } from 'react'
import { useServices } from '../lib/services'

export function ToastHost() {
  const { toasts } = useServices()
  const list = useSyncExternalStore(
    (fn) => toasts.subscribe(fn),
    () => toasts.list(),
  )
  return (
    <div className="toasts" aria-live="polite" aria-relevant="additions">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role="status" data-testid="toast">
          <div className="toast-text">
            <strong>{t.title}</strong>
            {t.body && <span>{t.body}</span>}
          </div>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => toasts.dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}

import { useEffect, useRef, type ReactNode } from 'react'
import { useServices } from '../../lib/services'

/**
 * ConfirmDialog asks before an action that cannot be undone by a tap (it
 * charges customers). Focus starts on Cancel; Escape and the backdrop cancel.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  onConfirm: () => void
  onCancel: () => void
}) {
  const cancel = useRef<HTMLButtonElement>(null)
  const { toasts } = useServices()
  useEffect(() => toasts.hold(), [toasts])
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null
    cancel.current?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel()
    }
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('keydown', onKey)
      previous?.focus?.()
    }
  }, [onCancel])
  return (
    <div className="dialog-root">
      <div className="drawer-backdrop" onClick={onCancel} aria-hidden="true" />
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-body" data-testid="confirm-dialog">
        <h2 id="confirm-title">{title}</h2>
        <div id="confirm-body">{children}</div>
        <div className="confirm-actions">
          <button type="button" className="btn btn-primary" onClick={onConfirm} data-testid="confirm-ok">
            {confirmLabel}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onCancel} ref={cancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  )
}

import { useEffect, useRef, type ReactNode } from 'react'
import { useServices } from '../lib/services'

/**
 * Drawer is a modal side panel: Escape and the backdrop close it, focus
 * moves in and back. While it is open, toasts wait (grouped) instead of
 * covering its controls; they show when it closes.
 */
export function Drawer({ title, onClose, children }: { title: ReactNode; onClose: () => void; children: ReactNode }) {
  const panel = useRef<HTMLDivElement>(null)
  const { toasts } = useServices()
  // The latest onClose, so that a parent's re-render (a new arrow function)
  // does not re-run the effect below and pull focus out of a form being typed in.
  const close = useRef(onClose)
  close.current = onClose
  useEffect(() => toasts.hold(), [toasts])
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null
    panel.current?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current()
      if (e.key !== 'Tab' || !panel.current) return
      // Keep keyboard focus inside the open drawer: between the first and
      // the last stop Tab really reaches (not a tab of a tab list's roving
      // tabindex, -1, nor a control hidden or not shown).
      const focusable = [
        ...panel.current.querySelectorAll<HTMLElement>(
          'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]',
        ),
      ].filter((el) => el.tabIndex >= 0 && !el.closest('[hidden]') && (typeof el.checkVisibility !== 'function' || el.checkVisibility()))
      const first = focusable[0]
      const last = focusable[focusable.length - 1]
      if (!first || !last) return
      if (e.shiftKey && (document.activeElement === first || document.activeElement === panel.current)) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault()
        first.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    document.body.classList.add('no-scroll')
    return () => {
      document.removeEventListener('keydown', onKey)
      document.body.classList.remove('no-scroll')
      previous?.focus?.()
    }
  }, [])
  return (
    <div className="drawer-root">
      <div className="drawer-backdrop" onClick={onClose} aria-hidden="true" />
      <div className="drawer" role="dialog" aria-modal="true" aria-labelledby="drawer-title" tabIndex={-1} ref={panel}>
        <header className="drawer-head">
          <h2 id="drawer-title">{title}</h2>
          <button type="button" className="btn btn-ghost" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        <div className="drawer-body">{children}</div>
      </div>
    </div>
  )
}

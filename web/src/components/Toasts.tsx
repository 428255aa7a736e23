import { useEffect, useSyncExternalStore } from 'react'
import { useServices } from '../lib/services'
import type { ToastStore } from '../lib/toast'

/** inForm says whether an element is a control of a form (or an open confirmation) someone is working in. */
function inForm(el: EventTarget | null): boolean {
  return el instanceof Element && !!el.closest('form, [role="alertdialog"]')
}

/** useHoldWhileTyping holds the toasts while focus is inside a form, so none covers what is being typed. */
function useHoldWhileTyping(toasts: ToastStore) {
  useEffect(() => {
    let release: (() => void) | null = null
    const onIn = (e: FocusEvent) => {
      if (inForm(e.target) && !release) release = toasts.hold()
    }
    const onOut = (e: FocusEvent) => {
      if (release && !inForm(e.relatedTarget)) {
        release()
        release = null
      }
    }
    // A focused control removed from the page (a confirmation that closes,
    // a form that is done) may blur without a focusout: check now and then.
    const check = setInterval(() => {
      if (release && !inForm(document.activeElement)) {
        release()
        release = null
      }
    }, 500)
    document.addEventListener('focusin', onIn)
    document.addEventListener('focusout', onOut)
    return () => {
      clearInterval(check)
      document.removeEventListener('focusin', onIn)
      document.removeEventListener('focusout', onOut)
      release?.()
    }
  }, [toasts])
}

export function ToastHost() {
  const { toasts } = useServices()
  useHoldWhileTyping(toasts)
  const list = useSyncExternalStore(
    (fn) => toasts.subscribe(fn),
    () => toasts.list(),
  )
  return (
    <div className="toasts" aria-live="polite" aria-relevant="additions">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role="status" data-testid="toast" data-count={t.count}>
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

import { useEffect, type KeyboardEvent, type RefObject } from 'react'
import { useServices } from '../lib/services'

/**
 * useMenuDismiss gives an open menu the closes people expect: a pointer
 * press outside `inside` (the menu and its button), or Escape, which puts
 * the focus back on `button`. While the menu is open, toasts wait (they
 * would cover it) and show once it closes. It returns the keydown handler
 * for the element around the menu.
 */
export function useMenuDismiss(
  open: boolean,
  close: () => void,
  inside: Array<RefObject<HTMLElement | null>>,
  button: RefObject<HTMLButtonElement | null>,
): (e: KeyboardEvent) => void {
  const { toasts } = useServices()
  useEffect(() => (open ? toasts.hold() : undefined), [open, toasts])

  useEffect(() => {
    if (!open) return
    const outside = (e: PointerEvent) => {
      const t = e.target as Node
      if (!inside.some((r) => r.current?.contains(t))) close()
    }
    document.addEventListener('pointerdown', outside)
    return () => document.removeEventListener('pointerdown', outside)
    // inside holds refs, read when a press comes, and close only sets
    // state: the listener needs renewing only when the menu opens.
  }, [open])

  return (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      e.stopPropagation()
      close()
      button.current?.focus()
    }
  }
}

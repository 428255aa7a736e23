import { useRef, useState } from 'react'
import { usePopupPrefs } from '../../app/Notifications'
import { POPUP_KINDS, savePrefs } from '../../lib/notify'
import { useMenuDismiss } from '../../components/useMenuDismiss'
import { useSession } from '../../lib/services'

/**
 * PopupSettings lets each user choose which kinds of live activity pop up
 * (the feed keeps them all). While its menu is open, toasts wait (they
 * would cover its choices) and show once it closes: by its button, Escape
 * or a click elsewhere.
 */
export function PopupSettings() {
  const [open, setOpen] = useState(false)
  const prefs = usePopupPrefs()
  const userId = useSession()?.user.id
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const onKeyDown = useMenuDismiss(open, () => setOpen(false), [root], button)

  if (userId === undefined) return null
  return (
    <div className="popup-settings" ref={root} onKeyDown={onKeyDown}>
      <button ref={button} type="button" className="btn btn-ghost" aria-expanded={open} aria-controls="popup-prefs" onClick={() => setOpen((v) => !v)} data-testid="popup-settings">
        Pop-ups
      </button>
      {open && (
        <fieldset id="popup-prefs" className="popup-prefs">
          <legend>Pop up for</legend>
          {POPUP_KINDS.map(({ kind, label }) => (
            <label key={kind} className="check">
              <input type="checkbox" checked={prefs[kind]} onChange={(e) => savePrefs(userId, { ...prefs, [kind]: e.target.checked })} />
              {label}
            </label>
          ))}
          <p className="muted small">Everything still appears in the live activity. Saved in this browser.</p>
        </fieldset>
      )}
    </div>
  )
}

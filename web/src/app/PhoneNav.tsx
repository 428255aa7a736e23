import { useEffect, useId, useRef, useState } from 'react'
import { useMenuDismiss } from '../components/useMenuDismiss'
import type { Role } from '../lib/types'
import { Link } from './router'

export interface NavItem {
  to: string
  label: string
}

// The most used pages of each role, shown in the phone's bottom bar; the
// others (and the profile, whose header link phones hide) are under More.
const PRIMARY: Record<Role, string[]> = {
  admin: ['/today', '/', '/customers', '/analytics'],
  vendor: ['/today', '/', '/customers', '/analytics'],
  staff: ['/today'],
}

/** splitNav divides a role's pages into the bar's (at most 4, in order) and More's (the profile last). */
export function splitNav(role: Role, items: NavItem[]): { bar: NavItem[]; more: NavItem[] } {
  const primary = PRIMARY[role]
  const bar = items.filter((n) => primary.includes(n.to)).slice(0, 4)
  const more = items.filter((n) => !bar.includes(n))
  return { bar, more: [...more, { to: '/profile', label: 'Profile' }] }
}

/**
 * PhoneNav is the main navigation on phones: a bottom bar with the role's
 * four most used pages and a More button (a disclosure: aria-expanded,
 * opened by click or keyboard, closed by a choice, Escape, a click
 * elsewhere or leaving it with Tab) listing the rest. While More is open,
 * toasts wait (they sit just above the bar, where the menu opens) and show
 * once it closes.
 */
export function PhoneNav({ role, items, active }: { role: Role; items: NavItem[]; active: (to: string) => boolean }) {
  const { bar, more } = splitNav(role, items)
  const [open, setOpen] = useState(false)
  const menuId = useId()
  const button = useRef<HTMLButtonElement>(null)
  const menu = useRef<HTMLUListElement>(null)
  const current = more.find((n) => active(n.to))
  const onKeyDown = useMenuDismiss(open, () => setOpen(false), [menu, button], button)

  useEffect(() => {
    if (open) menu.current?.querySelector('a')?.focus()
  }, [open])

  return (
    <nav className="nav nav-phone" aria-label="Main" onKeyDown={onKeyDown} data-testid="phone-nav">
      {bar.map((n) => (
        <Link key={n.to} to={n.to} className={`nav-link ${active(n.to) ? 'active' : ''}`} aria-current={active(n.to) ? 'page' : undefined}>
          {n.label}
        </Link>
      ))}
      <div
        className="nav-more"
        onBlur={(e) => {
          // Tab past the last entry: the menu closes behind the focus.
          if (open && !e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false)
        }}
      >
        <button
          ref={button}
          type="button"
          className={`nav-link ${current ? 'active' : ''}`}
          aria-expanded={open}
          aria-controls={menuId}
          onClick={() => setOpen((v) => !v)}
          data-testid="nav-more"
        >
          More
          {current && <span className="sr-only"> (current page: {current.label})</span>}
        </button>
        <ul id={menuId} ref={menu} className="nav-more-menu" hidden={!open}>
          {more.map((n) => (
            <li key={n.to}>
              <Link to={n.to} className={`nav-more-item ${active(n.to) ? 'active' : ''}`} aria-current={active(n.to) ? 'page' : undefined} onClick={() => setOpen(false)}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </nav>
  )
}

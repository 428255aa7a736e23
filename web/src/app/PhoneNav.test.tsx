import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ToastHost } from '../components/Toasts'
import { ServicesProvider, type Services } from '../lib/services'
import { ToastStore } from '../lib/toast'
import { PhoneNav, splitNav } from './PhoneNav'

const ALL = [
  { to: '/today', label: 'Today' },
  { to: '/', label: 'Dashboard' },
  { to: '/customers', label: 'Customers' },
  { to: '/analytics', label: 'Analytics' },
  { to: '/reports', label: 'Reports' },
  { to: '/users', label: 'Users' },
  { to: '/security', label: 'Security' },
  { to: '/alerts', label: 'Alerts' },
]

// A choice navigates (router.navigate scrolls to the top, which jsdom lacks).
beforeEach(() => {
  vi.spyOn(window, 'scrollTo').mockImplementation(() => {})
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('splitNav', () => {
  it('keeps four pages in the bar and the rest, with the profile, under More', () => {
    const { bar, more } = splitNav('admin', ALL)
    expect(bar.map((n) => n.label)).toEqual(['Today', 'Dashboard', 'Customers', 'Analytics'])
    expect(more.map((n) => n.label)).toEqual(['Reports', 'Users', 'Security', 'Alerts', 'Profile'])
  })
  it('gives each role only its own pages', () => {
    const vendor = splitNav('vendor', ALL.slice(0, 5))
    expect([...vendor.bar, ...vendor.more].map((n) => n.label)).toEqual(['Today', 'Dashboard', 'Customers', 'Analytics', 'Reports', 'Profile'])
    const staff = splitNav('staff', ALL.slice(0, 1))
    expect(staff.bar.map((n) => n.label)).toEqual(['Today'])
    expect(staff.more.map((n) => n.label)).toEqual(['Profile'])
  })
})

/** phone renders the bar (and the toasts) with a ToastStore of its own. */
function phone(toasts = new ToastStore()) {
  render(
    <ServicesProvider services={{ toasts } as unknown as Services}>
      <PhoneNav role="admin" items={ALL} active={(to) => to === '/users'} />
      <ToastHost />
    </ServicesProvider>,
  )
  return toasts
}

describe('PhoneNav', () => {
  it('is a disclosure: aria-expanded, focus in the menu, closed by Escape (focus back) and by a choice', () => {
    phone()
    const more = screen.getByRole('button', { name: /More/ })
    expect(more.getAttribute('aria-expanded')).toBe('false')
    expect(more.textContent).toContain('current page: Users')
    expect(screen.queryByRole('link', { name: 'Security' })).toBeNull()
    fireEvent.click(more)
    expect(more.getAttribute('aria-expanded')).toBe('true')
    expect(document.activeElement?.textContent).toBe('Reports')
    expect(screen.getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page')
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    expect(more.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(more)
    fireEvent.click(more)
    fireEvent.click(screen.getByRole('link', { name: 'Security' }))
    expect(more.getAttribute('aria-expanded')).toBe('false')
  })

  it('holds toasts while More is open (they would cover its entries) and shows them, grouped, once it closes', () => {
    const toasts = phone()
    const more = screen.getByRole('button', { name: /More/ })
    act(() => void toasts.push({ kind: 'payment', title: 'before', group: 'g' }))
    expect(screen.getAllByTestId('toast')).toHaveLength(1)
    fireEvent.click(more)
    // Open: what was showing steps aside, and a burst waits.
    expect(screen.queryAllByTestId('toast')).toHaveLength(0)
    act(() => {
      for (let i = 0; i < 5; i++) toasts.push({ kind: 'payment', title: `burst ${i}`, group: 'g' })
      toasts.push({ kind: 'info', title: 'other' })
    })
    expect(toasts.held()).toBe(true)
    expect(screen.queryAllByTestId('toast')).toHaveLength(0)
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    expect(toasts.held()).toBe(false)
    const shown = screen.getAllByTestId('toast')
    expect(shown.map((t) => [t.textContent, t.getAttribute('data-count')])).toEqual([
      ['burst 4×', '6'],
      ['other×', '1'],
    ])
    // Closed by a choice, the hold ends too.
    fireEvent.click(more)
    expect(toasts.held()).toBe(true)
    fireEvent.click(screen.getByRole('link', { name: 'Security' }))
    expect(toasts.held()).toBe(false)
  })
})

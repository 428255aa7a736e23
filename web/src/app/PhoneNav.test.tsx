import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
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

describe('PhoneNav', () => {
  it('is a disclosure: aria-expanded, focus in the menu, closed by Escape (focus back) and by a choice', () => {
    render(<PhoneNav role="admin" items={ALL} active={(to) => to === '/users'} />)
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
})

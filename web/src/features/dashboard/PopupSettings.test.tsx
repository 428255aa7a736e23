import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { ToastHost } from '../../components/Toasts'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import type { User } from '../../lib/types'
import { PopupSettings } from './PopupSettings'

afterEach(cleanup)

function menu() {
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 7, email: 'a@example.com', name: 'A', role: 'admin' } as unknown as User })
  const toasts = new ToastStore()
  render(
    <ServicesProvider services={{ session, toasts } as unknown as Services}>
      <PopupSettings />
      <ToastHost />
    </ServicesProvider>,
  )
  return toasts
}

describe('PopupSettings', () => {
  it('holds toasts while the menu is open (they would cover its choices) and shows them once it closes', () => {
    const toasts = menu()
    const button = screen.getByTestId('popup-settings')
    act(() => void toasts.push({ kind: 'info', title: 'before' }))
    expect(screen.getAllByTestId('toast')).toHaveLength(1)
    fireEvent.click(button)
    expect(button.getAttribute('aria-expanded')).toBe('true')
    expect(toasts.held()).toBe(true)
    expect(screen.queryAllByTestId('toast')).toHaveLength(0)
    act(() => {
      for (let i = 0; i < 5; i++) toasts.push({ kind: 'payment', title: `burst ${i}`, group: 'g' })
    })
    expect(screen.queryAllByTestId('toast')).toHaveLength(0)
    fireEvent.click(button)
    expect(toasts.held()).toBe(false)
    expect(screen.getAllByTestId('toast').map((t) => [t.textContent, t.getAttribute('data-count')])).toEqual([
      ['before×', '1'],
      ['burst 4×', '5'],
    ])
  })

  it('closes on Escape (focus back on its button) and on a click elsewhere, so the hold cannot outlast its use', () => {
    const toasts = menu()
    const button = screen.getByTestId('popup-settings')
    fireEvent.click(button)
    fireEvent.keyDown(screen.getAllByRole('checkbox')[0]!, { key: 'Escape' })
    expect(button.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(button)
    expect(toasts.held()).toBe(false)
    fireEvent.click(button)
    expect(toasts.held()).toBe(true)
    fireEvent.pointerDown(document.body)
    expect(button.getAttribute('aria-expanded')).toBe('false')
    expect(toasts.held()).toBe(false)
  })
})

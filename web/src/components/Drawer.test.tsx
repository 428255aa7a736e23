import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { ServicesProvider, type Services } from '../lib/services'
import { ToastStore } from '../lib/toast'
import { Drawer } from './Drawer'

afterEach(cleanup)

/** A drawer ending, like the customer's, with a tab list (roving tabindex: only the selected tab is a Tab stop). */
function open() {
  render(
    <ServicesProvider services={{ toasts: new ToastStore() } as unknown as Services}>
      <Drawer title="Asha" onClose={() => {}}>
        <input aria-label="Amount" />
        <div hidden>
          <button type="button">Not shown</button>
        </div>
        <div role="tablist">
          <button type="button" role="tab" tabIndex={0}>
            Deliveries
          </button>
          <button type="button" role="tab" tabIndex={-1}>
            Payments
          </button>
          <button type="button" role="tab" tabIndex={-1}>
            Ledger
          </button>
        </div>
      </Drawer>
    </ServicesProvider>,
  )
}

describe('Drawer', () => {
  it('Tab from the last stop (the selected tab, not a -1 one) goes back to the first; Shift+Tab from the first to it', () => {
    open()
    const close = screen.getByRole('button', { name: 'Close' })
    const selected = screen.getByRole('tab', { name: 'Deliveries' })
    selected.focus()
    expect(fireEvent.keyDown(document.activeElement!, { key: 'Tab' })).toBe(false) // handled: the browser does not move it out
    expect(document.activeElement).toBe(close)
    fireEvent.keyDown(close, { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(selected)
    // In between, Tab is the browser's own.
    screen.getByLabelText('Amount').focus()
    expect(fireEvent.keyDown(document.activeElement!, { key: 'Tab' })).toBe(true)
  })
})

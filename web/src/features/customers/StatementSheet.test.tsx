// The statement reads a balance as the customer drawer does: a credit is
// "₹50.00 credit", never "−₹50.00" (issue 19).
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { Statement } from '../../lib/types'
import { StatementSheet } from './StatementPage'

const st: Statement = {
  customerId: 1, customerName: 'Asha Rao', address: '', phone: '', vendorId: 2, month: '2026-11', from: '2026-11-01', to: '2026-11-30',
  timezone: 'Asia/Kolkata', openingBalanceCents: -5_000, chargesCents: 2_000, creditsCents: 10_000, broughtForwardCents: 0,
  closingBalanceCents: -13_000,
  lines: [
    { entryId: 1, at: '', date: '2026-11-02', kind: 'delivery', refId: 3, description: 'Delivery #3: Milk × 1 (for 2 Nov 2026)', amountCents: 2_000, balanceCents: -3_000 },
    { entryId: 2, at: '', date: '2026-11-05', kind: 'payment', refId: 4, description: 'Payment #4 (upi)', amountCents: -10_000, balanceCents: -13_000 },
  ],
}

afterEach(cleanup)

describe('StatementSheet balances', () => {
  it('reads the opening, running and closing credit as credit', () => {
    render(<StatementSheet st={st} business="Fresh Dairy" vendor="" />)
    expect(screen.getByTestId('st-opening').textContent).toBe('₹50.00 credit')
    expect(screen.getByTestId('st-closing').textContent).toBe('₹130.00 credit')
    const delivery = screen.getByTestId('st-line-delivery')
    const payment = screen.getByTestId('st-line-payment')
    expect(delivery.lastElementChild?.textContent).toBe('₹30.00 credit')
    expect(payment.lastElementChild?.textContent).toBe('₹130.00 credit')
    expect(screen.getByTestId('statement').textContent).not.toMatch(/[−-]₹/)
  })

  it('reads an owed balance as the amount', () => {
    render(<StatementSheet st={{ ...st, openingBalanceCents: 5_000, closingBalanceCents: 7_000, lines: [] }} business="Fresh Dairy" vendor="" />)
    expect(screen.getByTestId('st-opening').textContent).toBe('₹50.00')
    expect(screen.getByTestId('st-closing').textContent).toBe('₹70.00')
  })
})

import { act, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ServicesProvider, type Services } from '../lib/services'
import { ToastStore } from '../lib/toast'
import { ToastHost } from './Toasts'

function setup(withForm: boolean, toasts: ToastStore) {
  const services = { toasts } as unknown as Services
  return (
    <ServicesProvider services={services}>
      {withForm && (
        <form>
          <input aria-label="Amount" />
        </form>
      )}
      <ToastHost />
    </ServicesProvider>
  )
}

describe('ToastHost', () => {
  afterEach(() => vi.useRealTimers())

  it('holds toasts while focus is in a form, and shows them once the form is gone (even without a focusout)', () => {
    vi.useFakeTimers()
    const toasts = new ToastStore()
    const { rerender } = render(setup(true, toasts))
    act(() => screen.getByLabelText('Amount').focus())
    act(() => void toasts.push({ kind: 'payment', title: '₹5.00 received' }))
    expect(screen.queryAllByTestId('toast')).toHaveLength(0)
    rerender(setup(false, toasts))
    act(() => void vi.advanceTimersByTime(600))
    expect(screen.getAllByTestId('toast').map((t) => t.textContent)).toEqual(['₹5.00 received×'])
  })
})

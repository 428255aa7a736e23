// The offline banner dates the data it shows as the feed does (a day and a
// time), never a bare time that could be any day's (issue 19).
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../../lib/api'
import type { DataAge } from '../../lib/offline/dataAge'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import { formatWhen } from '../../lib/format'
import { OfflineBanner } from './OfflineBanner'

afterEach(cleanup)

describe('OfflineBanner', () => {
  it('says the day and the time of the data it shows', () => {
    const oldest = new Date(2025, 2, 3, 9, 5).getTime()
    const dataAge = { oldest: () => oldest, subscribe: () => () => undefined } as unknown as DataAge
    const services: Services = {
      api: {} as ApiClient, session: new SessionStore(), toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(),
      notice: () => null, dataAge,
    }
    render(
      <ServicesProvider services={services}>
        <OfflineBanner />
      </ServicesProvider>,
    )
    const text = screen.getByTestId('offline-age').textContent ?? ''
    expect(text).toContain(`showing data from ${formatWhen(oldest)} (`)
    expect(text).toMatch(/3 Mar 2025, 9:05/)
  })
})

import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MonthSelect, monthsBack } from './MonthSelect'

afterEach(cleanup)

describe('MonthSelect', () => {
  it('lists months back across a year, newest first', () => {
    expect(monthsBack('2027-02', 4)).toEqual(['2027-02', '2027-01', '2026-12', '2026-11'])
  })

  it('writes months in words whatever the browser locale, and gives YYYY-MM', () => {
    const onChange = vi.fn()
    render(
      <label>
        Month
        <MonthSelect value="2026-12" latest="2026-12" count={3} onChange={onChange} />
      </label>,
    )
    const select = screen.getByLabelText('Month') as HTMLSelectElement
    expect([...select.options].map((o) => o.textContent)).toEqual(['December 2026', 'November 2026', 'October 2026'])
    fireEvent.change(select, { target: { value: '2026-10' } })
    expect(onChange).toHaveBeenCalledWith('2026-10')
  })

  it('keeps a month outside the range selectable', () => {
    render(<MonthSelect aria-label="Month" value="2024-05" latest="2026-12" count={2} onChange={() => {}} />)
    const select = screen.getByLabelText('Month') as HTMLSelectElement
    expect(select.value).toBe('2024-05')
    expect(select.options[0]?.textContent).toBe('May 2024')
  })
})

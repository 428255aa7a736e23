// Browser tests of keyboard use: the skip link (the first Tab reaches it,
// Enter moves the focus to the main content), a visible focus ring on what
// the keyboard focuses, and the customer drawer,
// which keeps the focus inside while open (Tab and Shift+Tab cycle) and
// gives it back to the row that opened it when Escape closes it.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { arrangeCustomer, login, suite, unique } from './harness.mjs'

/** focused describes the focused element: inside the drawer or not, and what it is. */
function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement
    return {
      inDrawer: !!a?.closest('.drawer'),
      isFirst: !!a && a === window.__first,
      testId: a?.getAttribute('data-testid') ?? null,
      what: a ? `${a.tagName} "${(a.getAttribute('aria-label') ?? a.textContent ?? '').trim().slice(0, 40)}"` : 'nothing',
    }
  })
}

/** ring is the focused element's visible focus indicator: its outline or, for fields, its box-shadow ring ('' when none). */
function ring(page) {
  return page.evaluate(() => {
    const a = document.activeElement
    if (!a || a === document.body) return ''
    const st = getComputedStyle(a)
    if (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2) return `outline ${st.outlineWidth} ${st.outlineStyle} ${st.outlineColor}`
    // Fields show a ring as a box-shadow; anything else must have an outline.
    return a.matches('input, select, textarea') && st.boxShadow !== 'none' ? `box-shadow ${st.boxShadow}` : ''
  })
}

describe('keyboard', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  it('the first Tab reaches the skip link, shown; Enter moves the focus to the main content', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.reload()
    await page.getByTestId('stat-cards').waitFor()
    await page.keyboard.press('Tab')
    const skip = page.getByRole('link', { name: 'Skip to content' })
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'the first Tab focuses the skip link')
    assert.notEqual(await ring(page), '', 'the focused skip link shows a focus ring')
    const box = await skip.boundingBox()
    assert.ok(box && box.y >= 0 && box.height > 0, `the focused skip link is on screen: ${JSON.stringify(box)}`)
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.activeElement?.id === 'main')
    // The next Tab goes on from the main content, not from the header.
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest('main') && document.activeElement?.id !== 'main'), true)
    // Whatever the keyboard focuses shows it (:focus-visible), for the next few stops too.
    for (let i = 0; i < 4; i++) {
      const what = await page.evaluate(() => `${document.activeElement?.tagName} ${(document.activeElement?.textContent ?? '').trim().slice(0, 30)}`)
      assert.notEqual(await ring(page), '', `the focused ${what} shows a focus ring`)
      await page.keyboard.press('Tab')
    }
    await ctx.close()
  })

  it('keeps the focus in the customer drawer (Tab and Shift+Tab cycle); Escape closes it and the focus goes back to its row', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Keyboard Customer') })
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/customers?q=${encodeURIComponent(customer.name)}`)
    const row = page.getByTestId(`customer-row-${customer.id}`)
    await row.focus()
    await page.keyboard.press('Enter')
    const drawer = page.getByRole('dialog')
    await page.getByTestId('detail-balance').waitFor()
    // How many stops the drawer has: enough presses to go round it once and a bit.
    const stops = await drawer.evaluate(
      (d) =>
        [...d.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')].filter(
          (el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0,
        ).length,
    )
    assert.ok(stops >= 4, `only ${stops} focusable controls in the drawer`)

    for (const key of ['Tab', 'Shift+Tab']) {
      await page.keyboard.press(key)
      await page.evaluate(() => (window.__first = document.activeElement))
      let wrapped = false
      for (let i = 0; i < stops + 2; i++) {
        await page.keyboard.press(key)
        const f = await focused(page)
        assert.ok(f.inDrawer, `${key} #${i + 2} left the drawer: focus on ${f.what}`)
        if (f.isFirst) wrapped = true
      }
      assert.ok(wrapped, `${key} did not come back round to where it started within ${stops + 2} presses`)
    }

    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'detached' })
    assert.equal(new URL(page.url()).pathname, '/customers')
    const f = await focused(page)
    assert.equal(f.testId, `customer-row-${customer.id}`, `focus is on ${f.what}`)
    await ctx.close()
  })
})

// The header on a phone (390 px) stays one row, even with the longest
// connection status ("Reconnecting (attempt n/m)"); the bottom bar holds the
// most used pages and More.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { launchBrowser, login, startServer, waitForConnection } from './harness.mjs'

/** headerRows counts the distinct rows the header's items sit on, and its height. */
async function headerRows(page) {
  return page.evaluate(() => {
    const bar = document.querySelector('.topbar')
    const items = [...bar.querySelectorAll('.brand, .conn, .topbar-right .btn')].filter((e) => e.getClientRects().length > 0)
    const mids = items.map((e) => {
      const r = e.getBoundingClientRect()
      return Math.round(r.top + r.height / 2)
    })
    const rows = []
    for (const m of mids) if (!rows.some((r) => Math.abs(r - m) <= 6)) rows.push(m)
    const overflow = items.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.className)
    return { rows: rows.length, height: bar.getBoundingClientRect().height, items: items.length, overflow }
  })
}

describe('header on phones', () => {
  let server, browser

  before(async () => {
    // No demo data: the header needs none, and its seeding is most of a server's start.
    server = await startServer({ demo: false })
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.dispose()
  })

  it('is one row at 390 px, live and while reconnecting', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    let h = await headerRows(page)
    assert.deepEqual({ rows: h.rows, overflow: h.overflow }, { rows: 1, overflow: [] })
    assert.ok(h.items >= 3 && h.height <= 60, `header ${h.height}px with ${h.items} items`)
    // The most used pages are one tap away, the others under More (phone-nav.test.mjs).
    for (const name of ['Today', 'Dashboard', 'Customers', 'Analytics']) {
      const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true })
      assert.ok(await link.isVisible(), `${name} is not visible`)
    }
    assert.ok(await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'More' }).isVisible(), 'More is not visible')

    await server.stop()
    try {
      // Reconnecting, then Offline (red) once REST fails too: either is
      // the long label the one-row header must hold.
      await page.locator('[data-testid="connection"][data-state="reconnecting"], [data-testid="connection"][data-state="offline"]').first().waitFor({ timeout: 10_000 })
      assert.match(await page.getByTestId('connection-state').innerText(), /Reconnecting|Offline/)
      h = await headerRows(page)
      assert.deepEqual({ rows: h.rows, overflow: h.overflow }, { rows: 1, overflow: [] })
      assert.ok(h.height <= 60, `header ${h.height}px while reconnecting`)
    } finally {
      await server.start()
    }
    await ctx.close()
  })
})

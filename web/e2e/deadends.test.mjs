// Browser tests of the dashboard's ways in: stat cards open what they
// count, feed entries open what they concern, and the feed loads older
// entries from GET /api/activity?before=.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { arrangeCustomer, login, suite, unique } from './harness.mjs'

describe('dashboard ways in', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  it('opens today’s payments from the card and the customer from a feed entry; loads older entries', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Card Payer') })
    await admin.post('/api/payments', { customerId: customer.id, amountCents: 7_700, method: 'cash', idempotencyKey: crypto.randomUUID() })
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await ctx.newPage()
    await login(page, server.url)

    await page.getByTestId('stat-payments-today').click()
    const list = page.getByTestId('today-payments')
    await list.waitFor()
    await list.getByRole('link').filter({ hasText: '₹77.00' }).first().click()
    await page.getByTestId('customer-detail').waitFor()
    assert.equal(new URL(page.url()).pathname, `/customers/${customer.id}`)

    await page.goto(`${server.url}/`)
    const feed = page.getByTestId('activity-feed')
    await feed.waitFor()
    const entry = feed.getByRole('link').filter({ hasText: customer.name }).first()
    await entry.waitFor()
    assert.match(await entry.innerText(), /₹77\.00/)
    assert.doesNotMatch(await feed.innerText(), /\b\d{4}-\d{2}-\d{2}\b/, 'a raw ISO date in the feed')
    await entry.click()
    await page.getByTestId('customer-detail').waitFor()
    assert.equal(new URL(page.url()).pathname, `/customers/${customer.id}`)

    await page.goto(`${server.url}/`)
    await feed.waitFor()
    const shown = await feed.locator('li').count()
    const seqs = async () => feed.locator('li').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))))
    const firstSeqs = await seqs()
    await page.getByTestId('feed-older').click()
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="activity-feed"] li').length > n, shown)
    const all = await seqs()
    assert.ok(all.length > shown)
    // Older entries follow, newest first, none repeated (live ones may arrive on top meanwhile).
    const oldest = Math.min(...firstSeqs)
    const at = all.indexOf(oldest)
    const older = all.slice(at + 1)
    assert.ok(older.length > 0 && older.every((s, i) => s < oldest && (i === 0 || s < older[i - 1])), `older entries ${older}`)
    assert.equal(new Set(all).size, all.length)
    await ctx.close()
  })
})

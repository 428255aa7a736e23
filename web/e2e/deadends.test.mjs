// Browser tests of the dashboard's ways in: stat cards open what they
// count, feed entries open what they concern, and the feed loads older
// entries from GET /api/activity?before=.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { arrangeCustomer, eventually, login, suite, unique } from './harness.mjs'

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

  it('opens what the Revenue and Deliveries cards count: this month’s revenue and today’s deliveries', async () => {
    const { today } = await admin.get('/api/stats')
    const customer = await arrangeCustomer(admin, { name: unique('Card Delivery') })
    const delivery = await admin.post('/api/deliveries', { customerId: customer.id, scheduledFor: today, items: 'Curd 500g', quantity: 2, amountCents: 4_400 })
    await admin.patch(`/api/deliveries/${delivery.id}`, { status: 'delivered' })
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await ctx.newPage()
    await login(page, server.url)

    // Deliveries: today's list, every one the card counts (the demo's included), each opening its customer.
    const card = page.getByTestId('stat-deliveries')
    await card.click()
    const list = page.getByTestId('today-deliveries')
    await list.waitFor()
    // (The card counts neither skipped, cancelled nor reversed ones; the list marks them.)
    await eventually(async () => {
      const total = Number((await card.locator('.stat-value').innerText()).split('/')[1].replace(/[^\d]/g, ''))
      const counted = await list.locator('li').evaluateAll((lis) => lis.filter((li) => !li.querySelector('.badge-skipped, .badge-cancelled, .badge-reversed')).length)
      assert.equal(counted, total)
    })
    const row = list.getByRole('link').filter({ hasText: customer.name })
    assert.match(await row.innerText(), /Curd 500g × 2 · ₹44\.00/)
    await row.click()
    await page.getByTestId('customer-detail').waitFor()
    assert.equal(new URL(page.url()).pathname, `/customers/${customer.id}`)

    // Revenue: the analytics of this month, whose revenue is the card's month figure (it includes today's).
    await page.goto(`${server.url}/`)
    await page.getByTestId('stat-revenue-today').click()
    await page.waitForFunction(() => document.title.startsWith('Analytics'))
    assert.equal(await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: 'This month' }).getAttribute('aria-pressed'), 'true')
    const revenue = page.getByTestId('analytics-totals').locator('.stat').filter({ hasText: 'Revenue' }).locator('.stat-value')
    await eventually(async () => {
      const { revenueMonthCents } = await admin.get('/api/stats')
      assert.ok(revenueMonthCents >= 4_400)
      const shown = Number((await revenue.innerText()).replace(/[^\d]/g, ''))
      assert.equal(shown, revenueMonthCents)
    }, 15_000)
    await ctx.close()
  })
})

// Browser test of the richer analytics: a payment recorded over REST moves
// the collection rate, dues ageing and vendor comparison cards live (the
// socket's payment:added invalidates every analytics query, throttled).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, eventually, login, screenshot, suite, unique, waitForConnection } from './harness.mjs'

describe('analytics', () => {
  let s, server, browser, admin, vendor, customer

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
    // A vendor of its own, away from the demo simulator's traffic: one
    // customer charged ₹500.00 today and owing all of it.
    const email = `${unique('an').replace(/\s/g, '')}@e2e.test`
    const v = await admin.post('/api/users', { email, name: unique('Ageing Dairy'), role: 'vendor', password: 'vendor-pass-123' })
    vendor = { ...v, email, password: 'vendor-pass-123' }
    customer = await admin.post('/api/customers', { name: unique('Owing Customer'), phone: '+91 98765 43210', vendorId: v.id })
    const d = await admin.post('/api/deliveries', { customerId: customer.id, items: 'Milk 1L', quantity: 2, amountCents: 50_000 })
    await admin.patch(`/api/deliveries/${d.id}`, { status: 'out_for_delivery' })
    await admin.patch(`/api/deliveries/${d.id}`, { status: 'delivered' })
  })
  after(() => s?.close())

  it('moves the collection rate, dues ageing and vendor comparison when a payment is recorded', async () => {
    // The demo simulator may pay or charge this vendor's customers too, so
    // the page is compared with what the server says at the moment, and
    // must catch up without a reload once the payment is in.
    const vapi = await Api.login(server.url, vendor.email, vendor.password)
    const { today } = await vapi.get('/api/stats')
    const range = `from=${today.slice(0, 8)}01&to=${today}`
    const money = (c) => new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' }).format(c / 100)
    const pct = (r) => (r === null ? '—' : new Intl.NumberFormat('en-IN', { style: 'percent', maximumFractionDigits: 1 }).format(r))
    const server_ = async () => {
      const a = await vapi.get(`/api/analytics?${range}`)
      const paid = a.series.reduce((t, p) => t + p.paymentsCents, 0)
      const charged = a.series.reduce((t, p) => t + p.revenueCents, 0)
      const ag = await vapi.get('/api/analytics/ageing')
      const cmp = await admin.get(`/api/analytics/vendors?${range}`)
      const mine = cmp.vendors.find((x) => x.vendorId === vendor.id)
      return {
        paid,
        rate: pct(charged > 0 ? paid / charged : null),
        ageing: `${money(ag.totalCents)} owed by ${ag.customers.length} customers`,
        row: pct(mine.collectionRate),
      }
    }

    const vctx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const vpage = await vctx.newPage()
    await login(vpage, server.url, vendor.email, vendor.password)
    await vpage.goto(server.url + '/analytics')
    await waitForConnection(vpage, 'live')
    await vpage.getByRole('button', { name: 'This month' }).click()
    const actx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const apage = await actx.newPage()
    await login(apage, server.url)
    await apage.goto(server.url + '/analytics')
    await waitForConnection(apage, 'live')
    await apage.getByRole('button', { name: 'This month' }).click()
    const row = apage.getByTestId('vendor-comparison').getByRole('row').filter({ hasText: vendor.name })
    const shown = async () => ({
      rate: (await vpage.getByTestId('collection-total').locator('.stat-value').innerText()).trim(),
      ageing: (await vpage.getByTestId('ageing-total').innerText()).trim(),
      row: (await row.locator('td').nth(2).innerText()).trim(),
    })
    const caughtUp = async (minPaid) => {
      const want = await server_()
      assert.ok(want.paid >= minPaid, `server has ${want.paid} paid, want at least ${minPaid}`)
      const got = await shown()
      assert.deepEqual(got, { rate: want.rate, ageing: want.ageing, row: want.row })
      return want
    }
    const before = await eventually(() => caughtUp(0), 30_000, 250)
    assert.match(await vpage.getByTestId('ageing').getByTestId('freshness').innerText(), /Live/)
    // The collection-rate chart has a point that says today's rate.
    assert.ok((await vpage.getByTestId('collection-rate').locator('circle title').count()) >= 1)

    await admin.post('/api/payments', { customerId: customer.id, amountCents: 20_000, method: 'upi', idempotencyKey: crypto.randomUUID() })

    // No reload: within the 5 s throttle (plus a fetch) every card follows.
    const afterPay = await eventually(() => caughtUp(before.paid + 20_000), 30_000, 250)
    assert.notEqual(afterPay.ageing, before.ageing)
    assert.notEqual(afterPay.rate, before.rate)
    await screenshot(vpage, 'analytics-vendor')
    await screenshot(apage, 'analytics-admin')
    await vctx.close()
    await actx.close()
  })

  it('fits a phone: the new cards render at 390 px without sideways scrolling', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(server.url + '/analytics')
    for (const id of ['ageing', 'by-product', 'by-area', 'vendor-comparison', 'collection-rate', 'active-subscribers']) {
      await page.getByTestId(id).waitFor({ timeout: 30_000 })
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow} px`)
    for (const name of ['This month', 'Last month']) {
      const box = await page.getByRole('button', { name }).boundingBox()
      assert.ok(box && box.height >= 44, `${name} is ${box?.height} px tall`)
    }
    await screenshot(page, 'analytics-phone')
    await ctx.close()
  })
})

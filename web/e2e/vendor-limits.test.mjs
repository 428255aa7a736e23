// Vendors see their own customers over their credit limit (issue 18 keeps
// alerts admins'): the list and the drawer mark the customer live when a
// delivery takes the balance above the limit; no bell, no alerts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, arrangeCustomer, eventually, launchBrowser, login, startServer, unique } from './harness.mjs'

describe('vendor credit limits', () => {
  let server, browser, admin

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    admin = await Api.login(server.url)
  })
  after(async () => {
    await browser?.close()
    await server?.dispose()
  })

  it("marks a vendor's own customer over its limit, live, without alerts", async () => {
    const me = { email: `${unique('lv').replace(/\s/g, '')}@e2e.test`, password: 'vendor-pass-123' }
    const vendor = await admin.post('/api/users', { ...me, name: unique('Limit Vendor'), role: 'vendor' })
    const owing = await arrangeCustomer(admin, { vendorId: vendor.id, name: unique('Owing') })
    await admin.patch(`/api/customers/${owing.id}`, { creditLimitCents: 1_000 })

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await ctx.newPage()
    await login(page, server.url, me.email, me.password)
    assert.equal(await page.getByTestId('alert-bell').count(), 0, 'vendors have no alert bell')
    await page.goto(`${server.url}/customers/${owing.id}`)
    const row = page.getByTestId(`customer-row-${owing.id}`)
    await row.waitFor()
    assert.match(await page.getByTestId('detail-credit-limit').innerText(), /₹10\.00/)
    assert.equal(await row.getByTestId('over-limit').count(), 0)

    const today = new Date().toISOString().slice(0, 10)
    const d = await admin.post('/api/deliveries', { customerId: owing.id, scheduledFor: today, items: 'Milk 1L', quantity: 1, amountCents: 5_000 })
    await admin.patch(`/api/deliveries/${d.id}`, { status: 'out_for_delivery' })
    await admin.patch(`/api/deliveries/${d.id}`, { status: 'delivered' })
    await eventually(async () => assert.equal(await row.getByTestId('over-limit').count(), 1), 10_000)
    await eventually(async () => assert.equal(await page.getByTestId('detail-credit-limit').getByTestId('over-limit').count(), 1), 10_000)
    await ctx.close()
  })
})

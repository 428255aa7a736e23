// Browser tests of the dashboard against a real server (see harness.mjs).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, arrangeCustomer, businessTomorrow, eventually, login, screenshot, suite, unique, waitForConnection } from './harness.mjs'

describe('dashboard', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  it('refuses a wrong password with a clear message, then logs in and goes live', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const page = await ctx.newPage()
    await page.goto(server.url + '/')
    await screenshot(page, 'login')
    await page.getByLabel('Email').fill('admin@livedesk.local')
    await page.getByLabel('Password').fill('wrong-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    const error = page.getByTestId('login-error')
    await error.waitFor()
    assert.match(await error.innerText(), /do not match/)
    await page.getByLabel('Password').fill('livedesk-demo')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await waitForConnection(page, 'live')
    await page.getByTestId('stat-cards').waitFor()
    assert.match(await page.getByTestId('transport').innerText(), /websocket|polling/)
    await page.getByTestId('rtt').waitFor()
    await ctx.close()
  })

  it('shows a payment posted over REST in the feed, the balance and a toast within 1 s', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Live Payer') })
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const dash = await ctx.newPage()
    await login(dash, server.url)
    await dash.getByTestId('activity-feed').waitFor()
    const detail = await ctx.newPage()
    await detail.goto(`${server.url}/customers/${customer.id}`)
    await detail.getByTestId('detail-balance').waitFor()
    await waitForConnection(detail, 'live')
    const before = await detail.getByTestId('detail-balance').innerText()

    const res = await admin.post('/api/payments', {
      customerId: customer.id,
      amountCents: 12_345,
      method: 'upi',
      reference: 'e2e',
      idempotencyKey: crypto.randomUUID(),
    })
    const posted = Date.now()
    // A customer in credit reads "In credit ₹…", never "Balance owed −₹…".
    const expected = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' }).format(Math.abs(res.customer.balanceCents) / 100)

    await Promise.all([
      dash.getByTestId('activity-feed').getByText(customer.name).first().waitFor({ timeout: 1_000 }),
      dash.getByTestId('toast').filter({ hasText: '₹123.45' }).first().waitFor({ timeout: 1_000 }),
      detail.getByTestId('detail-balance').getByText(expected, { exact: true }).waitFor({ timeout: 1_000 }),
    ])
    const elapsed = Date.now() - posted
    assert.ok(elapsed <= 1_000, `took ${elapsed} ms`)
    assert.notEqual(before, expected)
    await screenshot(dash, 'dashboard')
    await ctx.close()
  })

  it('lets two admins see each other’s changes', async () => {
    const email = `${unique('second').replace(/\s/g, '')}@e2e.test`
    const secondName = unique('Second Admin')
    await admin.post('/api/users', { email, name: secondName, role: 'admin', password: 'second-admin-pw' })
    const customer = await arrangeCustomer(admin, { name: unique('Shared Customer') })

    const ctxA = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const ctxB = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const a = await ctxA.newPage()
    const b = await ctxB.newPage()
    await login(a, server.url)
    await login(b, server.url, email, 'second-admin-pw')
    // Presence: each sees the other online.
    await a.getByTestId('presence').getByText(secondName).waitFor({ timeout: 5_000 })

    await b.goto(`${server.url}/customers/${customer.id}`)
    await b.getByTestId('detail-balance').waitFor()
    await a.goto(`${server.url}/customers/${customer.id}`)
    await a.getByTestId('pay-amount').fill('250')
    await a.getByTestId('pay-submit').click()
    const expected = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' }).format(250)
    await b.getByTestId('detail-balance').getByText(expected, { exact: true }).waitFor({ timeout: 2_000 })
    assert.equal(await b.getByTestId('detail-balance-label').innerText(), 'In credit')
    // The toast waits while b's drawer is open (it would cover its controls); it shows once b closes it, below.
    assert.equal(await b.getByTestId('toast').count(), 0)

    // A delivery status changed by one admin moves in the other's drawer.
    // Tomorrow: the demo simulator advances today's scheduled deliveries,
    // and would race the admins for this one.
    const tomorrow = await businessTomorrow(admin)
    const delivery = await admin.post('/api/deliveries', { customerId: customer.id, scheduledFor: tomorrow, items: 'Milk 1L', quantity: 2, amountCents: 11_000 })
    const rowA = a.getByTestId('deliveries-list').locator('li').filter({ hasText: 'Milk 1L × 2' })
    const rowB = b.getByTestId('deliveries-list').locator('li').filter({ hasText: 'Milk 1L × 2' })
    await rowA.waitFor({ timeout: 3_000 })
    await rowB.waitFor({ timeout: 3_000 })
    await a.getByLabel(`Change status of delivery ${delivery.id}`).selectOption('out_for_delivery')
    await rowB.getByText('Out for delivery', { exact: true }).waitFor({ timeout: 2_000 })
    await a.getByLabel(`Change status of delivery ${delivery.id}`).selectOption('delivered')
    await rowB.getByText('Delivered', { exact: true }).waitFor({ timeout: 2_000 })
    // Delivering charges the balance: -250 + 110 = -140.
    const charged = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' }).format(140)
    await b.getByTestId('detail-balance').getByText(charged, { exact: true }).waitFor({ timeout: 3_000 })
    await screenshot(a, 'customer-detail', { fullPage: false })
    await b.getByRole('button', { name: 'Close' }).click()
    await b.getByTestId('toast').filter({ hasText: '₹250.00' }).first().waitFor({ timeout: 2_000 })
    await ctxA.close()
    await ctxB.close()
  })

  it('shows a vendor only its own customers and no admin pages', async () => {
    const vendorEmail = `${unique('vendor').replace(/\s/g, '')}@e2e.test`
    const vendor = await admin.post('/api/users', { email: vendorEmail, name: unique('Own Vendor'), role: 'vendor', password: 'vendor-pass-123' })
    const mine = await arrangeCustomer(admin, { vendorId: vendor.id, name: unique('Mine') })
    const theirs = await arrangeCustomer(admin, { name: unique('Theirs') })

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const page = await ctx.newPage()
    await login(page, server.url, vendorEmail, 'vendor-pass-123')
    assert.equal(await page.getByRole('link', { name: 'Users', exact: true }).count(), 0)
    await page.goto(`${server.url}/customers`)
    const table = page.getByTestId('customers-table')
    await table.waitFor()
    await table.getByText(mine.name).waitFor()
    await page.getByTestId('customer-search').fill(theirs.name)
    await page.getByText('No customers match').waitFor()
    // Every row on every page is the vendor's: the API reports the vendor's count.
    const vendorApi = await Api.login(server.url, vendorEmail, 'vendor-pass-123')
    const list = await vendorApi.get('/api/customers?limit=500')
    assert.ok(list.items.every((c) => c.vendorId === vendor.id), 'vendor API returned another vendor’s customer')

    // Live events too: the vendor sees its own customer's payment, never the other's.
    await page.goto(server.url + '/')
    await waitForConnection(page, 'live')
    const feed = page.getByTestId('activity-feed')
    await admin.post('/api/payments', { customerId: theirs.id, amountCents: 999, method: 'cash', idempotencyKey: crypto.randomUUID() })
    await admin.post('/api/payments', { customerId: mine.id, amountCents: 888, method: 'cash', idempotencyKey: crypto.randomUUID() })
    await feed.getByText(mine.name).first().waitFor({ timeout: 2_000 })
    assert.equal(await feed.getByText(theirs.name).count(), 0, 'the vendor saw another vendor’s payment')
    assert.equal(await page.getByTestId('toast').filter({ hasText: '₹9.99' }).count(), 0)
    await ctx.close()
  })

  it('renders every page at 1280 px and 390 px', async () => {
    const customer = await arrangeCustomer(admin)
    for (const [label, viewport] of [
      ['desktop', { width: 1280, height: 860 }],
      ['phone', { width: 390, height: 844 }],
    ]) {
      const ctx = await browser.newContext({ viewport })
      const page = await ctx.newPage()
      const errors = []
      page.on('pageerror', (e) => errors.push(e.message))
      await login(page, server.url)
      for (const [name, path, ready] of [
        ['dashboard', '/', 'stat-cards'],
        ['customers', '/customers', 'customers-table'],
        ['customer', `/customers/${customer.id}`, 'customer-detail'],
        ['analytics', '/analytics', 'analytics-totals'],
        ['users', '/users', 'users-table'],
      ]) {
        await page.goto(server.url + path)
        await page.getByTestId(ready).waitFor()
        await eventually(async () => assert.equal(await page.locator('.skeleton').count(), 0), 5_000)
        await screenshot(page, `${name}-${label}`, { fullPage: name !== 'customer' })
        const overflow = await page.evaluate(() => ({
          px: document.documentElement.scrollWidth - window.innerWidth,
          culprits: [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
        }))
        assert.ok(overflow.px <= 1, `${name} at ${viewport.width}px scrolls sideways by ${overflow.px}px: ${overflow.culprits.join(', ')}`)
      }
      assert.deepEqual(errors, [])
      await ctx.close()
    }
  })
})

// Browser tests of alerts (issue 18): the header bell's open count rises
// live when a payment above the large_payment threshold is recorded and
// when a customer goes over its credit limit (marked in the customers
// list too); an acknowledgement with a note made by one admin is seen live
// by a second admin; the rules form shows the server's field error.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, arrangeCustomer, eventually, launchBrowser, login, screenshot, startServer, unique } from './harness.mjs'

// The machine running these may be loaded: a generous default wait.
const WAIT = 60_000
const open = async (browser, viewport) => {
  const ctx = await browser.newContext({ viewport })
  ctx.setDefaultTimeout(WAIT)
  return ctx
}

const count = async (page) => Number((await page.getByTestId('alert-bell').getAttribute('data-count')) || 0)

describe('alerts', () => {
  let server, browser, admin

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    admin = await Api.login(server.url)
    // Only this test's doings raise alerts: the demo simulator's deliveries
    // and payments stay under these (a default credit limit no demo
    // customer reaches; no failure-rate or cut-off alerts), so the bell's
    // count moves by exactly what the test does.
    await admin.patch('/api/alerts/rules', {
      large_payment: { enabled: true, thresholdCents: 1_000_000 },
      balance_over_limit: { enabled: true, defaultCreditLimitCents: 100_000_000_000 },
      failure_rate: { enabled: false },
      shift_cutoff: { enabled: false },
    })
    await eventually(async () => {
      const { alerts } = await admin.get('/api/alerts?status=open')
      assert.deepEqual(alerts.filter((a) => a.rule !== 'large_payment'), [])
    }, 20_000)
  })
  after(async () => {
    await browser?.close()
    await server?.dispose()
  })

  it('raises the bell count on a large payment and on a customer over its credit limit, and marks the customer', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    ctx.setDefaultTimeout(WAIT)
    const page = await ctx.newPage()
    await login(page, server.url)
    const bell = page.getByTestId('alert-bell')
    await bell.waitFor()
    await eventually(async () => assert.notEqual(await bell.getAttribute('data-count'), ''), 10_000)
    const start = await count(page)

    const payer = await arrangeCustomer(admin, { name: unique('Large Payer') })
    await admin.post('/api/payments', { customerId: payer.id, amountCents: 2_500_000, method: 'cash', idempotencyKey: crypto.randomUUID() })
    await eventually(async () => assert.equal(await count(page), start + 1), 15_000)
    assert.match(await bell.getAttribute('aria-label'), new RegExp(`Alerts: ${start + 1} open`))

    // A customer of its own low limit, charged above it.
    const owing = await arrangeCustomer(admin, { name: unique('Owing Customer') })
    await admin.patch(`/api/customers/${owing.id}`, { creditLimitCents: 1_000 })
    const today = new Date().toISOString().slice(0, 10)
    const d = await admin.post('/api/deliveries', { customerId: owing.id, scheduledFor: today, items: 'Milk 1L', quantity: 1, amountCents: 5_000 })
    await admin.patch(`/api/deliveries/${d.id}`, { status: 'out_for_delivery' })
    await admin.patch(`/api/deliveries/${d.id}`, { status: 'delivered' })
    await eventually(async () => assert.equal(await count(page), start + 2), 15_000)

    // The Alerts page lists it and leads to the customer's drawer.
    await bell.click()
    const item = page.locator('[data-rule="balance_over_limit"]', { hasText: owing.name })
    await item.waitFor()
    await item.getByRole('link', { name: 'Open customer' }).click()
    await page.waitForURL(`**/customers/${owing.id}`)
    // Marked in the customers list.
    await page.goto(`${server.url}/customers?q=${encodeURIComponent(owing.name)}`)
    await page.getByTestId(`customer-row-${owing.id}`).getByTestId('over-limit').waitFor()
    await screenshot(page, 'alerts-over-limit-390')
    await ctx.close()
  })

  it("shows one admin's acknowledgement to another admin live", async () => {
    const other = { email: `${unique('second').replace(/\s/g, '')}@e2e.test`, password: 'second-admin-pass-1' }
    await admin.post('/api/users', { ...other, name: 'Second Admin', role: 'admin' })
    const payer = await arrangeCustomer(admin, { name: unique('Ack Payer') })
    const pay = await admin.post('/api/payments', { customerId: payer.id, amountCents: 3_000_000, method: 'upi', idempotencyKey: crypto.randomUUID() })
    const paymentId = pay.payment?.id ?? pay.id
    const alert = await eventually(async () => {
      const { alerts } = await admin.get('/api/alerts?status=open')
      const a = alerts.find((x) => x.rule === 'large_payment' && x.subject.id === paymentId)
      assert.ok(a, 'the alert is raised')
      return a
    }, 15_000)

    const ctx1 = await open(browser, { width: 1280, height: 900 })
    const ctx2 = await open(browser, { width: 390, height: 844 })
    const p1 = await ctx1.newPage()
    const p2 = await ctx2.newPage()
    await login(p1, server.url)
    await login(p2, server.url, other.email, other.password)
    await p1.goto(`${server.url}/alerts`)
    await p2.goto(`${server.url}/alerts`)
    await p2.getByRole('button', { name: 'All' }).click()
    const seen = p2.getByTestId(`alert-${alert.id}`)
    await seen.waitFor()
    assert.equal(await seen.getAttribute('data-status'), 'open')
    const before2 = await count(p2)

    const mine = p1.getByTestId(`alert-${alert.id}`)
    await mine.getByRole('button', { name: 'Acknowledge' }).click()
    await mine.getByTestId('ack-note').fill('Called the vendor: a real advance payment')
    await mine.getByRole('button', { name: 'Acknowledge' }).click()
    await mine.waitFor({ state: 'detached' }) // off admin 1's open list

    await eventually(async () => assert.equal(await seen.getAttribute('data-status'), 'acked'), 30_000)
    const by = await seen.getByTestId('acked-by').innerText()
    assert.match(by, /Acknowledged by Demo Admin/)
    assert.match(by, /Called the vendor: a real advance payment/)
    await eventually(async () => assert.equal(await count(p2), before2 - 1), 30_000)
    await screenshot(p2, 'alerts-acked-second-admin-390')
    await ctx1.close()
    await ctx2.close()
  })

  it('validates the rules form on its fields, saves the rules and the default credit limit', async () => {
    const ctx = await open(browser, { width: 390, height: 844 })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/alerts`)
    const percent = page.getByTestId('rule-failure_rate.percent')
    await percent.fill('0')
    await page.getByRole('button', { name: 'Save rules' }).click()
    await page.getByText('Enter a whole number from 1 to 100.').waitFor()
    await percent.fill('35')
    await page.getByRole('button', { name: 'Save rules' }).click()
    await page.getByText('Saved. The rules apply from the next evaluation.').waitFor()
    const rules = await admin.get('/api/alerts/rules')
    assert.equal(rules.failure_rate.percent, 35)
    // The default credit limit, under Settings (Users page).
    await page.goto(`${server.url}/users`)
    const limit = page.getByTestId('default-credit-limit')
    await limit.fill('7500')
    await page.getByRole('form', { name: 'Default credit limit' }).getByRole('button', { name: 'Save' }).click()
    await eventually(async () => assert.equal((await admin.get('/api/alerts/rules')).balance_over_limit.defaultCreditLimitCents, 750_000), 5_000)
    await ctx.close()
  })
})

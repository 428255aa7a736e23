// Accessibility of every page, at 1280 px and 390 px: axe-core (the engine
// of the usual browser checkers) runs in Chromium with the WCAG 2.1 A and
// AA rules, colour contrast included, and must find nothing.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { after, before, describe, it } from 'node:test'
import { DEMO, arrangeCustomer, eventually, login, suite } from './harness.mjs'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** audit runs axe on the page as it is and returns its violations, one line each. */
async function audit(page) {
  // Through the DevTools protocol: the app's Content-Security-Policy (script-src 'self') stays on.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource)
  const res = await page.evaluate(async () => {
    // Animations fade text in: check the settled page.
    for (const a of document.getAnimations()) a.finish()
    // eslint-disable-next-line no-undef
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
  })
  return res.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join(' ').trim()}`))
}

describe('accessibility', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 860 }],
    ['phone', { width: 390, height: 844 }],
  ]) {
    it(`every page passes the WCAG 2.1 AA checks (contrast included) at ${viewport.width} px`, async () => {
      const customer = await arrangeCustomer(admin)
      await admin.post('/api/payments', { customerId: customer.id, amountCents: 2_500, method: 'cash', idempotencyKey: crypto.randomUUID() })
      const ctx = await browser.newContext({ viewport, reducedMotion: 'reduce' })
      const page = await ctx.newPage()
      const found = []
      await page.goto(server.url + '/')
      await page.getByLabel('Email').waitFor()
      found.push(...(await audit(page)).map((v) => `login: ${v}`))
      await login(page, server.url, DEMO.email, DEMO.password)
      const pages = [
        ['today', '/today', 'counter-toDo'],
        ['dashboard', '/', 'stat-cards'],
        ['customers', '/customers', 'customers-table'],
        ['customer', `/customers/${customer.id}`, 'customer-detail'],
        ['analytics', '/analytics', 'analytics-totals'],
        ['users', '/users', 'users-table'],
      ]
      for (const [name, path, ready] of pages) {
        await page.goto(server.url + path)
        await page.getByTestId(ready).waitFor()
        await eventually(async () => assert.equal(await page.locator('.skeleton').count(), 0), 5_000)
        found.push(...(await audit(page)).map((v) => `${name}: ${v}`))
      }
      // The states a user opens: the confirmation of a large payment, the ledger, pop-up choices, today's payments.
      await page.goto(`${server.url}/customers/${customer.id}`)
      await page.getByTestId('pay-amount').fill('50000')
      await page.getByTestId('pay-submit').click()
      await page.getByTestId('pay-confirm').waitFor()
      await page.getByRole('tab', { name: 'Ledger' }).click()
      found.push(...(await audit(page)).map((v) => `customer (confirming, ledger): ${v}`))
      await page.goto(server.url + '/')
      await page.getByTestId('popup-settings').click()
      found.push(...(await audit(page)).map((v) => `dashboard (pop-up choices): ${v}`))
      await page.getByTestId('stat-payments-today').click()
      await page.getByTestId('today-payments').waitFor()
      found.push(...(await audit(page)).map((v) => `today's payments: ${v}`))
      assert.deepEqual(found, [], `${label}: ${found.length} WCAG violations:\n${found.join('\n')}`)
      await ctx.close()
    })
  }
})

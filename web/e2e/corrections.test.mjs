// Browser test of corrections: an admin reverses a mistyped payment from the
// customer drawer (reason, confirmation) against a real server.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { arrangeCustomer, eventually, login, screenshot, suite, unique } from './harness.mjs'

describe('corrections', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  it('reverses a payment typed ten times too big, leaving it struck through with the reason', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Mistyped Payer') })
    const pay = await admin.post('/api/payments', { customerId: customer.id, amountCents: 4_500_000, method: 'cash', idempotencyKey: crypto.randomUUID() })
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/customers/${customer.id}`)
    await page.getByTestId('detail-balance').waitFor()
    await page.getByRole('tab', { name: 'Payments' }).click()
    const row = page.getByTestId(`payment-${pay.payment.id}`)
    await row.getByRole('button', { name: /Reverse payment/ }).click()
    await row.getByLabel('Reason').fill('typed 45,000 instead of 4,500')
    await row.getByRole('button', { name: 'Reverse…' }).click()
    await row.getByRole('alertdialog').waitFor()
    await row.getByRole('button', { name: 'Confirm reversal' }).click()
    await row.getByTestId('reversed-note').getByText('Reversed: typed 45,000 instead of 4,500').waitFor({ timeout: 5_000 })
    assert.match((await row.getAttribute('class')) ?? '', /is-reversed/)
    assert.equal(await row.getByRole('button', { name: /Reverse/ }).count(), 0)

    // The books: the payment is still there, reversed; the balance is back.
    await eventually(async () => {
      const c = await admin.get(`/api/customers/${customer.id}`)
      assert.equal(c.balanceCents, 0)
    })
    const ledger = await admin.get(`/api/customers/${customer.id}/ledger`)
    assert.deepEqual(ledger.items.map((e) => e.kind), ['reversal', 'payment'])
    assert.equal(ledger.items[1].reversalReason, 'typed 45,000 instead of 4,500')
    await page.getByRole('tab', { name: 'Ledger' }).click()
    await page.getByText(`Reversal of payment #${pay.payment.id}`).waitFor()
    await screenshot(page, 'reversal')
    await ctx.close()
  })
})

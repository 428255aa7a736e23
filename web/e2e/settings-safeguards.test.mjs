// Browser test of the Safeguards card (Users page): an admin changes the
// amount above which a payment asks for a confirmation; Save keeps it (a
// reload shows it) and payments follow it: above asks, below does not.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { arrangeCustomer, eventually, login, suite, unique } from './harness.mjs'

describe('safeguards settings', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  it('saves the large-payment amount; a reload shows it; a payment above it asks, one below does not', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Safeguard Payer') })
    // A business-wide setting on the run's shared server: put back as found.
    const was = (await admin.get('/api/settings')).confirmAboveCents
    assert.notEqual(was, 5_000)
    try {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
      const page = await ctx.newPage()
      await login(page, server.url)
      await page.goto(`${server.url}/users`)
      const card = page.getByRole('form', { name: 'Safeguards' })
      const amount = card.getByTestId('confirm-above')
      await eventually(async () => assert.equal(await amount.inputValue(), String(was / 100)))
      await amount.fill('50')
      assert.match(await card.innerText(), /₹50\.00 · Fifty rupees/)
      await card.getByRole('button', { name: 'Save' }).click()
      await card.getByRole('status').getByText('Saved. Payments above ₹50.00 now ask for a confirmation.').waitFor()
      assert.equal((await admin.get('/api/settings')).confirmAboveCents, 5_000)

      await page.reload()
      await eventually(async () => assert.equal(await page.getByTestId('confirm-above').inputValue(), '50'))

      await page.goto(`${server.url}/customers/${customer.id}`)
      await page.getByTestId('detail-balance').waitFor()
      const confirm = page.getByTestId('pay-confirm')
      // Above the new amount (the old one let ₹60 through): it asks, and records nothing yet.
      await page.getByTestId('pay-amount').fill('60')
      await page.getByTestId('pay-submit').click()
      await confirm.waitFor()
      assert.equal(await page.getByTestId('pay-confirm-words').innerText(), 'Sixty rupees')
      assert.equal((await admin.get(`/api/payments?customerId=${customer.id}`)).total, 0)
      await confirm.getByRole('button', { name: 'Change the amount' }).click()
      await confirm.waitFor({ state: 'detached' })
      // Below it: recorded at once.
      await page.getByTestId('pay-amount').fill('40')
      await page.getByTestId('pay-submit').click()
      await page.getByTestId('pay-done').getByText(/Recorded ₹40\.00/).waitFor()
      assert.equal(await confirm.count(), 0)
      const list = await admin.get(`/api/payments?customerId=${customer.id}`)
      assert.deepEqual(list.items.map((p) => p.amountCents), [4_000])
      await ctx.close()
    } finally {
      await admin.patch('/api/settings', { confirmAboveCents: was })
    }
  })
})

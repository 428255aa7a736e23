// Browser tests of the safeguards, on a phone (390 px): a payment above the
// business's threshold asks for a confirmation showing the amount in words
// and figures; suspending a user asks first and says it signs them out.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, arrangeCustomer, eventually, login, suite, unique } from './harness.mjs'

describe('safeguards', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  it('asks before recording a large payment, in words and figures, and records nothing until confirmed', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Big Payer') })
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/customers/${customer.id}`)
    await page.getByTestId('detail-balance').waitFor()

    // ₹9,99,99,999: the slip from the issue.
    await page.getByTestId('pay-amount').fill('99999999')
    await page.getByTestId('pay-submit').click()
    const confirm = page.getByTestId('pay-confirm')
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /₹9,99,99,999\.00/)
    assert.equal(
      await page.getByTestId('pay-confirm-words').innerText(),
      'Nine crore ninety-nine lakh ninety-nine thousand nine hundred ninety-nine rupees',
    )
    // Nothing recorded yet; changing the amount drops the confirmation.
    assert.equal((await admin.get(`/api/payments?customerId=${customer.id}`)).total, 0)
    await confirm.getByRole('button', { name: 'Change the amount' }).click()
    await confirm.waitFor({ state: 'detached' })
    assert.equal((await admin.get(`/api/payments?customerId=${customer.id}`)).total, 0)

    // Confirmed, it is recorded once.
    await page.getByTestId('pay-amount').fill('15000')
    await page.getByTestId('pay-submit').click()
    await confirm.waitFor()
    assert.match(await page.getByTestId('pay-confirm-words').innerText(), /^Fifteen thousand rupees$/)
    await page.getByTestId('pay-confirm-yes').click()
    await page.getByTestId('pay-done').waitFor()
    const list = await admin.get(`/api/payments?customerId=${customer.id}`)
    assert.equal(list.total, 1)
    assert.equal(list.items[0].amountCents, 1_500_000)

    // At or below the threshold (default ₹10,000) there is no extra step.
    await page.getByTestId('pay-amount').fill('250')
    await page.getByTestId('pay-submit').click()
    await page.getByTestId('pay-done').getByText(/Recorded ₹250\.00/).waitFor()
    assert.equal(await confirm.count(), 0)
    await ctx.close()
  })

  it('asks before collecting a large payment on the Today page, and records nothing until confirmed', async () => {
    const vendor = await admin.post('/api/users', { email: `${unique('c').replace(/\s/g, '')}@e2e.test`, name: unique('Collect Vendor'), role: 'vendor', password: 'vendor-pass-123' })
    const customer = await arrangeCustomer(admin, { vendorId: vendor.id, name: unique('Door Payer') })
    const { date: today } = await admin.get(`/api/round?shift=evening&vendorId=${vendor.id}`)
    await admin.post('/api/deliveries', { customerId: customer.id, scheduledFor: today, items: 'Milk 1L', quantity: 1, amountCents: 5_500, shift: 'evening' })
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/today?shift=evening&vendorId=${vendor.id}`)
    const stop = page.getByTestId('stop').filter({ hasText: customer.name })
    await stop.getByRole('button', { name: `Collect payment: ${customer.name}` }).tap()
    await stop.getByLabel('Amount').fill('99999999')
    await stop.getByRole('button', { name: 'Save payment' }).tap()
    const confirm = stop.getByTestId('pay-confirm')
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /₹9,99,99,999\.00/)
    assert.equal(await confirm.getByTestId('pay-confirm-words').innerText(), 'Nine crore ninety-nine lakh ninety-nine thousand nine hundred ninety-nine rupees')
    // The confirmation fits the phone: no sideways scrolling, its buttons in view and tappable.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page scrolls sideways at 390 px')
    assert.equal((await admin.get(`/api/payments?customerId=${customer.id}`)).total, 0)
    await confirm.getByRole('button', { name: 'Change the amount' }).tap()
    await confirm.waitFor({ state: 'detached' })

    await stop.getByLabel('Amount').fill('15000')
    await stop.getByRole('button', { name: 'Save payment' }).tap()
    await confirm.getByTestId('pay-confirm-yes').tap()
    await eventually(async () => {
      const list = await admin.get(`/api/payments?customerId=${customer.id}`)
      assert.equal(list.total, 1)
      assert.equal(list.items[0].amountCents, 1_500_000)
    })
    assert.equal((await admin.get(`/api/payments?customerId=${customer.id}`)).total, 1)
    await ctx.close()
  })

  it('follows the threshold an admin sets', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Threshold Payer') })
    await admin.patch('/api/settings', { confirmAboveCents: 10_000 })
    try {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } })
      const page = await ctx.newPage()
      await login(page, server.url)
      await page.goto(`${server.url}/customers/${customer.id}`)
      await page.getByTestId('detail-balance').waitFor()
      await page.getByTestId('pay-amount').fill('101')
      await page.getByTestId('pay-submit').click()
      await page.getByTestId('pay-confirm').waitFor()
      assert.equal(await page.getByTestId('pay-confirm-words').innerText(), 'One hundred one rupees')
      await ctx.close()
    } finally {
      await admin.patch('/api/settings', { confirmAboveCents: 1_000_000 })
    }
  })

  it('asks before suspending a user and says it signs them out at once', async () => {
    const vendor = await admin.post('/api/users', { email: `${unique('s').replace(/\s/g, '')}@e2e.test`, name: unique('Suspend Me'), role: 'vendor', password: 'vendor-pass-123' })
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/users`)
    const row = page.getByTestId(`user-row-${vendor.id}`)
    await row.getByRole('button', { name: 'Suspend…' }).click()
    const confirm = row.getByTestId(`suspend-confirm-${vendor.id}`)
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /signed out at once/)
    assert.equal((await admin.get('/api/users?limit=200')).items.find((u) => u.id === vendor.id).status, 'active')
    await confirm.getByRole('button', { name: 'Suspend and sign out' }).click()
    await eventually(async () => {
      assert.equal((await admin.get('/api/users?limit=200')).items.find((u) => u.id === vendor.id).status, 'suspended')
    })
    await ctx.close()
  })

  it('renames a vendor and resets its password from the Users page', async () => {
    const email = `${unique('r').replace(/\s/g, '')}@e2e.test`
    const vendor = await admin.post('/api/users', { email, name: unique('Old Name'), role: 'vendor', password: 'old-password-1' })
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/users`)
    const row = page.getByTestId(`user-row-${vendor.id}`)
    await row.getByRole('button', { name: `Edit ${vendor.name}` }).click()
    const form = page.getByTestId(`edit-user-${vendor.id}`)
    await form.getByLabel('Name').fill('Fresh Dairy North')
    await form.getByLabel('New password').fill('new-password-2')
    assert.match(await form.innerText(), /signs them out at once/)
    await form.getByRole('button', { name: 'Save' }).click()
    await row.getByText('Fresh Dairy North').waitFor()
    await form.waitFor({ state: 'detached' })
    await assert.rejects(Api.login(server.url, email, 'old-password-1'))
    const again = await Api.login(server.url, email, 'new-password-2')
    assert.equal(again.user.name, 'Fresh Dairy North')
    await ctx.close()
  })
})

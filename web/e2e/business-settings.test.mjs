// Browser test of the business settings: an admin changes the business
// name and currency on the Users page (confirmed first; a refused code
// keeps what was typed and says why), and every amount on another admin's
// open dashboard follows the new currency without a reload.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, arrangeCustomer, eventually, launchBrowser, login, startServer } from './harness.mjs'

describe('business settings', () => {
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

  it('changes the name and currency after a confirmation; another admin sees the new currency live', async () => {
    const customer = await arrangeCustomer(admin)
    await admin.post('/api/payments', { customerId: customer.id, amountCents: 123_456_50, method: 'cash', idempotencyKey: crypto.randomUUID() })

    // The other admin watches that customer's balance.
    const otherCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const other = await otherCtx.newPage()
    await login(other, server.url)
    await other.goto(`${server.url}/customers?q=${encodeURIComponent(customer.name)}`)
    const balance = other.getByTestId('customer-balance').first()
    await eventually(async () => assert.match(await balance.innerText(), /^₹1,23,456\.50 credit$/))

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/users`)
    const name = page.getByTestId('business-name')
    const code = page.getByTestId('business-currency')
    await eventually(async () => assert.equal(await name.inputValue(), 'Livedesk'))

    // An unknown code: the server refuses it, naming the field; what was typed stays.
    await name.fill('Nandini Fresh Dairy')
    await code.fill('xyz')
    assert.equal(await code.inputValue(), 'XYZ')
    await page.getByRole('form', { name: 'Business settings' }).getByRole('button', { name: 'Save' }).click()
    await page.getByTestId('business-confirm-yes').click()
    assert.match(await page.getByTestId('business-error').innerText(), /ISO 4217/)
    assert.equal(await code.inputValue(), 'XYZ')
    assert.equal(await name.inputValue(), 'Nandini Fresh Dairy')
    assert.equal(await code.getAttribute('aria-invalid'), 'true')
    assert.equal((await admin.get('/api/settings')).currency, 'INR')

    // A known one: the confirmation says what changes, and nothing is saved before it.
    await code.fill('USD')
    assert.match(await page.getByTestId('currency-sample').innerText(), /\$123,456\.50/)
    await page.getByRole('form', { name: 'Business settings' }).getByRole('button', { name: 'Save' }).click()
    const confirm = page.getByTestId('business-confirm')
    const said = await confirm.innerText()
    assert.match(said, /“Livedesk” to “Nandini Fresh Dairy”/)
    assert.match(said, /in USD instead of INR: ₹1,23,456\.50 reads \$123,456\.50/)
    assert.equal((await admin.get('/api/settings')).businessName, 'Livedesk')
    await page.getByTestId('business-confirm-yes').click()
    await page.getByTestId('business-saved').waitFor()
    const saved = await admin.get('/api/settings')
    assert.equal(saved.businessName, 'Nandini Fresh Dairy')
    assert.equal(saved.currency, 'USD')

    // This admin's own page is in dollars at once (the safeguard's amount)...
    await eventually(async () => assert.match(await page.getByTestId('confirm-above').locator('xpath=../..').innerText(), /\$10,000\.00 · Ten thousand dollars/))
    // ...and the other admin's open list follows without a reload.
    await eventually(async () => assert.match(await balance.innerText(), /^\$123,456\.50 credit$/), 5_000)

    // Back to rupees, for the other tests' sake.
    await admin.patch('/api/settings', { businessName: 'Livedesk', currency: 'INR' })
    await eventually(async () => assert.match(await balance.innerText(), /^₹1,23,456\.50 credit$/), 5_000)
    await ctx.close()
    await otherCtx.close()
  })
})

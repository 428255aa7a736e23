// Browser tests of the customer forms and drawer on a phone (390 px): add a
// customer through the form (a phone the vendor already has is refused on
// the Phone field, the input kept), give it a daily subscription (a second
// admin's open drawer shows it live), edit it, pause the subscription,
// schedule a one-off delivery, and, once that is delivered through the API,
// see its charge on the printable statement.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addDays, eventually, login, screenshot, suite, unique } from './harness.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

describe('customer forms and drawer', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  it('adds, edits and subscribes a customer, pauses, schedules a one-off and shows the charge on the statement', async () => {
    const vendorName = unique('Dairy')
    const vendor = await admin.post('/api/users', {
      email: `${unique('v').replace(/\s/g, '')}@e2e.test`, name: vendorName, role: 'vendor', password: 'vendor-pass-123',
    })
    const milk = await admin.post('/api/products', { vendorId: vendor.id, name: 'Buffalo milk', unit: 'litre', priceCents: 7000 })
    const area = await admin.post('/api/areas', { vendorId: vendor.id, name: 'Indiranagar', sortOrder: 1 })
    await admin.post('/api/customers', { name: 'Asha Existing', phone: '+91 98450 11111', vendorId: vendor.id })
    const { today } = await admin.get('/api/stats')
    // The date fields read DD/MM/YYYY whatever the browser's locale.
    const typed = (day) => day.split('-').reverse().join('/')

    const ctx = await browser.newContext(PHONE)
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/customers`)
    await page.getByRole('button', { name: 'Add customer' }).click()
    const form = page.getByRole('form', { name: 'Add customer' })
    await form.waitFor()
    const name = unique('Ravi')
    await form.getByLabel('Name').fill(name)
    await form.getByLabel('Phone').fill('+91-98450-11111') // Asha's number, written otherwise
    await form.getByLabel('Address').fill('4 Park Street')
    await form.getByLabel('Vendor').selectOption({ label: vendorName })
    await form.getByRole('option', { name: 'Indiranagar' }).waitFor({ state: 'attached' })
    await form.getByLabel('Area').selectOption({ label: 'Indiranagar' })
    await form.getByLabel('Position').fill('3')
    await form.getByLabel('Credit limit').fill('2500')
    await form.getByLabel('Note').fill('Leave at the door')
    await form.getByRole('button', { name: 'Save customer' }).click()

    // The server's CONFLICT lands on the Phone field; nothing typed is lost.
    const phone = form.getByLabel('Phone')
    await eventually(async () => assert.equal(await phone.getAttribute('aria-invalid'), 'true'))
    const described = await phone.getAttribute('aria-describedby')
    assert.match(await page.locator(`[id="${described.split(' ')[0]}"]`).innerText(), /Asha Existing \(customer #\d+\) already has this phone/)
    assert.equal(await form.getByLabel('Name').inputValue(), name)
    assert.equal(await form.getByLabel('Note').inputValue(), 'Leave at the door')
    assert.equal(await form.getByLabel('Area').inputValue(), String(area.id))
    assert.equal((await admin.get(`/api/customers?search=${encodeURIComponent(name)}`)).total, 0)
    await screenshot(page, 'customer-form-phone-error-390')

    await phone.fill('+91 98450 22222')
    await form.getByRole('button', { name: 'Save customer' }).click()
    await page.waitForURL(/\/customers\/\d+/)
    const id = Number(new URL(page.url()).pathname.split('/').pop())
    const created = await admin.get(`/api/customers/${id}`)
    assert.equal(created.name, name)
    assert.equal(created.vendorId, vendor.id)
    assert.equal(created.areaId, area.id)
    assert.equal(created.position, 3)
    assert.equal(created.creditLimitCents, 250000)
    assert.equal(created.note, 'Leave at the door')

    // A second admin has the drawer open: what the first does shows there live.
    const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page2 = await ctx2.newPage()
    await login(page2, server.url)
    await page2.goto(`${server.url}/customers/${id}`)
    await page2.getByTestId('subscriptions').waitFor()

    // A daily subscription through the form.
    await page.getByRole('button', { name: 'Add subscription' }).click()
    const sub = page.getByRole('form', { name: 'Add subscription' })
    await sub.getByLabel('Product').selectOption({ label: 'Buffalo milk (litre)' })
    await sub.getByLabel('Quantity').fill('2')
    await sub.getByLabel('Frequency').selectOption('daily')
    await sub.getByLabel('Shift').selectOption('morning')
    assert.equal(await sub.getByLabel('Starts on').getAttribute('type'), 'text')
    await sub.getByLabel('Starts on').fill(typed(today))
    await sub.getByRole('button', { name: 'Add subscription' }).click()
    await page.getByTestId('subscriptions-list').getByText('Buffalo milk × 2 litre').waitFor()
    const subs = await admin.get(`/api/subscriptions?customerId=${id}`)
    assert.equal(subs.total, 1)
    assert.deepEqual([subs.items[0].productId, subs.items[0].quantity, subs.items[0].frequency, subs.items[0].shift], [milk.id, 2, 'daily', 'morning'])
    await page2.getByTestId('subscriptions-list').getByText('Buffalo milk × 2 litre').waitFor({ timeout: 15_000 })

    // Edit the customer.
    await page.getByRole('button', { name: 'Edit customer' }).click()
    const edit = page.getByRole('form', { name: 'Edit customer' })
    assert.equal(await edit.getByLabel('Name').inputValue(), name)
    await edit.getByLabel('Address').fill('9 Lake Road')
    await edit.getByRole('button', { name: 'Save customer' }).click()
    await page.getByText('9 Lake Road').waitFor()
    assert.equal((await admin.get(`/api/customers/${id}`)).address, '9 Lake Road')
    await page2.getByText('9 Lake Road').waitFor({ timeout: 15_000 })

    // Pause the subscription for two days from tomorrow.
    const s = subs.items[0]
    await page.getByRole('button', { name: 'Pause Buffalo milk' }).click()
    const pause = page.getByRole('form', { name: 'Pause Buffalo milk' })
    await pause.getByLabel('From').fill(typed(addDays(today, 1)))
    await pause.getByLabel('To').fill(typed(addDays(today, 2)))
    await pause.getByRole('button', { name: 'Save pause' }).click()
    await page.getByTestId(`subscription-${s.id}`).getByText(/^Paused /).waitFor()
    const paused = await admin.get(`/api/subscriptions/${s.id}`)
    assert.deepEqual(paused.pauses.map((p) => [p.from, p.to]), [[addDays(today, 1), addDays(today, 2)]])
    await page2.getByTestId(`subscription-${s.id}`).getByText(/^Paused /).waitFor({ timeout: 15_000 })

    // A one-off delivery for today, priced from the product.
    await page.getByRole('button', { name: 'Schedule a delivery' }).click()
    const one = page.getByRole('form', { name: 'Schedule a delivery' })
    await one.getByLabel('Product').selectOption({ label: 'Buffalo milk (litre)' })
    await one.getByLabel('Quantity').fill('3')
    assert.equal(await one.getByLabel('Amount').inputValue(), '210')
    await one.getByLabel('Date').fill(typed(today))
    await one.getByLabel('Shift').selectOption('morning')
    await one.getByRole('button', { name: 'Schedule delivery' }).click()
    await one.getByRole('status').getByText(/Scheduled Buffalo milk × 3/).waitFor()
    const deliveries = await admin.get(`/api/deliveries?customerId=${id}`)
    const oneOff = deliveries.items.find((d) => !d.subscriptionId)
    assert.ok(oneOff, `no one-off among ${JSON.stringify(deliveries.items)}`)
    assert.deepEqual([oneOff.items, oneOff.quantity, oneOff.amountCents, oneOff.scheduledFor, oneOff.shift], ['Buffalo milk', 3, 21000, today, 'morning'])

    // Delivered through the API (as the round would); the drawer follows live.
    await admin.patch(`/api/deliveries/${oneOff.id}`, { status: 'out_for_delivery' })
    await admin.patch(`/api/deliveries/${oneOff.id}`, { status: 'delivered' })
    await eventually(async () => assert.match(await page.getByTestId('detail-balance').innerText(), /₹210\.00/), 15_000)
    await screenshot(page, 'customer-drawer-390')

    // The statement shows the charge and the amount due.
    await page.getByRole('link', { name: 'Statement' }).click()
    const st = page.getByTestId('statement')
    await st.waitFor()
    assert.match(await st.innerText(), new RegExp(`Delivery #${oneOff.id}`))
    const { businessName } = await admin.get('/api/settings')
    assert.equal(await st.getByRole('heading', { level: 1 }).innerText(), businessName)
    assert.equal(await page.getByTestId('st-vendor').innerText(), vendorName)
    assert.match(await page.getByTestId('st-closing').innerText(), /₹210\.00/)
    assert.match(await page.getByTestId('st-due').innerText(), /Amount due: ₹210\.00/)
    const statement = await admin.get(`/api/customers/${id}/statement?month=${today.slice(0, 7)}`)
    assert.equal(statement.closingBalanceCents, 21000)
    // Printing hides the app's chrome and the controls.
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.topbar').isVisible(), false)
    assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false)
    assert.equal(await st.isVisible(), true)
    await screenshot(page, 'statement-print-390')
    await page.emulateMedia({ media: 'screen' })

    // The CSV download carries the same closing balance.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    assert.match(download.suggestedFilename(), new RegExp(`^statement-${id}-${today.slice(0, 7)}\\.csv$`))
    await ctx2.close()
    await ctx.close()
  })
})

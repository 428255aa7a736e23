// The Today page in Chromium against a real server (issue 16's acceptance):
// an admin adds a customer with a daily subscription (the dashboard's
// customer and subscription forms), generates today, marks
// the stop delivered on a 390 px phone, a second admin sees the counter move
// without reloading, and the month's statement carries the charge.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, eventually, launchBrowser, login, screenshot, startServer, unique, waitForConnection } from './harness.mjs'

const PHONE = { width: 390, height: 844 }

describe('the Today page', () => {
  let server, browser, admin

  before(async () => {
    // No demo: its simulator would move today's new deliveries before the test taps them.
    server = await startServer({ demo: false })
    browser = await launchBrowser()
    admin = await Api.login(server.url)
  })
  after(async () => {
    await browser?.close()
    await server?.dispose()
  })

  it('works a round on a phone while a second admin watches the counters move live', async () => {
    const vendor = await admin.post('/api/users', { email: `${unique('v').replace(/\s/g, '')}@e2e.test`, name: unique('Round Vendor'), role: 'vendor', password: 'vendor-pass-123' })
    const area = await admin.post('/api/areas', { vendorId: vendor.id, name: 'Koramangala', sortOrder: 1 })
    const product = await admin.post('/api/products', { vendorId: vendor.id, name: 'Buffalo milk', unit: 'litre', priceCents: 6_500 })
    const { date: today } = await admin.get(`/api/round?shift=morning&vendorId=${vendor.id}`)
    const second = await admin.post('/api/users', { email: `${unique('a').replace(/\s/g, '')}@e2e.test`, name: 'Second Admin', role: 'admin', password: 'second-admin-pass-1' })
    const path = `/today?shift=morning&vendorId=${vendor.id}`

    // On the phone, the admin adds the customer and its daily subscription with the dashboard's forms.
    const phoneCtx = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true })
    const phone = await phoneCtx.newPage()
    await login(phone, server.url)
    assert.equal(await phone.getByRole('navigation', { name: 'Main' }).getByRole('link').first().innerText(), 'Today', 'Today is first in the navigation')
    const name = unique('Asha Rao')
    await phone.goto(server.url + '/customers')
    await phone.getByRole('button', { name: 'Add customer' }).tap()
    const form = phone.getByTestId('customer-form')
    await form.getByLabel('Name', { exact: true }).fill(name)
    await form.getByLabel('Phone', { exact: true }).fill('+91 98450 12345')
    await form.getByLabel('Address', { exact: true }).fill('12 MG Road, Bengaluru')
    await form.getByLabel('Vendor', { exact: true }).selectOption(String(vendor.id))
    await eventually(() => form.getByLabel('Area', { exact: true }).selectOption(String(area.id)), 10_000)
    await form.getByLabel('Position', { exact: true }).fill('1')
    await form.getByLabel('Note', { exact: true }).fill('leave at the door')
    await form.getByRole('button', { name: 'Save customer' }).tap()
    await phone.waitForURL(/\/customers\/\d+$/)
    const customerId = Number(/\/customers\/(\d+)$/.exec(phone.url())[1])
    await phone.getByRole('button', { name: 'Add subscription' }).tap()
    const sub = phone.getByTestId('subscription-form')
    await eventually(() => sub.getByLabel('Product', { exact: true }).selectOption(String(product.id)), 10_000)
    await sub.getByLabel('Quantity', { exact: true }).fill('2')
    await sub.getByLabel('Shift', { exact: true }).selectOption('morning')
    await sub.getByLabel('Frequency', { exact: true }).selectOption('daily')
    await sub.getByLabel('Starts on').fill(today.split('-').reverse().join('/')) // DD/MM/YYYY
    await sub.getByRole('button', { name: 'Add subscription' }).tap()
    await phone.getByTestId('subscriptions-list').getByText('Buffalo milk').waitFor()
    const customer = await admin.get(`/api/customers/${customerId}`)
    assert.equal(customer.name, name)
    assert.equal(customer.areaId, area.id)

    // Today: nothing on the round yet (the subscription is newer than today's generation).
    await phone.goto(server.url + path)
    await waitForConnection(phone, 'live')
    await phone.getByText('Nothing on the morning round').waitFor()
    await phone.getByTestId('generate-today').tap()
    const stop = phone.getByTestId('stop').filter({ hasText: name })
    await stop.waitFor()
    assert.equal(await phone.getByTestId('counter-toDo').innerText(), '1')
    assert.match(await phone.getByTestId('counter-quantities').innerText(), /Buffalo milk × 2 litre/)

    // The second admin, in another browser context, on the same round.
    const deskCtx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const desk = await deskCtx.newPage()
    await login(desk, server.url, second.email, 'second-admin-pass-1')
    await desk.goto(server.url + path)
    await waitForConnection(desk, 'live')
    await desk.getByTestId('stop').filter({ hasText: name }).waitFor()
    assert.equal(await desk.getByTestId('counter-delivered').innerText(), '0')
    await desk.evaluate(() => {
      window.__notReloaded = true
    })

    // One hand at 390 px: no sideways scrolling, every control of the stop at least 44 px tall.
    assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page scrolls sideways at 390 px')
    for (const el of await stop.locator('button, a').all()) {
      const box = await el.boundingBox()
      assert.ok(box && box.height >= 44, `${await el.innerText()} is ${box?.height} px tall`)
    }
    assert.equal(await stop.getByRole('link', { name: /^Call / }).getAttribute('href'), 'tel:+919845012345')
    assert.match(await stop.getByRole('link', { name: /^Map: / }).getAttribute('href'), /maps.*12%20MG%20Road/)
    await screenshot(phone, 'today-phone-before')

    // One tap. Both moments are taken inside the browsers (one machine, one
    // clock), so the figure is the app's, not the test driver's polling.
    await desk.evaluate(() => {
      const el = document.querySelector('[data-testid="counter-delivered"]')
      window.__seen = new Promise((resolve) => {
        new MutationObserver(() => el.textContent === '1' && resolve(Date.now())).observe(el, { childList: true, characterData: true, subtree: true })
      })
    })
    await phone.evaluate(() => document.addEventListener('click', () => (window.__tapped ??= Date.now()), { capture: true }))
    await stop.getByRole('button', { name: `Delivered: ${name}` }).tap()
    await eventually(async () => assert.equal(await desk.getByTestId('counter-delivered').innerText(), '1'), 5_000, 25)
    const seenAfter = (await desk.evaluate(() => window.__seen)) - (await phone.evaluate(() => window.__tapped))
    assert.ok(seenAfter < 1_000, `the second admin saw the change after ${seenAfter} ms`)
    assert.equal(await desk.evaluate(() => window.__notReloaded), true, 'the second admin did not reload')
    assert.equal(await desk.getByTestId('counter-toDo').innerText(), '0')
    await eventually(async () => assert.equal(await phone.getByTestId('counter-delivered').innerText(), '1'))
    assert.equal(await stop.getAttribute('data-status'), 'delivered')
    assert.match(await stop.getByTestId('stop-balance').innerText(), /Owes ₹130\.00/)
    await screenshot(phone, 'today-phone-after')

    // The statement of the month shows the charge, and closes at the balance.
    const month = today.slice(0, 7)
    const st = await admin.get(`/api/customers/${customer.id}/statement?month=${month}`)
    const charges = st.lines.filter((l) => l.kind === 'delivery')
    assert.equal(charges.length, 1, JSON.stringify(st.lines))
    assert.equal(charges[0].amountCents, 13_000)
    assert.equal(st.closingBalanceCents, 13_000)
    assert.equal((await admin.get(`/api/customers/${customer.id}`)).balanceCents, 13_000)
    console.log(`# the second admin saw the delivery after ${seenAfter} ms`)
    await phoneCtx.close()
    await deskCtx.close()
  })

  it('asks why before a failure and confirms "mark the rest delivered" with the count', async () => {
    const vendor = await admin.post('/api/users', { email: `${unique('v').replace(/\s/g, '')}@e2e.test`, name: unique('Rest Vendor'), role: 'vendor', password: 'vendor-pass-123' })
    const { date: today } = await admin.get(`/api/round?shift=evening&vendorId=${vendor.id}`)
    const names = []
    for (let i = 0; i < 4; i++) {
      const c = await admin.post('/api/customers', { name: unique(`Rest ${i}`), phone: '+91 90000 0000' + i, email: '', address: `${i} Hill Road`, status: 'active', vendorId: vendor.id })
      await admin.post('/api/deliveries', { customerId: c.id, scheduledFor: today, items: 'Water can', quantity: 1, amountCents: 4_000, shift: 'evening' })
      names.push(c.name)
    }
    const ctx = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/today?shift=evening&vendorId=${vendor.id}`)
    await waitForConnection(page, 'live')
    const stopOf = (n) => page.getByTestId('stop').filter({ hasText: n })
    await stopOf(names[0]).waitFor()

    await stopOf(names[0]).getByRole('button', { name: `Failed: ${names[0]}` }).tap()
    await stopOf(names[0]).getByRole('button', { name: 'Not home' }).tap()
    await eventually(async () => assert.equal(await page.getByTestId('counter-failed').innerText(), '1'))
    await stopOf(names[1]).getByRole('button', { name: `Skip: ${names[1]}` }).tap()
    await stopOf(names[1]).getByRole('button', { name: 'Other…' }).tap()
    await stopOf(names[1]).getByRole('button', { name: 'Save' }).tap()
    await stopOf(names[1]).getByText('Say what happened.').waitFor()
    await stopOf(names[1]).getByLabel('What happened?').fill('gate locked')
    await stopOf(names[1]).getByRole('button', { name: 'Save' }).tap()
    await eventually(async () => assert.equal(await page.getByTestId('counter-skipped').innerText(), '1'))
    assert.match(await stopOf(names[1]).innerText(), /gate locked/)

    await page.getByTestId('mark-rest').tap()
    const dialog = page.getByRole('alertdialog')
    assert.equal(await dialog.getByRole('heading').innerText(), 'Mark 2 stops delivered?')
    await dialog.getByRole('button', { name: 'Mark 2 delivered' }).tap()
    await eventually(async () => assert.equal(await page.getByTestId('counter-delivered').innerText(), '2'))
    assert.equal(await page.getByTestId('mark-rest').count(), 0)
    // The counters count changes still on their way from the phone's
    // queue: the server has them once they are sent.
    await eventually(async () => {
      const round = await admin.get(`/api/round?shift=evening&vendorId=${vendor.id}`)
      assert.deepEqual(
        round.stops.map((s) => [s.delivery.status, s.delivery.reason ?? '']),
        [['failed', 'not_home'], ['skipped', 'other'], ['delivered', ''], ['delivered', '']],
      )
    })
    await ctx.close()
  })
})

// Browser tests of the notifications, on a phone (390 px): a burst of live
// events while the customer drawer (or the navigation's More menu) is open
// covers none of its controls, and shows afterwards as one grouped toast
// saying who acted; each user chooses which kinds pop up.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, arrangeCustomer, businessTomorrow, login, screenshot, suite, unique } from './harness.mjs'

/** coveredControls lists the drawer's controls that something else covers at their centre. */
async function coveredControls(page) {
  return page.evaluate(() => {
    const drawer = document.querySelector('.drawer')
    if (!drawer) throw new Error('no drawer open')
    const controls = [...drawer.querySelectorAll('button, select, input, a[href], [role="tab"]')].filter((el) => el.getClientRects().length > 0)
    const covered = []
    // Each control at the top, middle and bottom of the screen (toasts sit at the bottom on phones).
    for (const block of ['start', 'center', 'end']) {
      for (const el of controls) {
        el.scrollIntoView({ block })
        const r = el.getBoundingClientRect()
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
        if (!hit || !(hit === el || el.contains(hit))) covered.push(`${block}: ${el.tagName} "${el.getAttribute('aria-label') ?? el.textContent?.trim()}" under ${hit?.className}`)
      }
    }
    return { count: controls.length, covered }
  })
}

describe('notifications', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  it('a burst of 10 events while the drawer is open leaves every drawer control clickable, then shows one grouped toast', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Burst Customer') })
    // A delivery with a status dropdown, so the drawer has every kind of control.
    const tomorrow = await businessTomorrow(admin)
    await admin.post('/api/deliveries', { customerId: customer.id, scheduledFor: tomorrow, items: 'Milk 1L', quantity: 1, amountCents: 5_500 })
    const clerkEmail = `${unique('clerk').replace(/\s/g, '')}@e2e.test`
    await admin.post('/api/users', { email: clerkEmail, name: 'Counter Clerk', role: 'admin', password: 'counter-clerk-pw' })
    const clerk = await Api.login(server.url, clerkEmail, 'counter-clerk-pw')

    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/customers/${customer.id}`)
    await page.getByTestId('deliveries-list').waitFor()
    const before = await coveredControls(page)
    assert.deepEqual(before.covered, [])
    assert.ok(before.count >= 8, `only ${before.count} controls found in the drawer`)

    for (let i = 0; i < 10; i++) {
      await clerk.post('/api/payments', { customerId: customer.id, amountCents: 100, method: 'cash', idempotencyKey: crypto.randomUUID() })
    }
    // All ten have arrived: the balance shows all of them (₹10.00 in credit).
    await page.getByTestId('detail-balance').getByText('₹10.00', { exact: true }).waitFor({ timeout: 5_000 })
    const during = await coveredControls(page)
    assert.deepEqual(during.covered, [])
    assert.equal(await page.getByTestId('toast').count(), 0, 'a toast is on screen over the open drawer')
    assert.equal(during.count, before.count)
    // And each one really takes a click (Playwright's own hit test).
    await page.getByRole('tab', { name: 'Payments' }).click({ trial: true, timeout: 2_000 })
    await page.getByTestId('pay-submit').click({ trial: true, timeout: 2_000 })
    await screenshot(page, 'burst-drawer-390', { fullPage: false })

    // Closed, the burst shows as one toast, saying who acted.
    await page.getByRole('button', { name: 'Close' }).click()
    // (The demo's own traffic, by "system", groups into toasts of its own.)
    const toast = page.getByTestId('toast').filter({ hasText: 'By Counter Clerk' })
    await toast.first().waitFor({ timeout: 2_000 })
    assert.equal(await toast.count(), 1)
    assert.equal(await toast.getAttribute('data-count'), '10')
    assert.match(await toast.innerText(), /^10 payments received · ₹10\.00\s+By Counter Clerk · latest: ₹1\.00 received/)
    await ctx.close()
  })

  it('a burst while the phone’s More menu is open leaves every entry clickable; the toasts show once it closes', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Menu Burst') })
    const clerkEmail = `${unique('menu').replace(/\s/g, '')}@e2e.test`
    await admin.post('/api/users', { email: clerkEmail, name: 'Menu Clerk', role: 'admin', password: 'menu-clerk-pw-1' })
    const clerk = await Api.login(server.url, clerkEmail, 'menu-clerk-pw-1')

    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    await login(page, server.url)
    const feed = page.getByTestId('activity-feed')
    await feed.waitFor()
    const toggle = page.getByTestId('nav-more')
    await toggle.click()
    const menu = page.locator('.nav-more-menu')
    await menu.waitFor()
    const entries = await menu.getByRole('link').allInnerTexts()
    assert.ok(entries.length >= 5, `More lists ${entries}`)

    for (let i = 0; i < 10; i++) {
      await clerk.post('/api/payments', { customerId: customer.id, amountCents: 100, method: 'cash', idempotencyKey: crypto.randomUUID() })
    }
    // All ten have arrived: the feed (behind the menu) shows each of them.
    await page.waitForFunction(
      (name) => [...document.querySelectorAll('[data-testid="activity-feed"] li')].filter((li) => li.textContent.includes(name)).length >= 10,
      customer.name,
      { timeout: 10_000 },
    )
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true', 'the menu stayed open')
    // Every entry is what is at its centre, and takes a click (Playwright's own hit test, no force).
    const covered = await menu.getByRole('link').evaluateAll((links) =>
      links
        .map((el) => {
          const r = el.getBoundingClientRect()
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
          return hit && (hit === el || el.contains(hit)) ? null : `"${el.textContent}" under ${hit?.className}`
        })
        .filter(Boolean),
    )
    assert.deepEqual(covered, [])
    assert.equal(await page.getByTestId('toast').count(), 0, 'a toast is on screen over the open menu')
    for (const name of entries) await menu.getByRole('link', { name, exact: true }).click({ trial: true, timeout: 2_000 })
    await screenshot(page, 'burst-more-menu-390', { fullPage: false })

    // Closed, the burst shows: one toast, saying who acted.
    await page.keyboard.press('Escape')
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false')
    const toast = page.getByTestId('toast').filter({ hasText: 'By Menu Clerk' })
    await toast.first().waitFor({ timeout: 2_000 })
    assert.equal(await toast.count(), 1)
    assert.equal(await toast.getAttribute('data-count'), '10')
    await ctx.close()
  })

  it('a burst of 10 events while a phone works the Today round leaves every stop button clickable; the toasts show once it is left', async () => {
    const vendor = await admin.post('/api/users', { email: `${unique('rv').replace(/\s/g, '')}@e2e.test`, name: unique('Round Dairy'), role: 'vendor', password: 'vendor-pass-123' })
    const area = await admin.post('/api/areas', { vendorId: vendor.id, name: unique('Round Area'), sortOrder: 1 })
    const product = await admin.post('/api/products', { vendorId: vendor.id, name: 'Cow milk', unit: 'litre', priceCents: 6_000 })
    const customers = []
    for (let i = 1; i <= 4; i++) {
      const c = await admin.post('/api/customers', {
        name: unique(`Round Stop ${i}`), phone: '+91 98765 43210', email: '', address: `${i} MG Road, Pune`, status: 'active', vendorId: vendor.id, areaId: area.id, position: i,
      })
      await admin.post('/api/subscriptions', { customerId: c.id, productId: product.id, quantity: 1, frequency: 'daily', shift: 'morning' })
      customers.push(c)
    }
    await admin.post('/api/deliveries/generate', { vendorId: vendor.id, shift: 'morning' })
    const clerkEmail = `${unique('round').replace(/\s/g, '')}@e2e.test`
    await admin.post('/api/users', { email: clerkEmail, name: 'Round Clerk', role: 'admin', password: 'round-clerk-pw-1' })
    const clerk = await Api.login(server.url, clerkEmail, 'round-clerk-pw-1')

    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/today?shift=morning&vendorId=${vendor.id}`)
    await page.getByTestId('stop').nth(3).waitFor()
    const paid = customers[0]
    for (let i = 0; i < 10; i++) {
      await clerk.post('/api/payments', { customerId: paid.id, amountCents: 100, method: 'cash', idempotencyKey: crypto.randomUUID() })
    }
    // All ten have arrived: the paid stop shows ₹10.00 in credit.
    await page.getByTestId('stop').filter({ hasText: paid.name }).getByTestId('stop-balance').getByText(/₹10\.00/).waitFor({ timeout: 10_000 })
    assert.equal(await page.getByTestId('toast').count(), 0, 'a toast is on screen over the round')
    // Each stop button, at the top, middle and bottom of the screen, is what is at its
    // centre: no toast over it (the page's own sticky header and bottom bar aside,
    // which only cover what is scrolled under them, at the very top or bottom).
    const { count, covered } = await page.evaluate(() => {
      const buttons = [...document.querySelectorAll('[data-testid="stop"] button')].filter((el) => el.getClientRects().length > 0)
      const covered = []
      for (const block of ['start', 'center', 'end']) {
        for (const el of buttons) {
          el.scrollIntoView({ block })
          const r = el.getBoundingClientRect()
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
          const chrome = block !== 'center' && hit?.closest('.topbar, [data-testid="phone-nav"]')
          if (!hit || !(hit === el || el.contains(hit) || chrome)) covered.push(`${block}: "${el.getAttribute('aria-label') ?? el.textContent?.trim()}" under ${hit?.className}`)
        }
      }
      return { count: buttons.length, covered }
    })
    assert.ok(count >= 12, `only ${count} stop buttons found`)
    assert.deepEqual(covered, [])
    // And each takes a click (Playwright's own hit test, no force).
    for (const b of await page.getByTestId('stop').getByRole('button').all()) await b.click({ trial: true, timeout: 2_000 })
    await screenshot(page, 'burst-today-390', { fullPage: false })

    // Left for the dashboard, the burst shows: one toast, saying who acted.
    await page.getByTestId('phone-nav').getByRole('link', { name: 'Dashboard', exact: true }).click()
    const toast = page.getByTestId('toast').filter({ hasText: 'By Round Clerk' })
    await toast.first().waitFor({ timeout: 5_000 })
    assert.equal(await toast.count(), 1)
    assert.equal(await toast.getAttribute('data-count'), '10')
    await ctx.close()
  })

  it('pops up only the kinds the user chose; the feed still gets everything', async () => {
    const customer = await arrangeCustomer(admin, { name: unique('Quiet Customer') })
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.getByTestId('activity-feed').waitFor()
    await page.getByTestId('popup-settings').click()
    await page.getByLabel('Payments received').uncheck()
    await page.getByTestId('popup-settings').click() // close the panel (focus leaves the choices)
    await admin.post('/api/payments', { customerId: customer.id, amountCents: 4_200, method: 'upi', idempotencyKey: crypto.randomUUID() })
    await page.getByTestId('activity-feed').getByText(`Payment of ₹42.00 by UPI from ${customer.name}`, { exact: false }).waitFor({ timeout: 3_000 })
    await page.waitForTimeout(300)
    assert.equal(await page.getByTestId('toast').filter({ hasText: '₹42.00' }).count(), 0)
    // The choice is kept for this user across reloads.
    await page.reload()
    await page.getByTestId('popup-settings').click()
    assert.equal(await page.getByLabel('Payments received').isChecked(), false)
    await ctx.close()
  })
})

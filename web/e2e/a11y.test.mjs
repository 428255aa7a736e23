// Accessibility of every page, at 1280 px and 390 px, for each role: axe-core
// (the engine of the usual browser checkers) runs in Chromium with the WCAG
// 2.1 A and AA rules, colour contrast included, and must find nothing, on
// every route of the app and on the dialogs, drawers and menus people open
// every day. A route added to App.tsx without an entry in ROUTES below fails
// the first test.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { after, before, describe, it } from 'node:test'
import { Api, DEMO, eventually, login, suite, unique } from './harness.mjs'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const appSource = readFileSync(new URL('../src/app/App.tsx', import.meta.url), 'utf8')

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 860 }],
  ['phone', { width: 390, height: 844 }],
]

/**
 * ROUTES is every route App.tsx's Layout tells apart (the patterns it
 * compares the pathname with, and the navigation's targets), with the URL
 * the test opens for it. '*' is the page for an unknown address.
 */
const ROUTES = {
  '/': () => '/',
  '/login': () => '/login', // signed in: sends home
  '/today': () => '/today',
  '/customers': () => '/customers',
  '/customers/:id': (f) => `/customers/${f.customer.id}`,
  '/customers/:id/statement': (f) => `/customers/${f.customer.id}/statement`,
  '/analytics': () => '/analytics',
  '/reports': () => '/reports',
  '/users': () => '/users',
  '/security': () => '/security',
  '/alerts': () => '/alerts',
  '/profile': () => '/profile',
  '*': () => '/no-such-page',
}

/** routesOf lists the paths App.tsx routes on: `pathname === '…'`, `matchPath('…')` and the NAV entries. */
function routesOf(src) {
  const found = new Set()
  for (const re of [/pathname === '([^']+)'/g, /matchPath\('([^']+)'/g, /\{ to: '([^']+)'/g]) for (const m of src.matchAll(re)) found.add(m[1])
  return [...found].sort()
}

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

/**
 * overlaps lists what axe cannot see: a header whose navigation runs under
 * its right-hand side (at 1280 px, eight links, the alert bell, the
 * connection and the user's name once did not fit, and "Security" and
 * "Alerts" sat under the bell), and a page wider than the window.
 */
async function overlaps(page) {
  return page.evaluate(() => {
    const out = []
    const nav = document.querySelector('.nav-wide')
    if (nav && nav.offsetParent !== null && nav.scrollWidth > nav.clientWidth + 1) {
      out.push(`layout: the header's links need ${nav.scrollWidth} px and have ${nav.clientWidth} px: the last ones hide under the bell and the account`)
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`layout: the page is ${document.documentElement.scrollWidth} px wide in a ${window.innerWidth} px window`)
    return out
  })
}

/** settled waits until the page shows its heading (or its state) and nothing loads any more. */
async function settled(page) {
  await page.locator('main :is(h1, .state)').first().waitFor()
  await eventually(async () => {
    assert.equal(await page.locator('.skeleton, [aria-busy="true"]').count(), 0, 'still loading')
  }, 15_000)
}

describe('accessibility', () => {
  let s, server, browser, admin
  /** What the pages show: a vendor with a round, a customer on it, its staff. */
  const f = {}

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
    f.vendorLogin = { email: `${unique('av').replace(/\s/g, '')}@e2e.test`, password: 'vendor-pass-123' }
    f.vendor = await admin.post('/api/users', { ...f.vendorLogin, name: unique('A11y Dairy'), role: 'vendor' })
    f.area = await admin.post('/api/areas', { vendorId: f.vendor.id, name: unique('A11y Area'), sortOrder: 1 })
    const product = (f.product = await admin.post('/api/products', { vendorId: f.vendor.id, name: 'Cow milk', unit: 'litre', priceCents: 6_000 }))
    f.url = server.url
    f.customer = await admin.post('/api/customers', {
      name: unique('A11y Customer'), phone: '+91 98765 43210', email: '', address: '12 MG Road, Pune', status: 'active', vendorId: f.vendor.id, areaId: f.area.id, position: 1,
    })
    const credit = await admin.post('/api/customers', {
      name: unique('A11y Credit'), phone: '+91 98765 43211', email: '', address: '14 MG Road, Pune', status: 'active', vendorId: f.vendor.id, areaId: f.area.id, position: 2,
    })
    for (const c of [f.customer, credit]) {
      await admin.post('/api/subscriptions', { customerId: c.id, productId: product.id, quantity: 2, frequency: 'daily', shift: 'morning' })
    }
    await admin.post('/api/deliveries/generate', { vendorId: f.vendor.id, shift: 'morning' })
    await admin.post('/api/payments', { customerId: f.customer.id, amountCents: 2_500, method: 'cash', idempotencyKey: crypto.randomUUID() })
    await admin.post('/api/payments', { customerId: credit.id, amountCents: 90_000, method: 'upi', idempotencyKey: crypto.randomUUID() })
    f.staffLogin = { email: `${unique('as').replace(/\s/g, '')}@e2e.test`, password: 'staff-pass-123' }
    f.staff = await admin.post('/api/users', { ...f.staffLogin, name: unique('A11y Staff'), role: 'staff', vendorId: f.vendor.id, areaIds: [f.area.id], shifts: ['morning', 'evening'] })
    f.round = `/today?shift=morning&vendorId=${f.vendor.id}`
  })
  after(() => s?.close())

  it('covers every route of the app', () => {
    const routes = routesOf(appSource)
    assert.ok(routes.length >= 10, `found only ${routes.join(', ')} in App.tsx: has its routing changed shape?`)
    assert.deepEqual(routes, Object.keys(ROUTES).filter((r) => r !== '*').sort(), 'a route of App.tsx has no entry in ROUTES (or ROUTES names one that is gone)')
    assert.match(appSource, /Page not found/, "the unknown address's page ('*')")
  })

  it('the audit finds text under 4.5:1 and a header that does not fit (it can fail)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const page = await ctx.newPage()
    await page.goto(server.url + '/')
    await page.getByLabel('Email').waitFor()
    // #767f8e on white is 4.0:1, a grey like the ones issue 19 found.
    await page.evaluate(() => {
      const p = document.createElement('p')
      p.textContent = 'Grey small print'
      p.style.cssText = 'color:#767f8e;background:#fff;font-size:13px'
      document.querySelector('main').append(p)
      const nav = document.createElement('nav')
      nav.className = 'nav-wide'
      nav.style.cssText = 'display:flex;width:100px;overflow:hidden'
      nav.innerHTML = '<a href="/a" style="white-space:nowrap">' + 'A very long link text '.repeat(5) + '</a>'
      document.body.prepend(nav)
    })
    const found = [...(await audit(page)), ...(await overlaps(page))]
    await ctx.close()
    assert.ok(found.some((v) => v.startsWith('color-contrast:')), `no contrast violation in:\n${found.join('\n')}`)
    assert.ok(found.some((v) => v.startsWith("layout: the header's links")), `no header overflow in:\n${found.join('\n')}`)
  })

  const roles = {
    admin: () => DEMO,
    vendor: () => f.vendorLogin,
    staff: () => f.staffLogin,
  }
  for (const [role, who] of Object.entries(roles)) {
    for (const [label, viewport] of VIEWPORTS) {
      it(`${role}: every page, dialog and menu passes the WCAG 2.1 AA checks (contrast included) at ${viewport.width} px`, async () => {
        const ctx = await browser.newContext({ viewport, reducedMotion: 'reduce' })
        const page = await ctx.newPage()
        const found = []
        const check = async (name) => found.push(...[...(await audit(page)), ...(await overlaps(page))].map((v) => `${name}: ${v}`))
        let failed = null
        try {
          if (role === 'admin') {
            await page.goto(server.url + '/')
            await page.getByLabel('Email').waitFor()
            await check('login')
            // A wrong password: the form's error state.
            await page.getByLabel('Email').fill(DEMO.email)
            await page.getByLabel('Password').fill('not-the-password')
            await page.getByRole('button', { name: 'Sign in' }).click()
            await page.getByTestId('login-error').waitFor()
            await check('login (refused)')
          }
          const { email, password } = who()
          await login(page, server.url, email, password)

          for (const [route, url] of Object.entries(ROUTES)) {
            await page.goto(server.url + url(f))
            await settled(page)
            await check(`${route} (${url(f)})`)
          }
          await flows[role](page, check, f, server)

          if (label === 'phone') {
            // The bottom bar's More menu, open.
            await page.goto(server.url + '/profile')
            await settled(page)
            await page.getByTestId('nav-more').click()
            await page.locator('.nav-more-menu').waitFor()
            await check('More menu (open)')
            await page.keyboard.press('Escape')
          }
          // Offline: the banner and the header's state.
          await page.goto(server.url + (role === 'staff' ? f.round : '/'))
          await settled(page)
          await ctx.setOffline(true)
          await page.locator('[data-testid="connection"]:not([data-state="live"])').waitFor({ timeout: 20_000 })
          await check('offline')
          await ctx.setOffline(false)
        } catch (err) {
          failed = err
        } finally {
          await ctx.close()
        }
        // The violations found before a step failed are worth seeing too.
        assert.deepEqual(found, [], `${role} at ${viewport.width} px: ${found.length} WCAG violations:\n${found.join('\n')}`)
        if (failed) throw failed
      })
    }
  }
})

/** The customer drawer's tabs, its payment confirmation and a reversal's confirmation (admins and vendors). */
async function customerDrawer(page, check, f, server, reverses) {
  await page.goto(`${server.url}/customers/${f.customer.id}`)
  await page.getByTestId('customer-detail').waitFor()
  await settled(page)
  for (const tab of ['Deliveries', 'Payments', 'Ledger']) {
    await page.getByRole('tab', { name: tab }).click()
    await eventually(async () => assert.equal(await page.locator('[role="tabpanel"] .skeleton').count(), 0), 15_000)
    await check(`customer drawer (${tab})`)
  }
  if (reverses) {
    // A reversal asked for (admins): the form, its error, its confirmation.
    await page.getByRole('tab', { name: 'Payments' }).click()
    await page.getByTestId('payments-list').getByRole('button', { name: /^Reverse / }).first().click()
    await page.getByRole('button', { name: 'Reverse…' }).click()
    await page.locator('.reverse-form [role="alert"]').waitFor()
    await check('customer drawer (reversal refused: no reason)')
    await page.locator('.reverse-form input').fill('typed the wrong amount')
    await page.getByRole('button', { name: 'Reverse…' }).click()
    await page.getByRole('alertdialog', { name: 'Confirm the reversal' }).waitFor()
    await check('customer drawer (reversal confirmation)')
    await page.getByRole('button', { name: 'Back' }).click()
  }
  // A large payment asks first.
  await page.getByTestId('pay-amount').fill('50000')
  await page.getByTestId('pay-submit').click()
  await page.getByTestId('pay-confirm').waitFor()
  await check('customer drawer (payment confirmation)')
  await page.getByTestId('pay-confirm').getByRole('button', { name: 'Change the amount' }).click()
  // Ending a subscription asks first.
  await page.getByRole('button', { name: 'End subscription' }).first().click()
  await page.getByRole('button', { name: 'Yes, end it' }).waitFor()
  await check('customer drawer (end subscription?)')
  await page.getByRole('button', { name: 'Keep it' }).first().click()
  await page.getByRole('button', { name: 'Pause Cow milk' }).first().click()
  await check('customer drawer (pause form)')
}

/** The customers list's drawers: add (empty and refused) and import. */
async function customerForms(page, check, server) {
  await page.goto(server.url + '/customers')
  await settled(page)
  await page.getByRole('button', { name: 'Add customer' }).click()
  const form = page.getByTestId('customer-form')
  await form.waitFor()
  await check('add customer (drawer)')
  await form.getByRole('button', { name: 'Save customer' }).click()
  await form.locator('[aria-invalid="true"]').first().waitFor()
  await check('add customer (refused)')
  await page.keyboard.press('Escape')
  await form.waitFor({ state: 'detached' })
  await page.getByTestId('customers-import').click()
  await page.getByTestId('import-customers').waitFor()
  await check('import customers (drawer)')
  await page.keyboard.press('Escape')
}

/**
 * openStops puts new stops on the vendor's round: the demo's simulator
 * delivers today's stops within minutes, and "mark the rest delivered"
 * shows only while some are open. Eight stops last it a minute or more.
 */
async function openStops(f) {
  // A fresh login: the suite's token may have expired by now.
  const admin = await Api.login(f.url)
  for (let i = 0; i < 8; i++) {
    const c = await admin.post('/api/customers', {
      name: unique('A11y Stop'), phone: '+91 98765 43212', email: '', address: '16 MG Road, Pune', status: 'active', vendorId: f.vendor.id, areaId: f.area.id, position: 3 + i,
    })
    await admin.post('/api/subscriptions', { customerId: c.id, productId: f.product.id, quantity: 1, frequency: 'daily', shift: 'morning' })
  }
  await admin.post('/api/deliveries/generate', { vendorId: f.vendor.id, shift: 'morning' })
}

/** The Today round: the confirmation of "mark the rest delivered". */
async function round(page, check, f, server) {
  await openStops(f)
  await page.goto(server.url + f.round)
  await settled(page)
  await page.getByTestId('stop').first().waitFor()
  await check('today (the round)')
  await page.getByTestId('mark-rest').click()
  await page.getByTestId('confirm-dialog').waitFor()
  await check('today (mark the rest delivered?)')
  await page.keyboard.press('Escape')
  await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' })
}

/** The dashboard's pop-up choices and a stat card's drawer. */
async function dashboard(page, check, server) {
  await page.goto(server.url + '/')
  await settled(page)
  await page.getByTestId('popup-settings').click()
  await check('dashboard (pop-up choices)')
  await page.getByTestId('popup-settings').click()
  await page.getByTestId('stat-payments-today').click()
  await page.getByTestId('today-payments').waitFor()
  await check("dashboard (today's payments drawer)")
  await page.keyboard.press('Escape')
}

const flows = {
  async admin(page, check, f, server) {
    await customerDrawer(page, check, f, server, true)
    await customerForms(page, check, server)
    await round(page, check, f, server)
    await dashboard(page, check, server)
    // Users: the edit form, the suspension's confirmation, the new-user form, the business's confirmation.
    await page.goto(server.url + '/users')
    await settled(page)
    const row = page.getByTestId(`user-row-${f.staff.id}`)
    await row.getByRole('button', { name: /^Edit / }).click()
    await page.getByTestId(`edit-user-${f.staff.id}`).waitFor()
    await check('users (edit form)')
    await page.getByTestId(`edit-user-${f.staff.id}`).getByRole('button', { name: 'Cancel' }).click()
    await row.getByRole('button', { name: 'Suspend…' }).click()
    await page.getByTestId(`suspend-confirm-${f.staff.id}`).waitFor()
    await check('users (suspend?)')
    await page.getByTestId(`suspend-confirm-${f.staff.id}`).getByRole('button', { name: 'Cancel' }).click()
    await page.getByRole('button', { name: 'New user' }).click()
    await check('users (new user form)')
    await page.getByRole('button', { name: 'Close' }).click()
    const name = page.getByTestId('business-name')
    await name.fill((await name.inputValue()) + ' (renamed)')
    await name.press('Enter')
    await page.getByTestId('business-confirm').waitFor()
    await check('users (business change?)')
    await page.getByTestId('business-confirm').getByRole('button', { name: 'Keep editing' }).click()
    // Reports: one started, its row and its toast.
    await page.goto(server.url + '/reports')
    await settled(page)
    await page.getByRole('combobox', { name: 'Vendor' }).selectOption(String(f.vendor.id))
    await page.getByRole('button', { name: 'Start report' }).click()
    await page.locator('[data-report-id]').first().waitFor()
    await check('reports (one started)')
  },
  async vendor(page, check, f, server) {
    await customerDrawer(page, check, f, server, false)
    await customerForms(page, check, server)
    await round(page, check, f, server)
    await dashboard(page, check, server)
  },
  async staff(page, check, f, server) {
    await page.goto(server.url + f.round)
    await settled(page)
    await page.getByTestId('stop').first().waitFor()
    await check('today (the round)')
  },
}

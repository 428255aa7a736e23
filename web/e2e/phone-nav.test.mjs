// The main navigation on a phone (390 px): the bottom bar shows each
// role's four most used pages and More (a keyboard-usable disclosure) for
// the rest; nothing scrolls sideways and every page of the role is
// reachable, none of another role's.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, launchBrowser, login, startServer, unique } from './harness.mjs'

const PHONE = { width: 390, height: 844 }

/** barState measures the visible bottom bar: its overflow and what it shows. */
async function barState(page) {
  return page.evaluate(() => {
    const nav = [...document.querySelectorAll('nav[aria-label="Main"]')].find((n) => n.getClientRects().length > 0)
    const items = [...nav.children].filter((e) => e.getClientRects().length > 0)
    return {
      scrolls: nav.scrollWidth > nav.clientWidth + 1,
      pageScrolls: document.documentElement.scrollWidth > window.innerWidth + 1,
      outside: items.filter((e) => {
        const r = e.getBoundingClientRect()
        return r.left < -1 || r.right > window.innerWidth + 1
      }).length,
      short: items.filter((e) => e.getBoundingClientRect().height < 44).length,
      labels: items.map((e) => e.innerText.trim()),
    }
  })
}

describe('phone navigation', () => {
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

  async function phoneAs(email, password) {
    const ctx = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    await login(page, server.url, email, password)
    return { ctx, page }
  }

  /** visit opens every page of the bar and of More, checking each page's title. */
  async function visitAll(page, bar, more) {
    const nav = page.getByRole('navigation', { name: 'Main' })
    const toggle = nav.getByRole('button', { name: /^More/ })
    for (const name of bar) {
      await nav.getByRole('link', { name, exact: true }).click()
      await page.waitForFunction((n) => document.title.startsWith(n === 'Users' ? 'Users' : n), name)
    }
    for (const name of more) {
      await toggle.click()
      await nav.getByRole('link', { name, exact: true }).click()
      await page.waitForFunction((n) => document.title.startsWith(n === 'Users' ? 'Users' : n), name)
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false', `More closes after choosing ${name}`)
      assert.match(await toggle.innerText(), /More/)
      assert.equal(await nav.locator('a[aria-current="page"]').count(), 1, `${name} is the current page`)
    }
  }

  it('admins: four pages and More, no sideways scroll, every page reachable, keyboard and Escape work', async () => {
    const { ctx, page } = await phoneAs()
    const s = await barState(page)
    assert.deepEqual(s.labels, ['Today', 'Dashboard', 'Customers', 'Analytics', 'More'])
    assert.deepEqual({ scrolls: s.scrolls, pageScrolls: s.pageScrolls, outside: s.outside, short: s.short }, { scrolls: false, pageScrolls: false, outside: 0, short: 0 })

    const nav = page.getByRole('navigation', { name: 'Main' })
    const toggle = nav.getByRole('button', { name: 'More' })
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false')
    assert.equal(await nav.getByRole('link', { name: 'Users', exact: true }).count(), 0, 'the menu is closed')

    // Keyboard: Enter opens it with the focus on its first entry; Escape closes it and gives the focus back.
    await toggle.focus()
    await page.keyboard.press('Enter')
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true')
    const menu = page.locator(`#${(await toggle.getAttribute('aria-controls')).replace(/:/g, '\\:')}`)
    assert.deepEqual(await menu.getByRole('link').allInnerTexts(), ['Reports', 'Users', 'Security', 'Alerts', 'Profile'])
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Reports')
    const menuBox = await menu.boundingBox()
    assert.ok(menuBox && menuBox.x >= 0 && menuBox.x + menuBox.width <= PHONE.width + 1 && menuBox.y >= 0, `menu on screen: ${JSON.stringify(menuBox)}`)
    await page.keyboard.press('Escape')
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false')
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'nav-more')
    // A choice by keyboard: Tab to the second entry, Enter.
    await page.keyboard.press('Enter')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.title.startsWith('Users'))
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false')
    assert.match(await toggle.innerText(), /More/)
    // A tap elsewhere closes it too.
    await toggle.click()
    await page.locator('main').click({ position: { x: 5, y: 5 } })
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false')

    await visitAll(page, ['Today', 'Dashboard', 'Customers', 'Analytics'], ['Reports', 'Users', 'Security', 'Alerts', 'Profile'])
    await ctx.close()
  })

  it('vendors and staff see only their own pages', async () => {
    const vendorLogin = { email: `${unique('nv').replace(/\s/g, '')}@e2e.test`, password: 'vendor-pass-123' }
    const vendor = await admin.post('/api/users', { ...vendorLogin, name: unique('Nav Vendor'), role: 'vendor' })
    const v = await phoneAs(vendorLogin.email, vendorLogin.password)
    let s = await barState(v.page)
    assert.deepEqual(s.labels, ['Today', 'Dashboard', 'Customers', 'Analytics', 'More'])
    assert.equal(s.scrolls, false)
    await v.page.getByTestId('nav-more').click()
    assert.deepEqual(await v.page.locator('.nav-more-menu').getByRole('link').allInnerTexts(), ['Reports', 'Profile'])
    await v.page.keyboard.press('Escape')
    await visitAll(v.page, ['Today', 'Dashboard', 'Customers', 'Analytics'], ['Reports', 'Profile'])
    await v.ctx.close()

    const area = await admin.post('/api/areas', { vendorId: vendor.id, name: unique('Nav Area'), sortOrder: 1 })
    const staffLogin = { email: `${unique('ns').replace(/\s/g, '')}@e2e.test`, password: 'staff-pass-123' }
    await admin.post('/api/users', { ...staffLogin, name: 'Nav Staff', role: 'staff', vendorId: vendor.id, areaIds: [area.id], shifts: ['morning'] })
    const st = await phoneAs(staffLogin.email, staffLogin.password)
    s = await barState(st.page)
    assert.deepEqual(s.labels, ['Today', 'More'])
    await st.page.getByTestId('nav-more').click()
    assert.deepEqual(await st.page.locator('.nav-more-menu').getByRole('link').allInnerTexts(), ['Profile'])
    await st.page.keyboard.press('Escape')
    await visitAll(st.page, ['Today'], ['Profile'])
    await st.ctx.close()
  })
})

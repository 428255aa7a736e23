// Browser tests of the notification settings (issue 17), on a phone (390
// px): the profile, reached from the top bar, shows the admin's kinds of
// push notification, a change is saved on the server and survives a
// reload; "Enable push on this device" registers the push worker, and a
// push message delivered to it (through Chromium's DevTools protocol, as a
// push service would) is shown as a notification.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, eventually, login, screenshot, suite, unique } from './harness.mjs'

describe('push notifications', () => {
  let s, server, browser, admin

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
  })
  after(() => s?.close())

  it('saves each kind on the server, and the device worker shows a push', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    await ctx.grantPermissions(['notifications'], { origin: server.url })
    const page = await ctx.newPage()
    // An admin of its own: the kinds start at their defaults whichever files shared the server before.
    const me = { email: `${unique('push').replace(/\s/g, '')}@e2e.test`, password: 'push-admin-pass-1' }
    await admin.post('/api/users', { ...me, name: unique('Push Admin'), role: 'admin' })
    const mine = await Api.login(server.url, me.email, me.password)
    await login(page, server.url, me.email, me.password)
    const profile = page.getByRole('link', { name: /Your profile and notifications/ })
    const box = await profile.boundingBox()
    assert.ok(box && box.height >= 44 && box.width >= 44, `profile link is ${JSON.stringify(box)}, want ≥ 44 px`)
    await profile.click()
    await page.getByRole('heading', { name: 'Your profile' }).waitFor()
    const large = page.getByRole('checkbox', { name: /Large payments/ })
    await large.waitFor()
    assert.equal(await page.getByRole('checkbox').count(), 3)
    assert.equal(await large.isChecked(), true)
    // One click: the server has it off, and the box says so (a refetch
    // begun before the save no longer puts it back: NotificationSettings.test.tsx).
    await large.click()
    await eventually(async () => assert.equal((await mine.get('/api/me/notifications')).kinds.large_payment, false))
    await eventually(async () => assert.equal(await large.isChecked(), false))
    await page.reload()
    await page.getByRole('checkbox', { name: /Large payments/ }).waitFor()
    assert.equal(await page.getByRole('checkbox', { name: /Large payments/ }).isChecked(), false)
    assert.equal(await page.getByRole('checkbox', { name: /Critical alerts/ }).isChecked(), true)

    // The device: the worker is registered (subscribing needs a real
    // push service, which a headless browser here has not: the page says so).
    await page.getByRole('button', { name: 'Enable push on this device' }).click()
    await page.locator('.device-push [role="alert"], .device-push [role="status"]').waitFor({ timeout: 20_000 })
    await screenshot(page, 'push-profile-390')
    // The app's worker (web/pwa/sw.js), which imports the push handlers.
    const script = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)
    assert.equal(script, `${server.url}/sw.js`)

    const cdp = await ctx.newCDPSession(page)
    const regs = new Map()
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => e.registrations.forEach((r) => regs.set(r.scopeURL, r)))
    await cdp.send('ServiceWorker.enable')
    const reg = await eventually(() => {
      const r = regs.get(`${server.url}/`)
      assert.ok(r, 'the registration is reported')
      return r
    })
    const message = { kind: 'large_payment', title: 'Large payment: ₹60,000.00', body: 'Asha paid ₹60,000.00 (cash)', url: '/customers/1', tag: 'payment-9', seq: 9 }
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId: reg.registrationId, data: JSON.stringify(message) })
    await eventually(async () => {
      const shown = await page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url })),
      )
      assert.deepEqual(shown, [{ title: message.title, body: message.body, tag: message.tag, url: `${server.url}/customers/1` }])
    })
    await ctx.close()
  })
})

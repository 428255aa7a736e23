// One Socket.IO connection per browser, shared by its tabs.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, arrangeCustomer, eventually, launchBrowser, login, socketCount, startServer, unique, waitForConnection } from './harness.mjs'

describe('tabs', () => {
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

  it('three tabs share one socket, all update live, and another tab takes over when the leader closes', async () => {
    const base = await socketCount(admin)
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const first = await ctx.newPage()
    await login(first, server.url)
    const others = []
    for (let i = 0; i < 2; i++) {
      const p = await ctx.newPage()
      await p.goto(server.url + '/')
      await waitForConnection(p, 'live')
      others.push(p)
    }
    const tabs = [first, ...others]
    await eventually(async () => assert.equal(await socketCount(admin), base + 1), 5_000)

    const customer = await arrangeCustomer(admin, { name: unique('Tabbed') })
    await admin.post('/api/payments', { customerId: customer.id, amountCents: 4_200, method: 'cash', idempotencyKey: crypto.randomUUID() })
    await Promise.all(tabs.map((t) => t.getByTestId('activity-feed').getByText(customer.name).first().waitFor({ timeout: 2_000 })))

    // The first tab to log in leads; closing it hands the socket over.
    await first.close()
    await Promise.all(others.map((t) => waitForConnection(t, 'live', 15_000)))
    await eventually(async () => assert.equal(await socketCount(admin), base + 1), 10_000)
    const next = await arrangeCustomer(admin, { name: unique('After Handover') })
    await admin.post('/api/payments', { customerId: next.id, amountCents: 1_000, method: 'upi', idempotencyKey: crypto.randomUUID() })
    await Promise.all(others.map((t) => t.getByTestId('activity-feed').getByText(next.name).first().waitFor({ timeout: 3_000 })))
    await ctx.close()
    await eventually(async () => assert.equal(await socketCount(admin), base), 10_000)
  })

  it('keeps the refresh token in an HttpOnly cookie, survives a reload, and signs every tab out together', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const first = await ctx.newPage()
    await login(first, server.url)
    const second = await ctx.newPage()
    await second.goto(server.url + '/')
    await waitForConnection(second, 'live')

    // The refresh token: an HttpOnly, SameSite=Strict cookie scoped to the
    // refresh route, that no page script can read; nothing in storage.
    const cookies = await ctx.cookies(server.url + '/api/auth/refresh')
    const refresh = cookies.find((c) => c.name === 'livedesk_refresh')
    assert.ok(refresh, `cookies: ${JSON.stringify(cookies.map((c) => c.name))}`)
    assert.equal(refresh.httpOnly, true)
    assert.equal(refresh.sameSite, 'Strict')
    assert.equal(refresh.path, '/api/auth/refresh')
    for (const p of [first, second]) {
      const seen = await p.evaluate(() => ({ cookie: document.cookie, stored: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) }))
      assert.ok(!seen.cookie.includes('livedesk_refresh'), 'document.cookie shows the refresh token')
      assert.ok(!/eyJ[\w-]+\.[\w-]+\./.test(seen.stored), `a token in web storage: ${seen.stored}`)
    }
    const csp = (await (await fetch(server.url + '/')).headers.get('content-security-policy')) ?? ''
    assert.match(csp, /connect-src 'self';/)

    // A reload keeps the user signed in (the cookie, or the other tab).
    await first.reload()
    await waitForConnection(first, 'live')
    await second.close()
    await first.reload()
    await waitForConnection(first, 'live')

    // Signing out in one tab signs out every tab and ends the session:
    // the cookie no longer brings it back.
    const third = await ctx.newPage()
    await third.goto(server.url + '/')
    await waitForConnection(third, 'live')
    await first.getByRole('button', { name: 'Sign out' }).click()
    await Promise.all([first, third].map((p) => p.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5_000 })))
    await third.reload()
    await third.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5_000 })
    await ctx.close()
  })
})

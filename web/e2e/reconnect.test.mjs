// The connection indicator follows the server going away and coming back.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, arrangeCustomer, eventually, launchBrowser, login, screenshot, startServer, unique, waitForConnection } from './harness.mjs'

/** countHandshakes counts, from now on, the page's Socket.IO connection attempts (each opens with a polling handshake). */
function countHandshakes(page) {
  let n = 0
  page.on('request', (req) => {
    const u = new URL(req.url())
    if (u.pathname === '/socket.io/' && u.searchParams.get('transport') === 'polling' && !u.searchParams.has('sid')) n++
  })
  return () => n
}

describe('reconnect', () => {
  let server, browser

  before(async () => {
    // No demo data: these tests arrange their own, and its seeding is most of a server's start.
    server = await startServer({ demo: false })
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.dispose()
  })

  it('shows Offline while the browser is offline and Live when it is back', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await ctx.setOffline(true)
    await waitForConnection(page, 'offline', 10_000)
    assert.match(await page.getByTestId('connection-state').innerText(), /^Offline · no network/)
    await ctx.setOffline(false)
    await waitForConnection(page, 'live', 20_000)
    await ctx.close()
  })

  it('is Offline (server unreachable, red) while the server is down, and Live within 3 s of the server answering again, data caught up', { timeout: 180_000 }, async () => {
    const admin = await Api.login(server.url)
    const customer = await arrangeCustomer(admin, { name: unique('Catch Up') })
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    // The page's own clock, so that the test skips the reconnection back-off instead of sitting it out.
    await ctx.clock.install()
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.getByTestId('activity-feed').waitFor()

    await server.stop()
    const handshakes = countHandshakes(page)
    // One failed retry, then REST is asked too: no "Polling" while nothing answers.
    await page.locator('[data-testid="connection"][data-reason="unreachable"]').waitFor({ timeout: 10_000 })
    assert.match(await page.getByTestId('connection-state').innerText(), /^Offline · server unreachable/)
    await screenshot(page, 'server-unreachable')
    // Past the five socket attempts (1 + 2 + 4 + 8 + 16 s of back-off on
    // the page's clock): the sixth is tried while the page stays Offline.
    await eventually(async () => {
      await page.clock.fastForward(2_000)
      assert.ok(handshakes() >= 6, `${handshakes()} socket attempts since the server stopped`)
    }, 60_000, 100)
    assert.equal(await page.getByTestId('connection').getAttribute('data-state'), 'offline')

    await server.start()
    const back = Date.now()
    // A change made while the page is still away must show up after it returns.
    const api = await Api.login(server.url)
    await api.post('/api/payments', { customerId: customer.id, amountCents: 7_700, method: 'card', idempotencyKey: crypto.randomUUID() })
    await waitForConnection(page, 'live', 15_000)
    const took = Date.now() - back
    // The probe runs every 5 s; the socket connects at once after it answers.
    assert.ok(took < 5_000 + 3_000, `live ${took} ms after the server came back`)
    await page.getByTestId('activity-feed').getByText(customer.name).first().waitFor({ timeout: 5_000 })
    await page.getByTestId('freshness').first().getByText('Live').waitFor()
    await ctx.close()
  })

  it('shows Polling (amber) when the socket is blocked but REST works', { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    await ctx.clock.install()
    const page = await ctx.newPage()
    await login(page, server.url)
    await waitForConnection(page, 'live', 20_000)
    // Block the socket's HTTP handshake and its WebSocket, leave the API alone.
    await ctx.route('**/socket.io/**', (route) => route.abort())
    if (ctx.routeWebSocket) await ctx.routeWebSocket('**/socket.io/**', (ws) => ws.close())
    await ctx.setOffline(true)
    await waitForConnection(page, 'offline', 10_000)
    await ctx.setOffline(false)
    // Five blocked attempts (their back-off skipped on the page's clock), then Polling.
    await eventually(async () => {
      await page.clock.fastForward(2_000)
      assert.equal(await page.getByTestId('connection').getAttribute('data-state'), 'polling')
    }, 60_000, 100)
    assert.match(await page.getByTestId('connection-state').innerText(), /^Polling/)
    assert.equal(await page.getByTestId('connection').getAttribute('data-state'), 'polling')
    await ctx.close()
  })
})

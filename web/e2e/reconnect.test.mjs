// The connection indicator follows the server going away and coming back.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Api, arrangeCustomer, launchBrowser, login, screenshot, startServer, unique, waitForConnection } from './harness.mjs'

describe('reconnect', () => {
  let server, browser

  before(async () => {
    server = await startServer()
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
    assert.equal(await page.getByTestId('connection-state').innerText(), 'Offline')
    await ctx.setOffline(false)
    await waitForConnection(page, 'live', 20_000)
    await ctx.close()
  })

  it('goes Reconnecting then Polling while the server is down, and back to Live with the data caught up', { timeout: 180_000 }, async () => {
    const admin = await Api.login(server.url)
    const customer = await arrangeCustomer(admin, { name: unique('Catch Up') })
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.getByTestId('activity-feed').waitFor()

    await server.stop()
    await waitForConnection(page, 'reconnecting', 10_000)
    assert.match(await page.getByTestId('connection-state').innerText(), /Reconnecting \(attempt \d\/5\)/)
    // 1 + 2 + 4 + 8 + 16 s of backoff, then polling.
    await waitForConnection(page, 'polling', 60_000)
    assert.equal(await page.getByTestId('connection-state').innerText(), 'Polling every 60 s')
    await page.getByTestId('freshness').first().getByText(/Cached · updated/).waitFor()
    await screenshot(page, 'polling')

    await server.start()
    // A change made while the page is still away must show up after it returns.
    const api = await Api.login(server.url)
    await api.post('/api/payments', { customerId: customer.id, amountCents: 7_700, method: 'card', idempotencyKey: crypto.randomUUID() })
    await waitForConnection(page, 'live', 90_000)
    await page.getByTestId('activity-feed').getByText(customer.name).first().waitFor({ timeout: 5_000 })
    await page.getByTestId('freshness').first().getByText('Live').waitFor()
    await ctx.close()
  })
})

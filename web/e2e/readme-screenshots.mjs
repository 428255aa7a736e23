// Takes the README's screenshots (docs/dashboard.png at 1280 px, the Today
// page's docs/today.png at 1280 px and docs/today-phone.png at 390 px) from
// a real `livedesk serve --demo` in Chromium:
//
//   make build && cd web && node e2e/readme-screenshots.mjs
//
// A few stops are marked first (delivered, failed with a reason, skipped) so
// the pictures show each state; the demo's own simulator may move others.
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Api, eventually, launchBrowser, login, startServer } from './harness.mjs'

const docs = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs')

// The demo's rounds follow the business's clock (the milk goes out from
// 05:30): a dairy in India (the demo's money is INR), so the pictures show
// India's time. The round is under way in them when the script runs in
// India's morning (about 00:00–04:00 UTC).
process.env.LIVEDESK_TIMEZONE = 'Asia/Kolkata'
const server = await startServer()
const browser = await launchBrowser()
try {
  const admin = await Api.login(server.url)
  const vendors = await admin.get('/api/users?role=vendor&limit=50')
  // The vendor with the most stops still open makes the liveliest picture.
  const isOpen = (s) => s.delivery.status === 'scheduled' || s.delivery.status === 'out_for_delivery'
  let best = null
  for (const v of vendors.items) {
    const r = await admin.get(`/api/round?shift=morning&vendorId=${v.id}`)
    if (!best || r.stops.filter(isOpen).length > best.round.stops.filter(isOpen).length) best = { vendor: v, round: r }
  }
  if (!best || best.round.stops.length < 4) throw new Error('the demo has no morning round to show')
  const open = best.round.stops.filter(isOpen).map((s) => s.delivery.id)
  const mark = (ids, status, extra = {}) =>
    ids.length && admin.req('POST', '/api/deliveries/status', { ids, status, ...extra, idempotencyKey: crypto.randomUUID() })
  // A few outcomes of each kind early in the walking order, after two stops
  // left open so their buttons show.
  await mark(open.slice(2, 4), 'delivered')
  await mark(open.slice(4, 5), 'failed', { reason: 'not_home' })
  await mark(open.slice(5, 6), 'skipped', { reason: 'other', reasonText: 'on holiday' })

  const path = `/today?shift=morning&vendorId=${best.vendor.id}`
  for (const [file, viewport, scale, url, ready] of [
    ['dashboard.png', { width: 1280, height: 1000 }, 1, '/', 'activity-feed'],
    ['today.png', { width: 1280, height: 1100 }, 1, path, 'stop'],
    ['today-phone.png', { width: 390, height: 844 }, 2, path, 'stop'],
  ]) {
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: scale, reducedMotion: 'reduce' })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(server.url + url)
    await page.getByTestId(ready).first().waitFor()
    await eventually(async () => {
      if ((await page.locator('.skeleton').count()) > 0) throw new Error('still loading')
    })
    // The demo's live payments raise toasts, which come and go: none may
    // cover the picture (closing them races the next one), so they are not drawn.
    await page.addStyleTag({ content: '.toasts { display: none !important; }' })
    if (viewport.width < 500) {
      // On the phone, start at the counters: the header and filters are above.
      await page.evaluate(() => {
        const top = document.querySelector('.round-counters')?.getBoundingClientRect().top ?? 0
        window.scrollTo(0, window.scrollY + top - 60)
      })
    }
    await page.screenshot({ path: join(docs, file) })
    console.log(`wrote docs/${file}`)
    await ctx.close()
  }
} finally {
  await browser.close()
  await server.dispose()
}

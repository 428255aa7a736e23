// Browser tests of the Reports page: an admin starts a statements report of
// the demo business; its progress bar moves live in that admin's browser
// and in another admin's, from the socket's report:progress events; the
// download is a ZIP of one PDF per customer and the summary; a queued
// report is cancelled after a confirmation, in both browsers.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { downloaded, login, screenshot, suite, unique } from './harness.mjs'

/** watchProgress records, in the page, every value each report's progress bar shows. */
async function watchProgress(page) {
  await page.evaluate(() => {
    window.__progress = {}
    const record = () => {
      for (const bar of document.querySelectorAll('[data-report-id] [role="progressbar"]')) {
        const id = bar.closest('[data-report-id]').getAttribute('data-report-id')
        const v = Number(bar.getAttribute('aria-valuenow'))
        const seen = (window.__progress[id] ??= [])
        if (seen.at(-1) !== v) seen.push(v)
      }
    }
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] })
    record()
  })
}

/** zipEntries counts the files of a ZIP by its central directory headers. */
function zipEntries(buf) {
  let n = 0
  for (let i = buf.indexOf('PK\x01\x02', 0, 'latin1'); i >= 0; i = buf.indexOf('PK\x01\x02', i + 4, 'latin1')) n++
  return n
}

describe('reports', () => {
  let s, server, browser, admin, other

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
    const email = `${unique('second').replace(/\s/g, '')}@e2e.test`
    await admin.post('/api/users', { email, name: 'Second Admin', role: 'admin', password: 'second-admin-pw' })
    other = { email, password: 'second-admin-pw' }
  })
  after(() => s?.close())

  it('shows a statements report moving live in two admins’ browsers, downloads it, and cancels a queued one after confirming', async () => {
    const customers = (await admin.get('/api/customers?limit=1')).total
    assert.ok(customers >= 50, `the demo has only ${customers} customers`)

    const ctxA = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
    const pageA = await ctxA.newPage()
    await login(pageA, server.url)
    await pageA.getByRole('link', { name: 'Reports' }).click()
    await pageA.getByRole('heading', { name: 'New report' }).waitFor()

    const ctxB = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const pageB = await ctxB.newPage()
    await login(pageB, server.url, other.email, other.password)
    await pageB.goto(`${server.url}/reports`)
    await pageB.getByRole('heading', { name: 'New report' }).waitFor()
    await watchProgress(pageA)
    await watchProgress(pageB)

    // Last month's statements of the whole business (the demo's history
    // fills it), then a dues-ageing report: the runner takes one job at a
    // time, so the last waits, queued, while the others run.
    const now = new Date()
    const last = new Date(now.getFullYear(), now.getMonth() - 1, 1)
    const lastMonth = `${last.getFullYear()}-${String(last.getMonth() + 1).padStart(2, '0')}`
    const form = pageA.getByRole('form', { name: 'New report' })
    await form.getByLabel('Report').selectOption('statements')
    await form.getByLabel('Month').selectOption(lastMonth)
    // The report's id is the one this click created: other files on the
    // shared server start reports too, so the list's first row may be
    // theirs.
    const [created] = await Promise.all([
      pageA.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/reports'),
      form.getByRole('button', { name: 'Start report' }).click(),
    ])
    assert.equal(created.status(), 202, `starting the report answered ${created.status()}`)
    const id = String((await created.json()).id)
    await pageA.locator(`[data-report-id="${id}"]`).waitFor()
    // Three more behind it (about a second each), so that the next one
    // surely waits in the queue long enough to be cancelled there.
    for (let i = 0; i < 3; i++) await admin.post('/api/reports', { kind: 'statements', params: { month: lastMonth } })
    await form.getByLabel('Report').selectOption('dues-ageing')
    const [queued] = await Promise.all([
      pageA.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/reports'),
      form.getByRole('button', { name: 'Start report' }).click(),
    ])
    assert.equal(queued.status(), 202, `starting the second report answered ${queued.status()}`)
    const secondId = String((await queued.json()).id)
    assert.ok(Number(secondId) > Number(id) + 3, `the second report (${secondId}) was not started after the first four (${id}…)`)

    // Cancel the second while it waits, after confirming.
    const rowA2 = pageA.locator(`[data-report-id="${secondId}"]`)
    await rowA2.getByRole('button', { name: /^Cancel / }).click()
    await rowA2.getByRole('button', { name: 'Yes, cancel it' }).click()
    await pageA.locator(`[data-report-id="${secondId}"][data-status="cancelled"]`).waitFor({ timeout: 10_000 })
    await pageB.locator(`[data-report-id="${secondId}"][data-status="cancelled"]`).waitFor({ timeout: 10_000 })

    // The first runs to its end in both browsers.
    for (const page of [pageA, pageB]) {
      await page.locator(`[data-report-id="${id}"][data-status="ready"]`).waitFor({ timeout: 120_000 })
    }
    for (const [who, page] of [['A', pageA], ['B', pageB]]) {
      const seen = await page.evaluate((rid) => window.__progress[rid] ?? [], id)
      const between = seen.filter((v) => v > 0 && v < 100)
      assert.ok(between.length >= 1, `admin ${who}'s progress bar never showed a value between 0 and 100: ${JSON.stringify(seen)}`)
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `admin ${who}'s bar went back: ${JSON.stringify(seen)}`)
    }
    await screenshot(pageB, 'reports-phone')

    // The download: a ZIP of one PDF per customer and the summary.
    const [download] = await Promise.all([
      pageA.waitForEvent('download'),
      pageA.locator(`[data-report-id="${id}"]`).getByRole('button', { name: /^Download / }).click(),
    ])
    assert.match(download.suggestedFilename(), /^statements-\d{4}-\d{2}\.zip$/)
    const file = await downloaded(download)
    assert.equal(file.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'the download is not a ZIP')
    // The demo simulator adds customers meanwhile: the report's total is
    // the customers it went through.
    const report = await admin.get(`/api/reports/${id}`)
    assert.ok(report.total >= customers, `the report covered ${report.total} of ${customers} customers`)
    assert.equal(zipEntries(file), report.total + 1, 'want one PDF per customer and summary.csv')
    assert.equal(file.length, report.bytes)
    await screenshot(pageA, 'reports')
    await ctxA.close()
    await ctxB.close()
  })
})

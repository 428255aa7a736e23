// Browser tests of the customers list's tools (issue 16): sort by balance
// (who owes the most first), the dues filter, the CSV export, the import
// with its preview (a row error, confirm, re-import creating nothing), and
// the dashboard's Outstanding card opening who owes, most first.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { downloaded, login, suite, unique } from './harness.mjs'

describe('customers list: sort, dues, export, import', () => {
  let s, server, browser, admin, vendor

  before(async () => {
    s = await suite()
    ;({ server, browser, admin } = s)
    vendor = await admin.post('/api/users', { email: `${unique('v').replace(/\s/g, '')}@e2e.test`, name: unique('List Vendor'), role: 'vendor', password: 'vendor-pass-123' })
    const today = new Date().toISOString().slice(0, 10)
    // Three customers of a fresh vendor: owes 50.00, owes 900.00, owes nothing.
    for (const [name, cents] of [['Ana Small', 5_000], ['Bala Big', 90_000], ['Chitra Zero', 0]]) {
      const c = await admin.post('/api/customers', { name, phone: `98450 ${String(10000 + cents / 100).slice(-5)}`, email: '', address: '', status: 'active', vendorId: vendor.id })
      if (cents > 0) {
        const d = await admin.post('/api/deliveries', { customerId: c.id, scheduledFor: today, items: 'Milk', quantity: 1, amountCents: cents })
        await admin.patch(`/api/deliveries/${d.id}`, { status: 'delivered' })
      }
    }
  })
  after(() => s?.close())

  const names = (page) => page.locator('[data-testid="customers-table"] tbody tr .cell-main').allInnerTexts()

  it('sorts by who owes the most, filters dues, exports a CSV and imports with a preview', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.goto(`${server.url}/customers?vendor=${vendor.id}`)
    await page.getByTestId('customers-table').waitFor()
    assert.deepEqual(await names(page), ['Ana Small', 'Bala Big', 'Chitra Zero'])

    await page.getByTestId('customer-sort').selectOption('-balance')
    await page.waitForFunction(() => document.querySelector('[data-testid="customers-table"] tbody tr .cell-main')?.textContent === 'Bala Big')
    assert.deepEqual(await names(page), ['Bala Big', 'Ana Small', 'Chitra Zero'])
    assert.match(page.url(), /sort=-balance/)

    await page.getByTestId('customer-dues').check()
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="customers-table"] tbody tr').length === 2)
    assert.deepEqual(await names(page), ['Bala Big', 'Ana Small'])

    // Export: the same filters and order, as a CSV download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('customers-export').click()])
    assert.match(download.suggestedFilename(), /^customers-.*\.csv$/)
    const csv = (await downloaded(download)).toString('utf8').trim().split('\n')
    assert.equal(csv[0], 'id,name,phone,email,address,area,status,vendor_id,vendor,balance_cents,balance,last_payment_at,created_at')
    assert.equal(csv.length, 3, csv.join('\n'))
    assert.match(csv[1], /,Bala Big,.*,90000,900\.00,/)
    assert.match(csv[2], /,Ana Small,.*,5000,50\.00,/)

    // Import: a bad row shows in the preview and nothing can be confirmed.
    await page.getByTestId('customers-import').click()
    const dialog = page.getByTestId('import-customers')
    await dialog.waitFor()
    await page.getByTestId('import-vendor').selectOption(String(vendor.id))
    const header = 'Name,Phone,Address,Area,Vendor,Opening Balance,Product,Quantity,Frequency,Shift\n'
    const good = header + 'Dev Imported,98450 70001,1 New Road,Lake Side,,"1,200.00",,,,\nEsha Imported,98450 70002,,,,-15,,,,\n'
    const bad = header + 'Dev Imported,98450 70001,1 New Road,Lake Side,,"1,200.00",,,,\nEsha Imported,98450 70002,,,,lots,,,,\n'
    const file = (text) => ({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(text) })
    await page.getByTestId('import-file').setInputFiles(file(bad))
    const row3 = page.getByTestId('import-row-3')
    await row3.waitFor()
    assert.match(await row3.innerText(), /opening balance/)
    assert.match(await page.getByTestId('import-summary').innerText(), /1 new customer · 1 row with errors/)
    assert.equal(await page.getByTestId('import-confirm').isDisabled(), true)
    assert.equal((await admin.get(`/api/customers?vendorId=${vendor.id}`)).total, 3, 'a preview wrote')

    // The fixed file: confirm creates both customers.
    await page.getByTestId('import-file').setInputFiles(file(good))
    await page.waitForFunction(() => /2 new customers/.test(document.querySelector('[data-testid="import-summary"]')?.textContent ?? ''))
    await page.getByTestId('import-confirm').click()
    await page.waitForFunction(() => /2 customers imported/.test(document.querySelector('[data-testid="import-summary"]')?.textContent ?? ''))
    const list = await admin.get(`/api/customers?vendorId=${vendor.id}&sort=-balance`)
    assert.equal(list.total, 5)
    assert.deepEqual(list.items.map((c) => [c.name, c.balanceCents]).slice(0, 2), [['Dev Imported', 120_000], ['Bala Big', 90_000]])
    const ledger = await admin.get(`/api/customers/${list.items[0].id}/ledger`)
    assert.deepEqual(ledger.items.map((e) => e.kind), ['opening_balance'])

    // Importing the same file again creates nothing.
    await page.getByTestId('import-file').setInputFiles(file(good))
    await page.waitForFunction(() => /0 new customers · 2 already there/.test(document.querySelector('[data-testid="import-summary"]')?.textContent ?? ''))
    assert.equal(await page.getByTestId('import-confirm').isDisabled(), true)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    // The list (sorted by balance, dues only) refreshed with the import.
    await page.waitForFunction(() => document.querySelector('[data-testid="customers-table"] tbody tr .cell-main')?.textContent === 'Dev Imported')
    assert.deepEqual(await names(page), ['Dev Imported', 'Bala Big', 'Ana Small'])
    assert.equal((await admin.get(`/api/customers?vendorId=${vendor.id}`)).total, 5)
    await ctx.close()
  })

  it('opens who owes the most from the Outstanding card', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await ctx.newPage()
    await login(page, server.url)
    await page.getByTestId('stat-outstanding').click()
    await page.getByTestId('customers-table').waitFor()
    const u = new URL(page.url())
    assert.equal(u.pathname, '/customers')
    assert.equal(u.searchParams.get('sort'), '-balance')
    assert.equal(u.searchParams.get('dues'), '1')
    assert.equal(await page.getByTestId('customer-sort').inputValue(), '-balance')
    assert.equal(await page.getByTestId('customer-dues').isChecked(), true)
    const shown = await page.locator('[data-testid="customers-table"] tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-testid')?.replace('customer-row-', ''))))
    // The rows are in the server's -balance order, all owing.
    const first = await admin.get(`/api/customers?sort=-balance&hasDues=true&limit=${shown.length}`)
    assert.ok(first.items.every((c) => c.balanceCents > 0))
    const balances = first.items.map((c) => c.balanceCents)
    assert.deepEqual(balances, [...balances].sort((a, b) => b - a))
    // (The demo's simulator keeps moving balances: the top two may swap meanwhile.)
    assert.ok(first.items.slice(0, 2).some((c) => c.id === shown[0]), `the customer who owes the most is first: ${shown[0]} vs ${balances.slice(0, 2)}`)
    await ctx.close()
  })
})

// Test harness of the browser tests: a real `livedesk serve` on a temporary
// SQLite database and Debian's Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
export const BIN = resolve(here, '..', process.env.LIVEDESK_BIN ?? '../bin/livedesk')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = join(here, 'artifacts')
export const DEMO = { email: 'admin@livedesk.local', password: 'livedesk-demo' }

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => ok(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * startServer runs `livedesk serve --demo` and waits for /healthz. With
 * { demo: false } the database starts empty but for the demo admin, and no
 * simulator moves today's deliveries under the test's feet.
 */
export async function startServer({ demo = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'livedesk-e2e-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const server = {
    url,
    dir,
    proc: null,
    log: [],
    async start() {
      // No metrics listener: its default port would clash between servers.
      const args = ['serve', '--addr', `127.0.0.1:${port}`, '--db', `sqlite:${join(dir, 'x.db')}`, '--metrics-addr', '']
      if (demo) args.push('--demo')
      const proc = spawn(BIN, args, {
        env: { ...process.env, LIVEDESK_JWT_SECRET: process.env.LIVEDESK_JWT_SECRET ?? 'e2e-secret-e2e-secret-e2e-secret!' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      proc.stdout.on('data', (b) => server.log.push(String(b)))
      proc.stderr.on('data', (b) => server.log.push(String(b)))
      server.proc = proc
      // Seeding the demo data can take a while on a loaded machine.
      const deadline = Date.now() + Number(process.env.E2E_START_TIMEOUT_MS ?? 60_000)
      while (Date.now() < deadline) {
        if (proc.exitCode !== null) throw new Error(`livedesk exited with ${proc.exitCode}:\n${server.log.join('')}`)
        try {
          const res = await fetch(`${url}/healthz`)
          if (res.ok) return
        } catch {
          // not listening yet
        }
        await sleep(100)
      }
      // Stopped, so that it does not keep the test process alive after the failure.
      await server.stop()
      throw new Error(`livedesk did not become healthy at ${url}:\n${server.log.join('')}`)
    },
    /** ensureDemoAdmin creates the demo admin with the CLI when --demo did not seed one. */
    async ensureDemoAdmin() {
      try {
        await Api.login(url)
        return
      } catch {
        // fall through
      }
      const res = spawnSync(BIN, ['user', 'create', '--email', DEMO.email, '--password', DEMO.password, '--role', 'admin', '--name', 'Demo Admin', '--db', `sqlite:${join(dir, 'x.db')}`], { encoding: 'utf8' })
      if (res.status !== 0) throw new Error(`could not create the demo admin: ${res.stderr}`)
    },
    async stop() {
      const proc = server.proc
      if (!proc || proc.exitCode !== null) return
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
      server.proc = null
    },
    async dispose() {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    await server.start()
    await server.ensureDemoAdmin()
  } catch (err) {
    // The caller gets no server to dispose of: nothing may outlive the failure.
    await server.dispose()
    throw err
  }
  return server
}

/** Api is a small REST client for arranging test data through the real API. */
export class Api {
  constructor(url, token = null) {
    this.url = url
    this.token = token
  }
  static async login(url, email = DEMO.email, password = DEMO.password) {
    const api = new Api(url)
    const res = await api.req('POST', '/api/auth/login', { email, password })
    api.token = res.token
    api.user = res.user
    return api
  }
  async req(method, path, body) {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    const data = text ? JSON.parse(text) : null
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`)
    return data
  }
  get(path) {
    return this.req('GET', path)
  }
  post(path, body) {
    return this.req('POST', path, body)
  }
  patch(path, body) {
    return this.req('PATCH', path, body)
  }
}

/** addDays moves a YYYY-MM-DD day by n calendar days. */
export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/**
 * businessTomorrow is the day after the business's today (GET /api/stats
 * `today`, in its time zone: the demo's is Asia/Kolkata), not the UTC
 * tomorrow, which from 18:30 to 24:00 UTC is already the business's today.
 */
export async function businessTomorrow(api) {
  const { today } = await api.get('/api/stats')
  return addDays(today, 1)
}

export const unique = (prefix) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/** launchBrowser starts Debian's Chromium with a fresh profile. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`)
  // launch() gives every run a fresh temporary user-data dir.
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
}

/**
 * startShared starts what the files of one run share (run.mjs calls it): a
 * `livedesk serve --demo` and a Chromium that test processes connect to.
 * Its env names them for suite(); close() stops both.
 */
export async function startShared() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`)
  const [server, browserServer] = await Promise.all([startServer(), chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })])
  return {
    env: { E2E_SHARED_URL: server.url, E2E_SHARED_BROWSER: browserServer.wsEndpoint() },
    server,
    async close() {
      await browserServer.close()
      await server.dispose()
    },
  }
}

/** sharedServer stands for the run's server in a file: it is not this file's to stop. */
function sharedServer(url) {
  const refuse = async () => {
    throw new Error('suite(): the server is shared by the run; a test that stops it starts its own with startServer()')
  }
  return { url, dir: null, proc: null, log: [], shared: true, start: refuse, stop: refuse, ensureDemoAdmin: async () => {}, dispose: async () => {} }
}

/**
 * suite gives a test file a demo server, a browser and an admin API client.
 * Under run.mjs the server and the browser are the run's, shared by every
 * file that calls suite() (one start of each instead of one per file); run
 * alone (node --test e2e/x.test.mjs) the file gets its own. A file that
 * shares them makes its data its own (unique(), a fresh vendor or user),
 * opens a fresh browser context per test and leaves business-wide settings
 * as it found them; a file that stops the server, counts server-wide or
 * changes business-wide settings for its whole run calls startServer() and
 * launchBrowser() itself. close() (in the file's after hook) closes what
 * the file opened: the contexts it left open, and its own server and browser.
 */
export async function suite() {
  const url = process.env.E2E_SHARED_URL
  const ws = process.env.E2E_SHARED_BROWSER
  const server = url ? sharedServer(url) : await startServer()
  // A connected browser's close() closes this file's contexts and disconnects.
  const browser = ws ? await chromium.connect(ws) : await launchBrowser()
  const admin = await Api.login(server.url)
  return {
    server,
    browser,
    admin,
    async close() {
      await browser.close()
      await server.dispose()
    },
  }
}

/** login signs in through the UI and waits until the connection is live. */
export async function login(page, url, email = DEMO.email, password = DEMO.password) {
  await page.goto(url + '/')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await waitForConnection(page, 'live')
}

/** waitForConnection waits for the header's connection state (live, reconnecting, polling, offline). */
export async function waitForConnection(page, state, timeout = 20_000) {
  await page.locator(`[data-testid="connection"][data-state="${state}"]`).waitFor({ timeout })
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage })
}

/** downloaded reads a download's bytes (a browser shared by the run, connected remotely, gives no local path). */
export async function downloaded(download) {
  const chunks = []
  for await (const chunk of await download.createReadStream()) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** socketCount asks the server how many Socket.IO connections it holds. */
export async function socketCount(api) {
  const ops = await api.get('/api/ops')
  if (typeof ops?.sockets !== 'number') throw new Error(`GET /api/ops has no "sockets" number: ${JSON.stringify(ops)}`)
  return ops.sockets
}

/** eventually retries fn until it stops throwing or the time is up. */
export async function eventually(fn, timeout = 5_000, interval = 100) {
  const deadline = Date.now() + timeout
  for (;;) {
    try {
      return await fn()
    } catch (err) {
      if (Date.now() > deadline) throw err
      await sleep(interval)
    }
  }
}

/** arrange creates a vendor and a customer through the API. */
export async function arrangeCustomer(api, { vendorId, name = unique('E2E Customer') } = {}) {
  if (!vendorId) {
    const vendor = await api.post('/api/users', { email: `${unique('v').replace(/\s/g, '')}@e2e.test`, name: unique('Vendor'), role: 'vendor', password: 'vendor-pass-123' })
    vendorId = vendor.id
  }
  return api.post('/api/customers', { name, phone: '+91 98765 43210', email: '', address: '12 MG Road, Pune', status: 'active', vendorId })
}

export { sleep }

// npm run e2e: the browser tests, skipped loudly when there is no server binary.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ARTIFACTS, BIN, CHROMIUM, startShared } from './harness.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const banner = (lines) => {
  const width = Math.max(...lines.map((l) => l.length)) + 4
  console.log('\n' + '#'.repeat(width))
  for (const l of lines) console.log(`# ${l.padEnd(width - 4)} #`)
  console.log('#'.repeat(width) + '\n')
}

if (!existsSync(BIN)) {
  banner([
    'SKIPPED: browser tests did not run.',
    `No livedesk binary at ${BIN}.`,
    'Build it with `make build` (or set LIVEDESK_BIN) and run `npm run e2e` again.',
  ])
  process.exit(process.env.CI && process.env.E2E_REQUIRED ? 1 : 0)
}
if (!existsSync(CHROMIUM)) {
  banner(['FAILED: Chromium is missing.', `Expected ${CHROMIUM}; install it with: apt-get install -y chromium`])
  process.exit(1)
}

const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => !process.argv[2] || f.includes(process.argv[2]))
  .map((f) => join(here, f))
// One demo server and one Chromium for the files that call suite() (see
// harness.mjs); the files that need their own still start them. Started
// here, the test processes connect to them; the run waits for the files
// without blocking, since this process serves the browser's endpoint.
const shared = await startShared()
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, ...shared.env },
})
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
const status = await new Promise((ok) => child.on('exit', (code, signal) => ok(code ?? (signal ? 1 : 0))))
if (status !== 0) {
  mkdirSync(ARTIFACTS, { recursive: true })
  writeFileSync(join(ARTIFACTS, 'shared-server.log'), shared.server.log.join(''))
  console.log(`The shared server's log: ${join(ARTIFACTS, 'shared-server.log')}`)
}
await shared.close()
process.exit(status)

import { after, before } from "node:test";
// The server under test: a real `livedesk serve` process on a temporary
// SQLite database, its users made with `livedesk user create`, and a small
// REST client for the API of docs/api.md.
import { spawn, execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";

// BIN is the livedesk binary run.sh built.
export const BIN = process.env.LIVEDESK_BIN;
if (!BIN) throw new Error("LIVEDESK_BIN is not set: run test/realtime/run.sh");

export const PASSWORD = "correct-horse-battery";

// today is the server's today (YYYY-MM-DD): its database is new, so the
// business's time zone is UTC. A delivery's day must lie within a year of
// today, so the tests schedule relative to it, never on a fixed date.
export function today() {
  return new Date().toISOString().slice(0, 10);
}

// Every process a test file started, so that none outlives it.
const running = new Set();
process.on("exit", () => {
  for (const p of running) p.kill("SIGKILL");
});

// cleanEnv is this process's environment without any LIVEDESK_* setting
// (a developer's shell must not change what the tests run), plus extra.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("LIVEDESK_")) env[k] = v;
  return { ...env, ...extra };
}

// Workspace is one temporary directory and database shared by the
// server processes a test starts on it (a restart keeps both).
export class Workspace {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "livedesk-rt-"));
    this.db = `sqlite:${join(this.dir, "livedesk.db")}`;
    // A fixed secret so that tokens survive a restart.
    this.secret = "realtime-acceptance-" + Math.random().toString(36).slice(2).padEnd(20, "x");
  }

  // createUser runs `livedesk user create` and returns the new user's id
  // (a vendor's id is its vendor id).
  createUser({ email, role, name, password = PASSWORD }) {
    const out = execFileSync(
      BIN,
      ["user", "create", "--db", this.db, "--email", email, "--password", password, "--role", role, "--name", name],
      { env: cleanEnv(), encoding: "utf8" },
    );
    const m = /\(id (\d+)\)/.exec(out);
    if (!m) throw new Error(`user create said: ${out}`);
    return Number(m[1]);
  }

  // serve starts `livedesk serve` on this workspace and resolves once it
  // listens. addr defaults to a free port chosen by the kernel.
  async serve({ addr = "127.0.0.1:0", ttl, replayLimit, secret = this.secret } = {}) {
    // With LIVEDESK_DEBUG_LOG_DIR (run.sh sets it) the servers log at debug
    // level into that folder, which run.sh then searches for tokens and
    // whole session ids (issue 15: a debug log of a full test run holds
    // neither).
    const level = process.env.LIVEDESK_DEBUG_LOG_DIR ? "debug" : "warn";
    const args = ["serve", "--addr", addr, "--db", this.db, "--log-level", level, "--shutdown-grace", "5s",
      // Every test client comes from 127.0.0.1 (the per-address limits have
      // their own Go tests), and no metrics listener (its default port
      // would clash between servers).
      "--metrics-addr", "", "--max-conns-per-ip", "0", "--max-http-conns-per-ip", "0", "--handshakes-per-ip", "0"];
    if (ttl) args.push("--token-ttl", ttl);
    if (replayLimit) args.push("--replay-limit", String(replayLimit));
    const proc = spawn(BIN, args, { env: cleanEnv({ LIVEDESK_JWT_SECRET: secret }), stdio: ["ignore", "pipe", "pipe"] });
    running.add(proc);
    const server = new Server(proc, this);
    await server.started;
    return server;
  }

  remove() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// Server is one running `livedesk serve` process.
export class Server {
  constructor(proc, ws) {
    this.proc = proc;
    this.ws = ws;
    this.stderr = "";
    proc.stderr.setEncoding("utf8");
    const logDir = process.env.LIVEDESK_DEBUG_LOG_DIR;
    proc.stderr.on("data", (d) => {
      this.stderr += d;
      if (logDir) appendFileSync(join(logDir, `serve-${proc.pid}.log`), d);
    });
    this.exited = new Promise((resolve) => {
      proc.on("exit", (code, signal) => {
        running.delete(proc);
        resolve({ code, signal });
      });
    });
    this.started = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`livedesk serve did not start in 15s:\n${this.stderr}`)), 15000);
      createInterface({ input: proc.stdout }).on("line", (line) => {
        const m = /^Livedesk listening on (http:\/\/\S+)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          this.url = m[1];
          this.addr = new URL(this.url).host;
          resolve(this);
        }
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`livedesk serve exited (${code ?? signal}) before listening:\n${this.stderr}`));
      });
    });
  }

  // stop sends SIGTERM and waits for a graceful exit.
  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
    this.proc.kill("SIGTERM");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 15000);
    const res = await this.exited;
    clearTimeout(timer);
    return res;
  }

  // api calls the REST API; it resolves with {status, body} whatever the
  // status.
  async api(method, path, { token, body, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h["content-type"] = "application/json";
    const res = await fetch(this.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  }

  // must is api that throws unless the status is 2xx.
  async must(method, path, opts) {
    const res = await this.api(method, path, opts);
    if (res.status < 200 || res.status > 299) {
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  // login returns the session ({token, refreshToken, expiresAt, user}).
  login(email, password = PASSWORD) {
    return this.must("POST", "/api/auth/login", { body: { email, password } });
  }

  createCustomer(token, fields) {
    return this.must("POST", "/api/customers", { token, body: fields });
  }

  // pay records a payment over REST and returns {payment, customer, created}.
  // pay records a payment over REST; like every client, it sends an
  // idempotency key (a fresh one unless given).
  pay(token, customerId, amountCents, { method = "cash", key = randomUUID(), reference } = {}) {
    const headers = { "idempotency-key": key };
    return this.must("POST", "/api/payments", { token, body: { customerId, amountCents, method, reference }, headers });
  }
}

// setup starts a server on a new workspace with one admin and two vendors,
// logged in, each vendor with one customer. Options go to serve.
export async function setup(options = {}) {
  const ws = new Workspace();
  const ids = {
    admin: ws.createUser({ email: "admin@rt.test", role: "admin", name: "Ada Admin" }),
    vendorA: ws.createUser({ email: "vendor-a@rt.test", role: "vendor", name: "Vendor A" }),
    vendorB: ws.createUser({ email: "vendor-b@rt.test", role: "vendor", name: "Vendor B" }),
  };
  const server = await ws.serve(options);
  const [admin, vendorA, vendorB] = await Promise.all([
    server.login("admin@rt.test"),
    server.login("vendor-a@rt.test"),
    server.login("vendor-b@rt.test"),
  ]);
  const customerA = await server.createCustomer(admin.token, { name: "Asha A", vendorId: ids.vendorA });
  const customerB = await server.createCustomer(admin.token, { name: "Bela B", vendorId: ids.vendorB });
  return { ws, server, ids, admin, vendorA, vendorB, customerA, customerB };
}

// suite gives the calling describe block its own setup(options): started
// before its tests and stopped after them, with every socket pushed to
// env.sockets closed. The returned object is filled in by the before hook.
export function suite(options = {}) {
  const env = { sockets: [] };
  before(async () => {
    Object.assign(env, await setup(options));
  });
  after(async () => {
    env.sockets.forEach((s) => s.close());
    await env.server?.stop();
    env.ws?.remove();
  });
  return env;
}

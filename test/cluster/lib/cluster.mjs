// A Livedesk cluster under test: N `livedesk serve` processes on free ports
// sharing one PostgreSQL database, one Redis and one JWT secret, and a
// small REST client.
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { randomBytes } from "node:crypto";
import { children, Database, Redis } from "./services.mjs";

// BIN is the livedesk binary run.sh built.
export const BIN = process.env.LIVEDESK_BIN;
if (!BIN) throw new Error("LIVEDESK_BIN is not set: run test/cluster/run.sh");

export const PASSWORD = "correct-horse-battery";

// cleanEnv is this process's environment without any LIVEDESK_* setting,
// plus extra.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("LIVEDESK_")) env[k] = v;
  return { ...env, ...extra };
}

// Cluster is the shared services and the instances started on them.
export class Cluster {
  static async start({ instances = 3, redis = true, serveArgs = [] } = {}) {
    const c = new Cluster();
    c.db = Database.create();
    c.redis = redis ? await Redis.start() : null;
    c.secret = "cluster-" + randomBytes(16).toString("hex");
    c.serveArgs = serveArgs;
    c.instances = [];
    // The first migrates; the others find nothing to do (and would wait
    // on the migration lock if they started together).
    c.users = {
      admin: c.createUser({ email: "admin@cluster.test", role: "admin", name: "Ada Admin" }),
      vendorA: c.createUser({ email: "vendor-a@cluster.test", role: "vendor", name: "Vendor A" }),
      vendorB: c.createUser({ email: "vendor-b@cluster.test", role: "vendor", name: "Vendor B" }),
    };
    c.instances = await Promise.all(Array.from({ length: instances }, (_, i) => c.serve(`i${i}`)));
    return c;
  }

  createUser({ email, role, name }) {
    const out = execFileSync(
      BIN,
      ["user", "create", "--db", this.db.url, "--email", email, "--password", PASSWORD, "--role", role, "--name", name],
      { env: cleanEnv(), encoding: "utf8" },
    );
    const m = /\(id (\d+)\)/.exec(out);
    if (!m) throw new Error(`user create said: ${out}`);
    return Number(m[1]);
  }

  // serve starts one more instance named id.
  async serve(id, { addr = "127.0.0.1:0" } = {}) {
    const args = ["serve", "--addr", addr, "--db", this.db.url, "--instance-id", id, "--log-level", "warn", "--shutdown-grace", "5s",
      // As in production behind the shipped nginx config (which connects
      // from 127.0.0.1 here). Every test client comes from 127.0.0.1 too,
      // so no per-address limits (they have their own tests), and no
      // metrics listener (its default port would clash between instances).
      "--trusted-proxies", "127.0.0.1/32",
      "--metrics-addr", "", "--max-conns-per-ip", "0", "--max-http-conns-per-ip", "0", "--handshakes-per-ip", "0",
      ...this.serveArgs];
    if (this.redis) args.push("--redis", this.redis.url);
    const proc = spawn(BIN, args, { env: cleanEnv({ LIVEDESK_JWT_SECRET: this.secret }), stdio: ["ignore", "pipe", "pipe"] });
    children.add(proc);
    const inst = new Instance(id, proc);
    await inst.started;
    return inst;
  }

  // settle waits until every live instance has published the whole log,
  // so that a client connecting now receives only later events (one that
  // connects to an instance still behind would also get the ones it has
  // not published yet, which is correct but not what a test counts on).
  async settle(token) {
    const live = this.instances.filter((i) => i.alive);
    const { lastSeq } = await live[0].events(token, 0);
    const end = Date.now() + 10000;
    for (const inst of live) {
      for (;;) {
        const ops = await inst.must("GET", "/api/ops", { token });
        if (ops.cursor >= lastSeq) break;
        if (Date.now() > end) throw new Error(`${inst.id} stuck at seq ${ops.cursor}, log at ${lastSeq}`);
        await sleep(20);
      }
    }
    return lastSeq;
  }

  async stop() {
    await Promise.all(this.instances.map((i) => i.stop()));
    if (this.redis) await this.redis.remove();
    this.db.drop();
  }
}

// Instance is one running `livedesk serve`.
export class Instance {
  constructor(id, proc) {
    this.id = id;
    this.proc = proc;
    this.stderr = "";
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (d) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve) => {
      proc.on("exit", (code, signal) => {
        children.delete(proc);
        resolve({ code, signal });
      });
    });
    this.started = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${id} did not start in 20s:\n${this.stderr}`)), 20000);
      createInterface({ input: proc.stdout }).on("line", (line) => {
        const m = /^Livedesk listening on (http:\/\/\S+)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          this.url = m[1];
          resolve(this);
        }
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${id} exited (${code ?? signal}) before listening:\n${this.stderr}`));
      });
    });
  }

  get alive() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  // kill sends SIGKILL: the instance saves nothing, as in a crash.
  async kill() {
    if (this.alive) this.proc.kill("SIGKILL");
    return this.exited;
  }

  async stop() {
    if (!this.alive) return this.exited;
    this.proc.kill("SIGTERM");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 15000);
    const res = await this.exited;
    clearTimeout(timer);
    return res;
  }

  // api calls the REST API and resolves with {status, body}.
  async api(method, path, { token, body } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    // Every write carries an Idempotency-Key, as a real client's does
    // (payments require one).
    if (method !== "GET") headers["idempotency-key"] = `"${randomBytes(12).toString("hex")}"`;
    const res = await fetch(this.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  }

  async must(method, path, opts) {
    const res = await this.api(method, path, opts);
    if (res.status < 200 || res.status > 299) throw new Error(`${this.id} ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  login(email) {
    return this.must("POST", "/api/auth/login", { body: { email, password: PASSWORD } });
  }

  createCustomer(token, fields) {
    return this.must("POST", "/api/customers", { token, body: fields });
  }

  pay(token, customerId, amountCents) {
    return this.must("POST", "/api/payments", { token, body: { customerId, amountCents, method: "cash" } });
  }

  // events returns every log event after seq visible to the token's user,
  // following the REST cursor page by page.
  async events(token, after = 0) {
    const out = [];
    for (;;) {
      const page = await this.must("GET", `/api/events?after=${after}&limit=1000`, { token });
      out.push(...page.items);
      if (page.items.length < 1000) return { items: out, lastSeq: page.lastSeq };
      after = page.items.at(-1).seq;
    }
  }
}

// percentile returns the p-th percentile (0–100) of sorted numbers.
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(cond, timeout, what) {
  const end = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === "function" ? what() : what}`);
    await sleep(20);
  }
}

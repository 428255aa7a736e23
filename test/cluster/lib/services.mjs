// The shared services of a cluster test: a private redis-server on a free
// port (never the machine's own Redis, which other tests use) and a fresh,
// uniquely named PostgreSQL database, dropped afterwards.
import { spawn, execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

// PG is the server that holds the test databases (trust auth for postgres).
export const PG = { host: "127.0.0.1", port: "5432", user: "postgres", maintenanceDb: "test" };

// children are every process the test file started, killed when it exits.
export const children = new Set();
process.on("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

// freePort asks the kernel for a free TCP port on 127.0.0.1.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// redisPing resolves with true when a Redis answers PING at port.
export function redisPing(port, timeout = 500) {
  return new Promise((resolve) => {
    const sock = createConnection({ host: "127.0.0.1", port });
    const done = (ok) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeout);
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (d) => done(d.toString().startsWith("+PONG")));
    sock.on("error", () => done(false));
  });
}

// Redis is a private redis-server.
export class Redis {
  static async start() {
    const r = new Redis();
    r.port = await freePort();
    r.dir = mkdtempSync(join(tmpdir(), "livedesk-redis-"));
    await r.restart();
    return r;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart() {
    this.proc = spawn(
      "redis-server",
      ["--bind", "127.0.0.1", "--port", String(this.port), "--save", "", "--appendonly", "no", "--dir", this.dir, "--loglevel", "warning"],
      { stdio: "ignore" },
    );
    children.add(this.proc);
    const proc = this.proc;
    proc.on("exit", () => children.delete(proc));
    const end = Date.now() + 5000;
    while (!(await redisPing(this.port))) {
      if (Date.now() > end) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGKILL");
    await exited;
  }

  async remove() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function psql(db, sql) {
  return execFileSync("psql", ["-h", PG.host, "-p", PG.port, "-U", PG.user, "-d", db, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

// Database is a fresh PostgreSQL database of its own.
export class Database {
  static create() {
    const d = new Database();
    d.name = "livedesk_cluster_" + randomBytes(5).toString("hex");
    psql(PG.maintenanceDb, `CREATE DATABASE ${d.name}`);
    // run.sh drops what a killed test run could not.
    if (process.env.LIVEDESK_CLUSTER_DBS) appendFileSync(process.env.LIVEDESK_CLUSTER_DBS, d.name + "\n");
    return d;
  }

  get url() {
    return `postgres://${PG.user}@${PG.host}:${PG.port}/${this.name}?sslmode=disable`;
  }

  // query runs sql in the database and returns psql's unaligned output.
  query(sql) {
    return psql(this.name, sql);
  }

  drop() {
    psql(PG.maintenanceDb, `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }
}

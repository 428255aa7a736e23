// Write → payment:added latency with many connected admins: every client
// receives every payment exactly once and in seq order; the latency is
// measured and reported, and only checked against a generous bound.
//
// LATENCY_CLIENTS (default 100), LATENCY_WRITES (default 1000) and
// LATENCY_CONCURRENCY (REST writers in parallel, default 4) change the load.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { setup } from "./lib/server.mjs";

const CLIENTS = Number(process.env.LATENCY_CLIENTS || 100);
const WRITES = Number(process.env.LATENCY_WRITES || 1000);
const CONCURRENCY = Number(process.env.LATENCY_CONCURRENCY || 4);
const WORKERS = 4;
// A sanity bound, not a target: a write must not take seconds to show.
const MAX_LATENCY_MS = 2000;

const now = () => performance.timeOrigin + performance.now();

describe(`latency: ${CLIENTS} admin clients, ${WRITES} REST payments`, () => {
  let env;
  const workers = [];
  before(async () => {
    env = await setup();
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
    await env?.server.stop();
    env?.ws.remove();
  });

  it("every client receives every payment:added once, in seq order, promptly", async () => {
    const { server, admin, ids } = env;
    const customers = [];
    for (let i = 0; i < 10; i++) {
      const vendorId = i % 2 ? ids.vendorA : ids.vendorB;
      customers.push(await server.createCustomer(admin.token, { name: `Latency ${i}`, vendorId }));
    }

    // The clients, spread over worker threads.
    const disconnects = [];
    const ready = [];
    for (let w = 0; w < WORKERS; w++) {
      const n = Math.floor(CLIENTS / WORKERS) + (w < CLIENTS % WORKERS ? 1 : 0);
      const worker = new Worker(new URL("./lib/latency-worker.mjs", import.meta.url), {
        workerData: { url: server.url, token: admin.token, clients: n },
      });
      workers.push(worker);
      worker.on("message", (m) => m.type === "disconnect" && disconnects.push(m.reason));
      ready.push(
        new Promise((resolve, reject) => {
          worker.on("message", (m) => m.type === "ready" && resolve());
          worker.once("error", reject);
        }),
      );
    }
    await Promise.all(ready);

    // The writes: CONCURRENCY writers take the next payment in turn.
    const sentAt = new Map(); // idempotency key → when the request left
    const restMs = [];
    const paymentIds = new Set();
    let nextIndex = 0;
    const t0 = now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextIndex < WRITES) {
          const i = nextIndex++;
          const key = `latency-${i}`;
          const c = customers[i % customers.length];
          const start = now();
          sentAt.set(key, start);
          const res = await server.pay(admin.token, c.id, 100 + (i % 50), { key, method: "upi" });
          restMs.push(now() - start);
          assert.equal(res.created, true);
          paymentIds.add(res.payment.id);
        }
      }),
    );
    const writeSeconds = (now() - t0) / 1000;

    const results = await Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve) => {
            w.on("message", (m) => m.type === "result" && resolve(m.received));
            w.postMessage({ type: "collect", expect: WRITES, timeout: 20000 });
          }),
      ),
    );
    const perClient = results.flat();
    assert.equal(perClient.length, CLIENTS);

    const latencies = [];
    let total = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let missing = 0;
    let unknown = 0;
    for (const log of perClient) {
      total += log.length;
      const seen = new Set();
      let lastSeq = 0;
      for (const [seq, id, key, at] of log) {
        if (seen.has(id)) duplicates++;
        seen.add(id);
        if (seq <= lastSeq) outOfOrder++;
        lastSeq = seq;
        if (!paymentIds.has(id) || !sentAt.has(key)) unknown++;
        else latencies.push(at - sentAt.get(key));
      }
      missing += [...paymentIds].filter((id) => !seen.has(id)).length;
    }
    latencies.sort((a, b) => a - b);
    restMs.sort((a, b) => a - b);
    const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
    const f = (ms) => `${ms.toFixed(1)} ms`;
    const report = [
      `realtime latency: ${CLIENTS} admin clients (websocket), ${WRITES} REST payments, ${CONCURRENCY} concurrent writers`,
      `  writes: ${writeSeconds.toFixed(1)} s (${(WRITES / writeSeconds).toFixed(0)}/s), REST p50 ${f(q(restMs, 0.5))} p99 ${f(q(restMs, 0.99))}`,
      `  received ${total} of ${CLIENTS * WRITES} payment:added; duplicates ${duplicates}, out of order ${outOfOrder}, missing ${missing}, unknown ${unknown}, disconnects ${disconnects.length}`,
      `  write → payment:added: p50 ${f(q(latencies, 0.5))}  p90 ${f(q(latencies, 0.9))}  p99 ${f(q(latencies, 0.99))}  max ${f(latencies.at(-1))}`,
    ].join("\n");
    console.log(report);

    assert.equal(disconnects.length, 0, `clients disconnected: ${disconnects}`);
    assert.equal(paymentIds.size, WRITES);
    assert.equal(duplicates, 0, "no duplicates");
    assert.equal(outOfOrder, 0, "seq order per client");
    assert.equal(missing, 0, "no loss");
    assert.equal(unknown, 0);
    assert.equal(total, CLIENTS * WRITES);
    assert.ok(latencies.at(-1) < MAX_LATENCY_MS, `max latency ${latencies.at(-1)} ms under ${MAX_LATENCY_MS} ms`);
  });
});

// Three instances on one PostgreSQL and one Redis: every client receives
// every event it is entitled to, exactly once and in seq order, whichever
// instance it is connected to and whichever instance took the write; and
// the cross-instance write→event latency.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Cluster, percentile, sleep, until } from "./lib/cluster.mjs";
import { Client, connectAll, now } from "./lib/client.mjs";

let c, urls, admin, vendorA, vendorB, customers;

before(async () => {
  c = await Cluster.start({ instances: 3 });
  urls = c.instances.map((i) => i.url);
  [admin, vendorA, vendorB] = await Promise.all([
    c.instances[0].login("admin@cluster.test"),
    c.instances[1].login("vendor-a@cluster.test"),
    c.instances[2].login("vendor-b@cluster.test"),
  ]);
  customers = [];
  for (const [vendorId, name] of [
    [c.users.vendorA, "Asha A"],
    [c.users.vendorA, "Arun A"],
    [c.users.vendorB, "Bela B"],
    [c.users.vendorB, "Bram B"],
  ]) {
    customers.push(await c.instances[customers.length % 3].createCustomer(admin.token, { name, vendorId }));
  }
});

after(async () => {
  await c?.stop();
});

// lastSeq is the end of the log, once every instance has published it.
function lastSeq() {
  return c.settle(admin.token);
}

test("every client gets every event it may see, exactly once, in seq order, with concurrent writes on every instance", async () => {
  const s0 = await lastSeq();
  const clients = [];
  const make = (token, role, per) => {
    for (let k = 0; k < per * 3; k++) {
      const cl = new Client({ urls, start: k % 3, token });
      cl.role = role;
      clients.push(cl);
    }
  };
  make(admin.token, "admin", 10);
  make(vendorA.token, "vendorA", 3);
  make(vendorB.token, "vendorB", 3);
  await connectAll(clients);
  try {
    await exactlyOnce(clients, s0);
  } finally {
    clients.forEach((cl) => cl.close());
  }
});

async function exactlyOnce(clients, s0) {
  // Three concurrent writers on each instance: transactions on different
  // instances race for the next seq.
  const perWriter = 40;
  const writers = [];
  for (const inst of c.instances) {
    for (let w = 0; w < 3; w++) {
      writers.push(
        (async () => {
          for (let k = 0; k < perWriter; k++) {
            const cust = customers[(w + k) % customers.length];
            await inst.pay(admin.token, cust.id, 100 + k);
          }
        })(),
      );
    }
  }
  await Promise.all(writers);
  const writes = writers.length * perWriter;

  const all = (await c.instances[1].events(admin.token, s0)).items;
  assert.equal(all.length, writes, "the log holds one event per write");
  const expect = {
    admin: all.map((e) => e.seq),
    vendorA: all.filter((e) => e.vendorId === c.users.vendorA).map((e) => e.seq),
    vendorB: all.filter((e) => e.vendorId === c.users.vendorB).map((e) => e.seq),
  };
  // The log itself has no hole: seqs are consecutive (commit order).
  for (let k = 1; k < expect.admin.length; k++) assert.equal(expect.admin[k], expect.admin[k - 1] + 1, "consecutive seqs in the log");

  await until(
    () => clients.every((cl) => cl.seqs().length >= expect[cl.role].length),
    30000,
    () => `every client to receive its events (${clients.filter((cl) => cl.seqs().length < expect[cl.role].length).length} short)`,
  );
  await sleep(500); // a duplicate would arrive now

  const totals = { clients: clients.length, writes, expected: 0, received: 0, lost: 0, duplicated: 0, outOfOrder: 0, unexpected: 0 };
  for (const cl of clients) {
    const r = cl.check(expect[cl.role]);
    const p = cl.check(expect[cl.role], "payment:added");
    totals.expected += expect[cl.role].length * 2;
    for (const k of ["received", "lost", "duplicated", "outOfOrder", "unexpected"]) totals[k] += r[k] + p[k];
    assert.deepEqual(cl.seqs(), expect[cl.role], `${cl.role} on ${urls[cl.index]}: activity:updated seqs`);
    assert.deepEqual(cl.seqs("payment:added"), expect[cl.role], `${cl.role} on ${urls[cl.index]}: payment:added seqs`);
  }
  console.log(`# exactly-once: ${JSON.stringify(totals)}`);
  assert.equal(totals.received, totals.expected);

  // Stats: each instance computes them after reading the shared log; the
  // last stats:updated on every instance matches the database.
  // (Without "at", the time each was computed.)
  const figures = (st) => JSON.stringify({ ...st, at: undefined });
  const want = figures(await c.instances[2].must("GET", "/api/stats", { token: admin.token }));
  const admins = clients.filter((cl) => cl.role === "admin");
  await until(() => admins.every((cl) => figures(cl.lastStats) === want), 5000, () => {
    const bad = admins.find((cl) => figures(cl.lastStats) !== want);
    return `every admin's last stats:updated to match GET /api/stats\n got  ${figures(bad?.lastStats)}\n want ${want}`;
  });
}

test("cross-instance write→event latency", async () => {
  await lastSeq();
  const clients = [];
  for (let k = 0; k < 30; k++) clients.push(new Client({ urls, start: k % 3, token: admin.token }));
  await connectAll(clients);
  try {
    await latency(clients);
  } finally {
    clients.forEach((cl) => cl.close());
  }
});

async function latency(clients) {
  const writes = 1000;
  const sent = new Map(); // payment id → {t, instance}
  for (let k = 0; k < writes; k++) {
    const w = k % 3;
    const t = now();
    const res = await c.instances[w].pay(admin.token, customers[k % customers.length].id, 500 + k);
    sent.set(res.payment.id, { t, instance: w });
    await sleep(5);
  }
  await until(() => clients.every((cl) => cl.seqs("payment:added").length >= writes), 20000, "every payment to arrive");

  const cross = [];
  const same = [];
  for (const cl of clients) {
    for (const e of cl.log) {
      if (e.name !== "payment:added") continue;
      const s = sent.get(e.payment);
      if (!s) continue;
      (s.instance === e.instance ? same : cross).push(e.t - s.t);
    }
  }
  cross.sort((a, b) => a - b);
  same.sort((a, b) => a - b);
  const fmt = (v) => `${v.toFixed(1)}ms`;
  console.log(
    `# latency write→event over ${writes} writes, ${clients.length} clients: cross-instance p50 ${fmt(percentile(cross, 50))} p99 ${fmt(percentile(cross, 99))} (n=${cross.length}); same instance p50 ${fmt(percentile(same, 50))} p99 ${fmt(percentile(same, 99))} (n=${same.length})`,
  );
  assert.equal(cross.length, (writes * clients.length * 2) / 3);
  // Without the Redis wake-up the other instances would find a write at
  // their next 1 s poll: a median near 500 ms.
  assert.ok(percentile(cross, 50) < 250, `cross-instance p50 ${percentile(cross, 50)}ms, want < 250ms (are commit wake-ups crossing Redis?)`);
}

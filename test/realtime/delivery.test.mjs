// A REST write reaches every connected admin as payment:added,
// activity:updated and stats:updated, with the payloads of docs/events.md;
// GET /api/events returns the very events the socket delivered.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, suite } from "./lib/server.mjs";
import { connect, named, until } from "./lib/socket.mjs";

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe("a REST payment reaches every admin", () => {
  let env, admin2;
  const sockets = [];
  before(async () => {
    env = await setup();
    env.ws.createUser({ email: "admin2@rt.test", role: "admin", name: "Bo Admin" });
    admin2 = await env.server.login("admin2@rt.test");
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await env?.server.stop();
    env?.ws.remove();
  });

  it("as payment:added, activity:updated and stats:updated with the documented payloads", async () => {
    const { server, admin, customerA, ids } = env;
    // Two tabs of one admin and another admin, over WebSocket and polling.
    const clients = await Promise.all([
      connect(server.url, admin.token),
      connect(server.url, admin.token, { transports: ["polling"] }),
      connect(server.url, admin2.token),
    ]);
    sockets.push(...clients);
    // Each new socket gets fresh figures first.
    await until(() => clients.every((c) => named(c.log, "stats:updated").length >= 1), 5000, () => "initial stats");
    const before = clients.map((c) => c.log.length);

    const res = await server.pay(admin.token, customerA.id, 4500, { method: "upi", key: "delivery-1" });
    assert.equal(res.created, true);
    assert.deepEqual(res.customer, { id: customerA.id, balanceCents: customerA.balanceCents - 4500 });

    for (const [i, c] of clients.entries()) {
      await until(
        () => c.log.slice(before[i]).some((e) => e.name === "stats:updated" && e.payload.stats.seq >= seqOf(c)),
        5000,
        () => `client ${i}: payment:added, activity:updated and stats:updated, got ${JSON.stringify(c.log.slice(before[i]).map((e) => e.name))}`,
      );
      const got = c.log.slice(before[i]);
      const pay = named(got, "payment:added");
      // (The user made by `livedesk user create` in another process may
      // show up here too: the hub polls for commits it was not told of.)
      const act = named(got, "activity:updated").filter((e) => e.payload.entry.entity === "payment");
      assert.equal(pay.length, 1, `client ${i}: one payment:added`);
      assert.equal(act.length, 1, `client ${i}: one activity:updated`);

      // payment:added {seq, at, payment, customer: {id, balanceCents}}
      const p = pay[0].payload;
      assert.deepEqual(Object.keys(p).sort(), ["at", "customer", "payment", "seq"]);
      assert.ok(Number.isInteger(p.seq) && p.seq > 0, `seq ${p.seq}`);
      assert.match(p.at, RFC3339_UTC);
      assert.deepEqual(p.payment, res.payment, "the payment as the REST API answered it");
      assert.deepEqual(p.customer, res.customer, "customer {id, balanceCents} after the payment");
      assert.deepEqual(Object.keys(p.customer).sort(), ["balanceCents", "id"]);

      // activity:updated {seq, at, entry} with the same seq, after the entity event.
      const a = act[0].payload;
      assert.deepEqual(Object.keys(a).sort(), ["at", "entry", "seq"]);
      assert.equal(a.seq, p.seq);
      assert.equal(a.at, p.at);
      assert.ok(got.indexOf(act[0]) > got.indexOf(pay[0]), "activity:updated follows payment:added");
      const entry = a.entry;
      for (const k of ["seq", "at", "actorId", "actorName", "action", "entity", "entityId", "vendorId", "summary"]) {
        assert.ok(k in entry, `entry.${k} in ${JSON.stringify(entry)}`);
      }
      assert.equal(entry.seq, p.seq);
      assert.equal(entry.at, p.at);
      assert.equal(entry.actorId, ids.admin);
      assert.equal(entry.actorName, "Ada Admin");
      assert.equal(entry.entity, "payment");
      assert.equal(entry.entityId, res.payment.id);
      assert.equal(entry.vendorId, ids.vendorA);
      assert.equal(typeof entry.summary, "string");
      assert.ok(entry.summary.length > 0);

      // Recovery offsets name the message within the log's epoch: "EPOCH:SEQ-PART".
      const stats = await server.must("GET", "/api/stats", { token: admin.token });
      assert.equal(pay[0].offset, `${stats.epoch}:${p.seq}-0`);
      assert.equal(act[0].offset, `${stats.epoch}:${p.seq}-1`);

      // stats:updated {stats, at}, with figures that include the payment.
      const st = named(got, "stats:updated").at(-1).payload;
      assert.deepEqual(Object.keys(st).sort(), ["at", "stats"]);
      assert.match(st.at, RFC3339_UTC);
      assert.ok(st.stats.seq >= p.seq, `stats.seq ${st.stats.seq} >= ${p.seq}`);
      assert.ok(st.stats.paymentsToday >= 1, JSON.stringify(st.stats));
      assert.ok(st.stats.paymentsTodayCents >= 4500, JSON.stringify(st.stats));
      const rest = await server.must("GET", "/api/stats", { token: admin.token });
      assert.deepEqual({ ...st.stats, at: undefined }, { ...rest, at: undefined }, "the socket's figures are the REST API's");
    }

    function seqOf(c) {
      return named(c.log, "payment:added").at(-1)?.payload.seq ?? Infinity;
    }
  });

  it("stats:updated is coalesced under a burst and its seq never goes backwards", async () => {
    const { server, admin, customerA } = env;
    const c = await connect(server.url, admin.token);
    sockets.push(c);
    await until(() => named(c.log, "stats:updated").length >= 1);
    const from = c.log.length;
    const t0 = Date.now();
    const writes = [];
    for (let i = 0; i < 60; i++) writes.push(server.pay(admin.token, customerA.id, 100, { key: `burst-${i}` }));
    const results = await Promise.all(writes);
    const last = Math.max(...results.map((r) => r.payment.id));
    await until(() => named(c.log.slice(from), "payment:added").length === 60, 10000, () => "60 payment:added");
    const lastSeq = named(c.log, "payment:added").at(-1).payload.seq;
    await until(() => named(c.log, "stats:updated").at(-1).payload.stats.seq >= lastSeq, 5000, () => "stats after the burst");
    const elapsed = (Date.now() - t0) / 1000;
    const stats = named(c.log.slice(from), "stats:updated");
    const seqs = stats.map((e) => e.payload.stats.seq);
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] >= seqs[i - 1], `stats seq went backwards: ${seqs}`);
    // At most a few per second (300 ms interval), plus one to settle.
    assert.ok(stats.length <= Math.ceil(elapsed * 4) + 2, `${stats.length} stats:updated in ${elapsed}s`);
    assert.ok(last > 0);
  });
});

describe("GET /api/events shares the socket's cursor", () => {
  const env = suite();
  const { sockets } = env;

  it("returns the same events, with the same seqs, as the socket delivered, for an admin and for a vendor", async () => {
    const { server, admin, vendorA, customerA, customerB, ids } = env;
    const adminSock = await connect(server.url, admin.token);
    const vendorSock = await connect(server.url, vendorA.token);
    sockets.push(adminSock, vendorSock);
    const start = (await server.must("GET", "/api/events?limit=1000", { token: admin.token })).lastSeq;

    // Every kind of change, for both vendors.
    const c = await server.createCustomer(admin.token, { name: "Chitra A", vendorId: ids.vendorA });
    await server.createCustomer(admin.token, { name: "Dev B", vendorId: ids.vendorB });
    await server.must("PATCH", `/api/customers/${customerA.id}`, { token: admin.token, body: { address: "1 New Road" } });
    await server.must("PATCH", `/api/customers/${customerA.id}`, { token: vendorA.token, body: { status: "paused" } });
    const d = await server.must("POST", "/api/deliveries", {
      token: vendorA.token,
      body: { customerId: c.id, scheduledFor: today(), items: "Milk 1L", quantity: 1, amountCents: 3000 },
    });
    await server.must("PATCH", `/api/deliveries/${d.id}`, { token: admin.token, body: { status: "out_for_delivery" } });
    await server.must("PATCH", `/api/deliveries/${d.id}`, { token: admin.token, body: { status: "delivered" } });
    await server.pay(admin.token, c.id, 1000);
    await server.pay(admin.token, customerB.id, 2000);
    await server.pay(vendorA.token, customerA.id, 500, { method: "card" });

    for (const [who, sock, token] of [
      ["admin", adminSock, admin.token],
      ["vendor", vendorSock, vendorA.token],
    ]) {
      const rest = await server.must("GET", `/api/events?after=${start}&limit=1000`, { token });
      const restSeqs = rest.items.map((e) => e.seq);
      await until(
        () => named(sock.log, "activity:updated").filter((e) => e.payload.seq > start).length >= restSeqs.length,
        5000,
        () => `${who}: ${restSeqs.length} activity:updated`,
      );
      const acts = named(sock.log, "activity:updated").filter((e) => e.payload.seq > start);
      assert.deepEqual(acts.map((e) => e.payload.seq), restSeqs, `${who}: same seqs over the socket and REST`);
      assert.ok(restSeqs.length >= (who === "admin" ? 9 : 5), `${who}: ${restSeqs.length} events`);
      assert.ok(rest.lastSeq >= restSeqs.at(-1));
      // The same entries and the same entity payloads.
      for (const [i, e] of rest.items.entries()) {
        // Activity entries carry their event's payload (the dashboard
        // formats amounts and days from it), so the entry is the whole event.
        const { payload } = e;
        assert.deepEqual(acts[i].payload.entry, e, `${who}: activity entry of seq ${e.seq}`);
        if (e.action === "payment.added") {
          const p = named(sock.log, "payment:added").find((m) => m.payload.seq === e.seq);
          assert.ok(p, `${who}: payment:added of seq ${e.seq}`);
          assert.deepEqual(p.payload.payment, payload.payment);
          assert.deepEqual(p.payload.customer, payload.customer);
        }
        if (e.entity === "delivery") {
          const m = named(sock.log, "delivery:updated").find((m) => m.payload.seq === e.seq);
          assert.ok(m, `${who}: delivery:updated of seq ${e.seq}`);
          assert.deepEqual(m.payload.delivery, payload.delivery);
          assert.equal(m.payload.previousStatus, payload.previousStatus ?? "");
          assert.deepEqual(Object.keys(m.payload).sort(), ["at", "delivery", "previousStatus", "seq"]);
        }
        if (e.entity === "customer") {
          const m = named(sock.log, "customer:updated").find((m) => m.payload.seq === e.seq);
          assert.ok(m, `${who}: customer:updated of seq ${e.seq}`);
          assert.deepEqual(m.payload.customer, payload.customer);
          const change = { "customer.created": "created", "customer.updated": "updated", "customer.status": "status" }[e.action];
          assert.equal(m.payload.change, change, `${who}: change of ${e.action}`);
          assert.deepEqual(Object.keys(m.payload).sort(), ["at", "change", "customer", "seq"]);
        }
      }
      // Polling in pages with the cursor gives the same list.
      const paged = [];
      let after = start;
      for (;;) {
        const page = await server.must("GET", `/api/events?after=${after}&limit=2`, { token });
        paged.push(...page.items.map((e) => e.seq));
        if (page.items.length < 2) break;
        after = page.lastSeq;
      }
      assert.deepEqual(paged, restSeqs, `${who}: paging with lastSeq`);
    }
  });
});

describe("GET /api/events and the socket agree on a vendor's own account changes", () => {
  const env = suite();
  const { sockets } = env;

  // docs/events.md: account events are for admins only, over REST and the
  // socket alike, so a vendor's renaming shows up in neither.
  it("a vendor renamed by an admin", async () => {
    const { server, admin, vendorA, ids } = env;
    const s = await connect(server.url, vendorA.token);
    sockets.push(s);
    const start = (await server.must("GET", "/api/events?after=0&limit=1000", { token: vendorA.token })).lastSeq;
    await server.must("PATCH", `/api/users/${ids.vendorA}`, { token: admin.token, body: { name: "Vendor A renamed" } });
    await server.pay(admin.token, env.customerA.id, 100);
    await until(() => named(s.log, "payment:added").length === 1);
    const rest = (await server.must("GET", `/api/events?after=${start}&limit=1000`, { token: vendorA.token })).items.map((e) => e.seq);
    const socket = named(s.log, "activity:updated").map((e) => e.payload.seq);
    assert.deepEqual(socket, rest);
  });
});

function today() {
  return new Date().toISOString().slice(0, 10);
}

// Vendor isolation: a vendor socket never receives another vendor's event,
// live or replayed after a reconnect; admins receive both vendors' events.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, today } from "./lib/server.mjs";
import { ack, connect, connected, named, next, sleep, until } from "./lib/socket.mjs";

// Log events and the vendor each one is about.
const LOG_EVENTS = ["payment:added", "delivery:updated", "customer:updated", "activity:updated", "user:updated"];

function vendorOf(e, customerVendor) {
  const p = e.payload;
  switch (e.name) {
    case "payment:added": {
      assert.equal(customerVendor.get(p.customer.id), p.payment.vendorId, `payment's customer belongs to its vendor: ${JSON.stringify(p)}`);
      assert.equal(p.customer.id, p.payment.customerId);
      return p.payment.vendorId;
    }
    case "delivery:updated":
      assert.equal(customerVendor.get(p.delivery.customerId), p.delivery.vendorId);
      return p.delivery.vendorId;
    case "customer:updated":
      return p.customer.vendorId;
    case "activity:updated":
      return p.entry.vendorId;
    default:
      return undefined;
  }
}

describe("vendor isolation", () => {
  let env;
  const sockets = [];
  const customerVendor = new Map(); // customer id → vendor id
  before(async () => {
    env = await setup();
    customerVendor.set(env.customerA.id, env.ids.vendorA);
    customerVendor.set(env.customerB.id, env.ids.vendorB);
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await env?.server.stop();
    env?.ws.remove();
  });

  // writes makes every kind of change for both vendors, by the admin and by
  // each vendor itself, and returns the number of log events it made per
  // vendor.
  async function writes(tag) {
    const { server, admin, vendorA, vendorB, ids } = env;
    const count = { [ids.vendorA]: 0, [ids.vendorB]: 0 };
    for (const [vendorId, vendor] of [
      [ids.vendorA, vendorA],
      [ids.vendorB, vendorB],
    ]) {
      const byAdmin = await server.createCustomer(admin.token, { name: `${tag} by admin`, vendorId });
      const own = await server.createCustomer(vendor.token, { name: `${tag} own` });
      assert.equal(own.vendorId, vendorId);
      customerVendor.set(byAdmin.id, vendorId).set(own.id, vendorId);
      await server.must("PATCH", `/api/customers/${own.id}`, { token: vendor.token, body: { status: "paused" } });
      const d = await server.must("POST", "/api/deliveries", {
        token: admin.token,
        body: { customerId: byAdmin.id, scheduledFor: today(), items: "Eggs", quantity: 12, amountCents: 1200 },
      });
      await server.must("PATCH", `/api/deliveries/${d.id}`, { token: vendor.token, body: { status: "out_for_delivery" } });
      await server.must("PATCH", `/api/deliveries/${d.id}`, { token: admin.token, body: { status: "delivered" } });
      await server.pay(admin.token, byAdmin.id, 700);
      await server.pay(vendor.token, byAdmin.id, 500, { method: "card" });
      count[vendorId] += 8;
    }
    // Admin-only changes: a user is created and renamed.
    const u = await server.must("POST", "/api/users", {
      token: admin.token,
      body: { email: `${tag}@rt.test`, name: `Vendor ${tag}`, role: "vendor", password: "long-enough-password" },
    });
    await server.must("PATCH", `/api/users/${u.id}`, { token: admin.token, body: { name: `Vendor ${tag} renamed` } });
    return count;
  }

  function checkVendorLog(who, log, vendorId, expected) {
    let n = 0;
    for (const e of log) {
      assert.ok(!["user:updated", "presence:updated"].includes(e.name), `${who} must not receive ${e.name}`);
      if (!LOG_EVENTS.includes(e.name)) continue;
      const v = vendorOf(e, customerVendor);
      assert.equal(v, vendorId, `${who} received another vendor's ${e.name}: ${JSON.stringify(e.payload)}`);
      if (e.name === "activity:updated") n++;
    }
    assert.equal(n, expected, `${who}: activity:updated count`);
  }

  it("live: each vendor gets exactly its own events, admins get both", async () => {
    const { server, admin, vendorA, vendorB, ids } = env;
    const a = await connect(server.url, vendorA.token);
    const b = await connect(server.url, vendorB.token, { transports: ["polling"] });
    const adm = await connect(server.url, admin.token);
    sockets.push(a, b, adm);
    const start = (await server.must("GET", "/api/events?after=0&limit=1000", { token: admin.token })).lastSeq;

    const count = await writes("live");
    const total = (await server.must("GET", `/api/events?after=${start}&limit=1000`, { token: admin.token })).items.length;
    assert.equal(total, count[ids.vendorA] + count[ids.vendorB] + 2, "two user events");

    await until(() => named(adm.log, "activity:updated").length >= total, 5000, () => "admin events");
    await until(() => named(a.log, "activity:updated").length >= count[ids.vendorA], 5000, () => "vendor A events");
    await until(() => named(b.log, "activity:updated").length >= count[ids.vendorB], 5000, () => "vendor B events");
    await sleep(500); // anything that should not come would come now

    checkVendorLog("vendor A", a.log, ids.vendorA, count[ids.vendorA]);
    checkVendorLog("vendor B", b.log, ids.vendorB, count[ids.vendorB]);

    // The admin saw both vendors' events and the user events.
    const adminVendors = new Set(named(adm.log, "payment:added").map((e) => e.payload.payment.vendorId));
    assert.deepEqual([...adminVendors].sort(), [ids.vendorA, ids.vendorB].sort());
    assert.equal(named(adm.log, "activity:updated").length, total);
    assert.equal(named(adm.log, "user:updated").length, 2);

    // A vendor's figures are its own, as the REST API computes them.
    await sleep(400);
    for (const [who, s, token] of [
      ["vendor A", a, vendorA.token],
      ["vendor B", b, vendorB.token],
    ]) {
      const last = named(s.log, "stats:updated").at(-1).payload.stats;
      const rest = await server.must("GET", "/api/stats", { token });
      // stats.seq may lag behind: events the vendor does not see (another
      // vendor's, admin-only) move no figure of its own.
      assert.deepEqual({ ...last, at: undefined, seq: undefined }, { ...rest, at: undefined, seq: undefined }, `${who}: own stats`);
      assert.ok(last.seq <= rest.seq);
    }
    const adminStats = named(adm.log, "stats:updated").at(-1).payload.stats;
    const vendorAStats = named(a.log, "stats:updated").at(-1).payload.stats;
    assert.ok(adminStats.paymentsToday > vendorAStats.paymentsToday, "admins' figures cover both vendors");
  });

  it("replayed: a vendor that was away is replayed only its own events", async () => {
    const { server, admin, vendorA, ids } = env;
    const a = await connect(server.url, vendorA.token);
    const adm = await connect(server.url, admin.token);
    sockets.push(a, adm);
    await server.pay(admin.token, env.customerA.id, 100);
    await until(() => named(a.log, "payment:added").length === 1, 5000, () => "first payment");
    const from = a.log.length;

    const gone = next(a, "disconnect");
    a.io.engine.close();
    await gone;
    const count = await writes("away");
    // A change of its own account is in its log (GET /api/events) but, as
    // user:updated is for admins only, never on its socket, live or replayed.
    await server.must("PATCH", `/api/users/${ids.vendorA}`, { token: env.admin.token, body: { name: "Vendor A (renamed)" } });
    await connected(a);
    assert.equal(a.recovered, true);
    await until(() => named(a.log.slice(from), "activity:updated").length >= count[ids.vendorA], 5000, () => "replay");
    await sleep(500);
    checkVendorLog("vendor A (replayed)", a.log.slice(from), ids.vendorA, count[ids.vendorA]);
  });

  it("a vendor cannot act on another vendor's records over the socket", async () => {
    const { server, vendorA, customerB } = env;
    const a = await connect(server.url, vendorA.token);
    sockets.push(a);
    const res = await ack(a, "payment:add", { customerId: customerB.id, amountCents: 100, method: "cash", idempotencyKey: "cross-1" });
    assert.equal(res.ok, false);
    assert.equal(res.error.code, "NOT_FOUND", JSON.stringify(res));
    const b = await server.must("GET", `/api/customers/${customerB.id}`, { token: env.admin.token });
    assert.equal(b.balanceCents, customerB.balanceCents, "nothing was credited");

    // Idempotency keys belong to their user: vendor B using vendor A's key
    // never gets A's payment; for A's customer it is NOT_FOUND, for its own
    // customer it records its own payment.
    const pb = await connect(server.url, env.vendorB.token);
    sockets.push(pb);
    const mine = await ack(a, "payment:add", { customerId: env.customerA.id, amountCents: 300, method: "cash", idempotencyKey: "vendor-a-key" });
    assert.equal(mine.ok, true, JSON.stringify(mine));
    const onA = await ack(pb, "payment:add", { customerId: env.customerA.id, amountCents: 300, method: "cash", idempotencyKey: "vendor-a-key" });
    assert.equal(onA.ok, false, JSON.stringify(onA));
    assert.equal(onA.error.code, "NOT_FOUND", JSON.stringify(onA));
    const onB = await ack(pb, "payment:add", { customerId: customerB.id, amountCents: 300, method: "cash", idempotencyKey: "vendor-a-key" });
    assert.equal(onB.ok, true, JSON.stringify(onB));
    assert.equal(onB.data.payment.customerId, customerB.id);
    for (const other of [onA, onB]) {
      assert.ok(!JSON.stringify(other).includes(`"id":${mine.data.payment.id},`), "no trace of the other vendor's payment");
    }
  });
});

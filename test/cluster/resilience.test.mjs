// Cross-instance behaviour beyond the event log: presence of admins on
// several instances, suspending a user disconnects its sockets on every
// instance, and a Redis outage (delivery continues from the log, /readyz
// reports it, and everything resumes when Redis is back).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { Cluster, sleep, until } from "./lib/cluster.mjs";

let c, admin, customer;
const sockets = [];

before(async () => {
  c = await Cluster.start({ instances: 3 });
  c.users.admin2 = c.createUser({ email: "admin2@cluster.test", role: "admin", name: "Bo Admin" });
  admin = await c.instances[0].login("admin@cluster.test");
  customer = await c.instances[0].createCustomer(admin.token, { name: "Resilient", vendorId: c.users.vendorA });
});

after(async () => {
  sockets.forEach((s) => s.close());
  await c?.stop();
});

// open connects to an instance and records presence, errors, payments and
// the disconnect reason.
function open(inst, token, extra = {}) {
  const s = io(inst.url, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token }, ...extra });
  s.presence = [];
  s.errs = [];
  s.payments = [];
  s.on("presence:updated", (p) => s.presence.push(p.admins.map((a) => a.name).sort()));
  s.on("error", (e) => s.errs.push(e.code));
  s.on("payment:added", (p) => s.payments.push(p.payment.id));
  s.on("disconnect", (reason) => (s.reason = reason));
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", (err) => reject(err));
  });
}

test("presence:updated lists the admins of every instance", async () => {
  const admin2 = await c.instances[2].login("admin2@cluster.test");
  const a = await open(c.instances[0], admin.token);
  await until(() => a.presence.some((p) => p.join() === "Ada Admin"), 5000, "Ada alone");
  const b = await open(c.instances[2], admin2.token);
  const both = "Ada Admin,Bo Admin";
  await until(() => a.presence.at(-1)?.join() === both && b.presence.at(-1)?.join() === both, 5000, () => `both admins on both instances (a: ${a.presence.at(-1)}, b: ${b.presence.at(-1)})`);
  b.close();
  await until(() => a.presence.at(-1)?.join() === "Ada Admin", 5000, () => `Bo gone on i0 (a: ${a.presence.at(-1)})`);
  a.close();
});

test("suspending a user disconnects its sockets on every instance", async () => {
  c.users.vendorC = c.createUser({ email: "vendor-c@cluster.test", role: "vendor", name: "Vendor C" });
  const vendorC = await c.instances[1].login("vendor-c@cluster.test");
  const vs = await Promise.all(c.instances.map((inst) => open(inst, vendorC.token)));
  await c.instances[1].must("PATCH", `/api/users/${c.users.vendorC}`, { token: admin.token, body: { status: "suspended" } });
  await until(() => vs.every((s) => !s.connected), 5000, () => `every socket of the suspended vendor to be disconnected (${vs.filter((s) => s.connected).length} left)`);
  for (const s of vs) assert.equal(s.reason, "io server disconnect");
});

test("without Redis, events still flow from the log and /readyz says so; all resumes after", async () => {
  const a = await open(c.instances[0], admin.token);
  const b = await open(c.instances[2], admin.token);
  await c.redis.stop();
  // Every instance notices, and says it is not ready.
  for (const inst of c.instances) {
    let status = 0;
    const end = Date.now() + 8000;
    while (Date.now() < end && status !== 503) {
      status = (await inst.api("GET", "/readyz")).status;
      if (status !== 503) await sleep(100);
    }
    assert.equal(status, 503, `${inst.id} /readyz without Redis`);
  }
  // A write on i1 reaches clients on i0 and i2: each instance reads the
  // shared log (at its poll, without the Redis wake-up).
  const t0 = Date.now();
  const during = await c.instances[1].pay(admin.token, customer.id, 777);
  await until(() => a.payments.includes(during.payment.id) && b.payments.includes(during.payment.id), 5000, "the payment made during the outage");
  const outageLatency = Date.now() - t0;

  await c.redis.restart();
  for (const inst of c.instances) {
    let status = 0;
    const end = Date.now() + 8000;
    while (Date.now() < end && status !== 200) {
      status = (await inst.api("GET", "/readyz")).status;
      if (status !== 200) await sleep(100);
    }
    assert.equal(status, 200, `${inst.id} /readyz after Redis is back`);
  }
  // Wake-ups cross Redis again: fast cross-instance delivery.
  await sleep(2500); // the adapters' heartbeats find each other again
  const t1 = Date.now();
  const after = await c.instances[1].pay(admin.token, customer.id, 778);
  await until(() => a.payments.includes(after.payment.id) && b.payments.includes(after.payment.id), 5000, "the payment made after the outage");
  const afterLatency = Date.now() - t1;
  console.log(`# redis outage: delivery during ${outageLatency}ms (log poll), after ${afterLatency}ms (wake-up)`);
  assert.deepEqual(a.payments.filter((id) => id === during.payment.id || id === after.payment.id), [during.payment.id, after.payment.id]);
  a.close();
  b.close();
});

test(
  "stopping one instance tells only its own clients that it is restarting",
  async () => {
    const extra = await c.serve("i-extra");
    const here = await open(extra, admin.token);
    const elsewhere = await open(c.instances[0], admin.token);
    await sleep(2500); // the adapters' heartbeats find the new instance
    await extra.stop();
    await until(() => here.errs.includes("SERVER_SHUTTING_DOWN") || !here.connected, 5000, "the stopping instance's client to hear of it");
    await sleep(500);
    elsewhere.close();
    assert.deepEqual(elsewhere.errs, [], "a client of another instance was told its server is restarting");
  },
);

test(
  "when an instance crashes, its admins leave the others' presence",
  async () => {
    const admin2 = await c.instances[0].login("admin2@cluster.test");
    const crash = await c.serve("i-crash");
    const watcher = await open(c.instances[0], admin.token);
    await sleep(2500); // the adapters' heartbeats find the new instance
    const gone = await open(crash, admin2.token);
    await until(() => watcher.presence.at(-1)?.join() === "Ada Admin,Bo Admin", 5000, "Bo online");
    await crash.kill();
    // The adapters forget a silent instance after 6 s.
    await until(() => watcher.presence.at(-1)?.join() === "Ada Admin", 12000, () => `Bo gone (still ${watcher.presence.at(-1)})`);
    gone.close();
    watcher.close();
  },
);

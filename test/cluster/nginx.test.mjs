// The example proxy config (deploy/nginx/livedesk.conf) in front of two
// instances: sticky polling sessions that upgrade to WebSocket, polling-only
// sessions, a live update through the proxy, and a client that resumes
// through the proxy when its instance dies.
import { randomUUID } from "node:crypto";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { io } from "socket.io-client";
import { Cluster, sleep, until } from "./lib/cluster.mjs";
import { Nginx } from "./lib/nginx.mjs";

let c, nginx, admin, customer;
const sockets = [];

function hasNginx() {
  try {
    execFileSync("nginx", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const skip = hasNginx()
  ? false
  : "\n*** NGINX NOT INSTALLED (apt-get install -y nginx): the example proxy config is NOT tested";
if (skip && process.env.LIVEDESK_REQUIRE_SERVICES === "1") throw new Error(skip);

before(async () => {
  if (skip) return;
  c = await Cluster.start({ instances: 2 });
  nginx = await Nginx.start(c.instances);
  admin = await (await fetch(`${nginx.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@cluster.test", password: "correct-horse-battery" }),
  })).json();
  customer = await post("/api/customers", { name: "Proxy Customer", vendorId: c.users.vendorA });
});

after(async () => {
  sockets.forEach((s) => s.close());
  await nginx?.stop();
  await c?.stop();
});

async function post(path, body) {
  const res = await fetch(nginx.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${admin.token}`, "idempotency-key": `"${randomUUID()}"` },
    body: JSON.stringify(body),
  });
  if (!res.ok) assert.fail(`POST ${path} through nginx: ${res.status} ${await res.text()}`);
  return res.json();
}

// open connects through nginx with the official client; withCredentials
// makes it keep the proxy's sticky cookie, as a browser does.
function open(transports, extra = {}) {
  const s = io(nginx.url, { forceNew: true, reconnection: false, withCredentials: true, transports, auth: { token: admin.token }, ...extra });
  s.payments = [];
  s.on("payment:added", (p) => s.payments.push(p.payment.id));
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", (err) => reject(new Error(`connect through nginx: ${err.message}`)));
  });
}

test("polling sessions stick to one instance, upgrade to WebSocket, and receive live updates", { skip }, async () => {
  const upgrading = await Promise.all(Array.from({ length: 12 }, () => open(["polling", "websocket"])));
  // Like browsers on the proxy's origin: the instances see an Origin that
  // matches the Host nginx passes on, so they accept it as same-origin.
  const polling = await Promise.all(Array.from({ length: 6 }, (_, k) => open(["polling"], k % 2 ? {} : { extraHeaders: { origin: nginx.url } })));
  upgrading.push(...(await Promise.all(Array.from({ length: 2 }, () => open(["polling", "websocket"], { extraHeaders: { origin: nginx.url } })))));
  await until(() => upgrading.every((s) => s.io.engine.transport.name === "websocket"), 10000, "every session to upgrade to WebSocket");

  const res = await post("/api/payments", { customerId: customer.id, amountCents: 4200, method: "cash" });
  await until(
    () => [...upgrading, ...polling].every((s) => s.payments.includes(res.payment.id)),
    5000,
    () => `the payment on every socket (${[...upgrading, ...polling].filter((s) => !s.payments.includes(res.payment.id)).length} missing)`,
  );

  // Every request of a session went to one instance, and the sessions were
  // spread over both.
  const routes = new Map();
  for (const line of nginx.accessLog()) {
    const m = /^(\S+) (\d+) "(\S+) (\/socket\.io\/\S*) [^"]*" route=(\S+)$/.exec(line);
    if (!m) continue;
    assert.notEqual(m[2], "400", `a session request failed (lost stickiness?): ${line}`);
    if (!routes.has(m[5])) routes.set(m[5], new Set());
    routes.get(m[5]).add(m[1]);
  }
  assert.equal(routes.size, 20, "one route per client");
  for (const [route, upstreams] of routes) assert.equal(upstreams.size, 1, `route ${route} went to ${[...upstreams]}`);
  const used = new Set([...routes.values()].map((u) => [...u][0]));
  assert.equal(used.size, 2, `sessions spread over both instances (${[...used]})`);
  console.log(`# nginx: 14 polling→websocket + 6 polling-only sessions (6 with a browser Origin), sticky, over ${used.size} instances; live payment delivered to all`);

  const ready = await fetch(nginx.url + "/readyz");
  assert.equal(ready.status, 200, "readyz through nginx");
});

test("a client whose instance dies resumes through the proxy without losing an event", { skip }, async () => {
  // Official reconnection, with recovery: when its instance dies the
  // client reconnects through nginx, which routes it to the survivor.
  const s = await open(["polling", "websocket"], { reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 500 });
  s.seqs = [];
  s.on("activity:updated", (p) => s.seqs.push(p.seq));
  let reconnects = 0;
  s.io.on("reconnect", () => reconnects++);
  const before = [];
  for (let k = 0; k < 5; k++) before.push((await post("/api/payments", { customerId: customer.id, amountCents: 100 + k, method: "cash" })).payment.id);
  await until(() => before.every((id) => s.payments.includes(id)), 5000, "the first payments");

  const holder = await holderOf(s);
  await holder.kill();
  const during = [];
  for (let k = 0; k < 10; k++) {
    // POSTs routed to the dead instance are passed to the other by nginx
    // (the connection was refused, so the request was never sent).
    during.push((await post("/api/payments", { customerId: customer.id, amountCents: 200 + k, method: "cash" })).payment.id);
    await sleep(20);
  }
  await until(() => during.every((id) => s.payments.includes(id)), 15000, () => `the payments made while reconnecting (${s.payments.length} so far, connected ${s.connected})`);
  const seqs = s.seqs;
  assert.equal(reconnects, 1, "the client lost its instance and reconnected once");
  assert.equal(seqs.length, before.length + during.length, "one activity event per payment");
  assert.equal(new Set(seqs).size, seqs.length, "no duplicate");
  for (let k = 1; k < seqs.length; k++) assert.ok(seqs[k] > seqs[k - 1], "in order");
  assert.equal(s.recovered, true, "the session was recovered from the event log on the survivor");
  console.log(`# nginx failover: ${seqs.length} activity events, recovered=${s.recovered}, none lost or duplicated`);
});

// holderOf finds the instance a socket is connected to: the upstream that
// served the requests of its sticky route.
async function holderOf(s) {
  const route = s.io.engine._cookieJar?._cookies.get("livedesk_route")?.value;
  assert.ok(route, "the client holds the sticky cookie");
  const line = nginx.accessLog().find((l) => l.endsWith(`route=${route}`) && l.includes("/socket.io/"));
  const host = line.split(" ")[0];
  const inst = c.instances.find((i) => new URL(i.url).host === host);
  assert.ok(inst, `instance at ${host}`);
  return inst;
}

// No event lost: a client whose transport dropped while events happened
// receives exactly those events, in order, once, when it reconnects
// (socket.recovered === true), also across a graceful server restart; an
// explicit disconnect() is not recovered; a gap over --replay-limit gives
// RESYNC_REQUIRED.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, suite, today } from "./lib/server.mjs";
import { connect, connected, named, next, sleep, until } from "./lib/socket.mjs";
import { startProxy } from "./lib/proxy.mjs";

const LOG_EVENTS = new Set(["payment:added", "delivery:updated", "customer:updated", "activity:updated", "user:updated"]);

// makeEvents writes n log events of mixed kinds for both vendors over REST
// on server: half payments, a third deliveries created, the rest customer
// changes. It returns how many of each socket event they produce.
async function makeEvents(server, env, n, tag) {
  const want = { "payment:added": 0, "delivery:updated": 0, "customer:updated": 0, "activity:updated": n };
  const customers = [env.customerA, env.customerB];
  for (let i = 0; i < n; i++) {
    const c = customers[i % 2];
    if (i % 6 < 3) {
      await server.pay(env.admin.token, c.id, 100 + i, { key: `${tag}-${i}` });
      want["payment:added"]++;
    } else if (i % 6 < 5) {
      await server.must("POST", "/api/deliveries", {
        token: env.admin.token,
        body: { customerId: c.id, scheduledFor: today(), items: `${tag} ${i}`, quantity: 1, amountCents: 500 },
      });
      want["delivery:updated"]++;
    } else {
      await server.must("PATCH", `/api/customers/${c.id}`, { token: env.admin.token, body: { address: `${tag} ${i}` } });
      want["customer:updated"]++;
    }
  }
  return want;
}

// lastSeq is the newest seq of the event log.
async function lastSeq(server, token) {
  return Number((await lastCursor(server, token)).split(":")[1]);
}

// lastCursor is the REST polling cursor at the end of the log: "EPOCH:SEQ".
async function lastCursor(server, token) {
  let after = 0;
  for (;;) {
    const page = await server.must("GET", `/api/events?after=${after}&limit=1000`, { token });
    if (page.items.length < 1000) return page.cursor;
    after = page.cursor;
  }
}

// checkExactly asserts that entries (what a socket received) are exactly
// the log events after seq `from` that the REST API lists (same seqs, in
// order, each entity event followed by its activity:updated, no duplicate)
// with the given counts per event.
async function checkExactly(entries, server, token, from, want) {
  const rest = [];
  for (let after = from; ; ) {
    const page = await server.must("GET", `/api/events?after=${after}&limit=1000`, { token });
    rest.push(...page.items);
    if (page.items.length < 1000) break;
    after = page.lastSeq;
  }
  const logEntries = entries.filter((e) => LOG_EVENTS.has(e.name));
  const counts = {};
  for (const e of logEntries) counts[e.name] = (counts[e.name] ?? 0) + 1;
  assert.deepEqual(counts, want, "events received, by name");
  const acts = named(logEntries, "activity:updated").map((e) => e.payload.seq);
  assert.deepEqual(acts, rest.map((e) => e.seq), "the same seqs as GET /api/events, in order, once each");
  // Offsets grow strictly: no message twice, none out of order.
  // "EPOCH:SEQ-PART", one epoch throughout.
  assert.equal(new Set(logEntries.map((e) => e.offset.split(":")[0])).size, 1, "one epoch");
  const offsets = logEntries.map((e) => e.offset.split(":")[1].split("-").map(Number));
  for (let i = 1; i < offsets.length; i++) {
    const [s0, p0] = offsets[i - 1];
    const [s1, p1] = offsets[i];
    assert.ok(s1 > s0 || (s1 === s0 && p1 > p0), `offsets in order: ${offsets[i - 1]} then ${offsets[i]}`);
  }
  // Each entity event is immediately followed by its activity:updated.
  for (const [i, e] of logEntries.entries()) {
    if (e.name === "activity:updated") continue;
    assert.equal(logEntries[i + 1]?.name, "activity:updated");
    assert.equal(logEntries[i + 1].payload.seq, e.payload.seq);
  }
}

// kinds counts the entity events the log after seq `from` produces.
async function kinds(server, token, from) {
  const items = (await server.must("GET", `/api/events?after=${from}&limit=1000`, { token })).items;
  const out = {};
  const name = { payment: "payment:added", delivery: "delivery:updated", customer: "customer:updated", user: "user:updated" };
  for (const e of items) out[name[e.entity]] = (out[name[e.entity]] ?? 0) + 1;
  return out;
}

// dropTransport closes the socket's transport as a network failure would,
// with automatic reconnection off so that the test decides when it comes
// back, and resolves with the disconnect reason.
async function dropTransport(socket) {
  socket.io.reconnection(false);
  const gone = next(socket, "disconnect");
  socket.io.engine.close();
  return gone;
}

async function comeBack(socket) {
  socket.io.reconnection(true);
  await connected(socket, 10000);
}

describe("recovery after the transport drops", () => {
  const env = suite();
  const { sockets } = env;

  for (const transports of [["websocket"], ["polling"], ["polling", "websocket"]]) {
    it(`replays exactly the 50 missed events, then continues live (${transports.join("+")})`, async () => {
      const { server, admin } = env;
      const s = await connect(server.url, admin.token, { transports });
      sockets.push(s);
      assert.equal(s.recovered, false);
      await makeEvents(server, env, 3, `before-${transports}`);
      await until(() => named(s.log, "activity:updated").length === 3, 5000, () => "3 live events");
      await sleep(100);
      const id = s.id;
      const from = await lastSeq(server, admin.token);
      assert.equal(named(s.log, "activity:updated").at(-1).payload.seq, from);

      assert.ok(["forced close", "transport close"].includes(await dropTransport(s)));
      const mark = s.log.length;
      const want = await makeEvents(server, env, 50, `away-${transports}`);
      await comeBack(s);
      assert.equal(s.recovered, true, "socket.recovered");
      assert.equal(s.id, id, "the same socket id");
      await until(() => named(s.log.slice(mark), "activity:updated").length >= 50, 5000, () => "50 replayed events");
      await sleep(300);
      await checkExactly(s.log.slice(mark), server, admin.token, from, want);

      // Live delivery continues after the replay, once.
      const more = await makeEvents(server, env, 2, `after-${transports}`);
      await until(() => named(s.log.slice(mark), "activity:updated").length >= 52, 5000, () => "live events");
      await sleep(200);
      const total = Object.fromEntries(Object.entries(want).map(([k, v]) => [k, v + (more[k] ?? 0)]));
      await checkExactly(s.log.slice(mark), server, admin.token, from, total);
    });
  }

  it("recovers a client that had received no event before its transport dropped", async () => {
    const { server, admin } = env;
    const s = await connect(server.url, admin.token);
    sockets.push(s);
    await until(() => named(s.log, "stats:updated").length >= 1, 5000, () => "the first stats");
    const from = await lastSeq(server, admin.token);
    await dropTransport(s);
    const mark = s.log.length;
    const want = await makeEvents(server, env, 10, "fresh");
    await comeBack(s);
    assert.equal(s.recovered, true);
    await until(() => named(s.log.slice(mark), "activity:updated").length >= 10, 5000, () => "10 replayed events");
    await sleep(300);
    await checkExactly(s.log.slice(mark), server, admin.token, from, want);
  });

  // The offset names a message: "EPOCH:SEQ-PART". A client that got an event's
  // payment:added but not its activity:updated is replayed exactly the
  // rest; a bare seq (the REST cursor) means the whole event was received.
  // (_lastOffset is the client's private copy of the offset it sends back.)
  it("resumes from the middle of an event, or from a bare seq", async () => {
    const { server, admin } = env;
    const s = await connect(server.url, admin.token);
    sockets.push(s);
    await makeEvents(server, env, 1, "part-before");
    await until(() => named(s.log, "activity:updated").length === 1);
    const seq = named(s.log, "payment:added").at(-1).payload.seq;
    const epoch = s._lastOffset.split(":")[0];
    assert.equal(s._lastOffset, `${epoch}:${seq}-1`, "the client holds the last message's offset");

    await dropTransport(s);
    s._lastOffset = `${epoch}:${seq}-0`; // as if activity:updated had been lost
    let mark = s.log.length;
    await makeEvents(server, env, 2, "part-away");
    await comeBack(s);
    await until(() => named(s.log.slice(mark), "activity:updated").length >= 3, 5000, () => "the rest of the event, then 2");
    await sleep(200);
    let got = s.log.slice(mark).filter((e) => LOG_EVENTS.has(e.name));
    assert.deepEqual(got[0].name, "activity:updated");
    assert.equal(got[0].payload.seq, seq);
    await checkExactly(got.slice(1), server, admin.token, seq, { "activity:updated": 2, ...(await kinds(server, admin.token, seq)) });

    const restCursor = await lastCursor(server, admin.token);
    const cursor = Number(restCursor.split(":")[1]);
    await dropTransport(s);
    s._lastOffset = restCursor; // the REST polling cursor
    mark = s.log.length;
    await makeEvents(server, env, 2, "bare-away");
    await comeBack(s);
    await until(() => named(s.log.slice(mark), "activity:updated").length >= 2, 5000, () => "2 events");
    await sleep(200);
    got = s.log.slice(mark).filter((e) => LOG_EVENTS.has(e.name));
    await checkExactly(got, server, admin.token, cursor, { "activity:updated": 2, ...(await kinds(server, admin.token, cursor)) });
  });

  it("does not recover after an explicit disconnect()", async () => {
    const { server, admin } = env;
    const s = await connect(server.url, admin.token);
    sockets.push(s);
    await makeEvents(server, env, 1, "explicit-before");
    await until(() => named(s.log, "activity:updated").length === 1);
    const id = s.id;
    s.disconnect();
    const mark = s.log.length;
    await makeEvents(server, env, 5, "explicit-away");
    await connected(s);
    assert.equal(s.recovered, false);
    assert.notEqual(s.id, id);
    await sleep(500);
    assert.equal(s.log.slice(mark).filter((e) => LOG_EVENTS.has(e.name)).length, 0, "nothing replayed");
  });

  it("replays a vendor only its own events, with its own counts", async () => {
    const { server, vendorA, ids } = env;
    const s = await connect(server.url, vendorA.token);
    sockets.push(s);
    await makeEvents(server, env, 2, "vendor-before");
    await until(() => named(s.log, "activity:updated").length === 1);
    const from = await lastSeq(server, env.admin.token);
    await dropTransport(s);
    const mark = s.log.length;
    await makeEvents(server, env, 20, "vendor-away");
    await comeBack(s);
    assert.equal(s.recovered, true);
    await until(() => named(s.log.slice(mark), "activity:updated").length >= 10, 5000, () => "10 replayed events");
    await sleep(300);
    const got = s.log.slice(mark).filter((e) => LOG_EVENTS.has(e.name));
    for (const e of named(got, "activity:updated")) assert.equal(e.payload.entry.vendorId, ids.vendorA);
    // Vendor A's are the even ones: i % 6 in 0, 2 (payments) and 4 (deliveries).
    const want = { "payment:added": 7, "delivery:updated": 3, "activity:updated": 10 };
    await checkExactly(got, server, vendorA.token, from, want);
  });
});

describe("recovery of a long gap", () => {
  const env = suite();
  const { sockets } = env;

  // 1,200 events are 2,400 messages replayed at once: more than the engine's
  // default send queue (1,024 packets), which dropped the client as a slow
  // consumer in the middle of its replay, over and over.
  it("replays 1,200 missed events in one go, over long-polling and WebSocket, without dropping the client", async () => {
    const { server, admin } = env;
    const clients = [];
    for (const transports of [["polling"], ["websocket"]]) {
      const s = await connect(server.url, admin.token, { transports });
      s.drops = [];
      s.on("disconnect", (reason) => s.drops.push(reason));
      clients.push(s);
    }
    sockets.push(...clients);
    await until(() => clients.every((s) => named(s.log, "stats:updated").length >= 1));
    const from = await lastSeq(server, admin.token);
    await Promise.all(clients.map(dropTransport));
    const marks = clients.map((s) => s.log.length);
    const N = 1200;
    let n = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (n < N) {
          const i = n++;
          await server.pay(admin.token, (i % 2 ? env.customerA : env.customerB).id, 100, { key: `long-${i}` });
        }
      }),
    );
    for (const [i, s] of clients.entries()) {
      // Were it dropped, it would reconnect by itself and resume further on.
      s.io.reconnection(true);
      await connected(s, 10000);
      assert.equal(s.recovered, true);
      await until(() => named(s.log.slice(marks[i]), "activity:updated").length >= N, 20000, () => `${s.io.opts.transports}: ${N} events`);
      await sleep(200);
      assert.deepEqual(s.drops.slice(1), [], `${s.io.opts.transports}: dropped during the replay`);
      await checkExactly(s.log.slice(marks[i]), server, admin.token, from, { "payment:added": N, "activity:updated": N });
    }
  });
});

describe("RESYNC_REQUIRED past --replay-limit", () => {
  const env = suite({ replayLimit: 10 });
  const { sockets } = env;

  it("replays a gap of exactly --replay-limit events", async () => {
    const { server, admin } = env;
    const s = await connect(server.url, admin.token);
    sockets.push(s);
    await until(() => named(s.log, "stats:updated").length >= 1);
    const from = await lastSeq(server, admin.token);
    await dropTransport(s);
    const mark = s.log.length;
    const want = await makeEvents(server, env, 10, "limit");
    await comeBack(s);
    assert.equal(s.recovered, true);
    await until(() => named(s.log.slice(mark), "activity:updated").length >= 10, 5000, () => "10 replayed events");
    await sleep(300);
    await checkExactly(s.log.slice(mark), server, admin.token, from, want);
    assert.equal(named(s.log, "error").length, 0);
  });

  it("sends error {code: RESYNC_REQUIRED} for a larger gap, then continues live", async () => {
    const { server, admin } = env;
    const s = await connect(server.url, admin.token);
    sockets.push(s);
    await makeEvents(server, env, 1, "resync-before");
    await until(() => named(s.log, "activity:updated").length === 1);
    await dropTransport(s);
    const mark = s.log.length;
    await makeEvents(server, env, 11, "resync-away");
    const resync = next(s, "error", 10000);
    await comeBack(s);
    const err = await resync;
    assert.equal(err.code, "RESYNC_REQUIRED", JSON.stringify(err));
    assert.equal(typeof err.message, "string");
    await sleep(300);
    assert.equal(s.log.slice(mark).filter((e) => LOG_EVENTS.has(e.name)).length, 0, "nothing replayed");
    // The client refetches over REST; live events reach it from now on.
    const live = await server.pay(admin.token, env.customerA.id, 100);
    await until(() => named(s.log, "payment:added").some((e) => e.payload.payment.id === live.payment.id));
  });
});

describe("recovery across a graceful server restart (SIGTERM)", () => {
  let env;
  let server; // the current process on env's port
  const sockets = [];
  const extra = [];
  before(async () => {
    env = await setup();
    server = env.server;
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all(extra.map((p) => p.stop()));
    await server?.stop();
    env?.ws.remove();
  });

  // restart stops the server and starts it again on the same port and
  // database (and secret); between the two, during(), if given, runs.
  async function restart(during) {
    const addr = server.addr;
    const res = await server.stop();
    assert.equal(res.code, 0, `graceful exit: ${JSON.stringify(res)}\n${server.stderr}`);
    if (during) await during();
    server = await env.ws.serve({ addr });
  }

  it("a client away across a restart receives exactly the 50 events written before, during and after it", async () => {
    const { admin } = env;
    const s = await connect(server.url, admin.token);
    sockets.push(s);
    await makeEvents(server, env, 2, "restart-seen");
    await until(() => named(s.log, "activity:updated").length === 2);
    const id = s.id;
    const from = await lastSeq(server, admin.token);

    await dropTransport(s);
    const mark = s.log.length;
    // 20 while the first process runs, 15 written by a second process on
    // the same database while the first is down, 15 after the restart.
    const want1 = await makeEvents(server, env, 20, "r-before");
    let want2;
    await restart(async () => {
      const other = await env.ws.serve();
      extra.push(other);
      want2 = await makeEvents(other, env, 15, "r-during");
      await other.stop();
    });
    const want3 = await makeEvents(server, env, 15, "r-after");
    const want = {};
    for (const w of [want1, want2, want3]) for (const [k, v] of Object.entries(w)) want[k] = (want[k] ?? 0) + v;
    assert.equal(want["activity:updated"], 50);

    await comeBack(s);
    assert.equal(s.recovered, true, "recovered after the restart");
    assert.equal(s.id, id, "the same socket id");
    await until(() => named(s.log.slice(mark), "activity:updated").length >= 50, 5000, () => "50 replayed events");
    await sleep(300);
    await checkExactly(s.log.slice(mark), server, admin.token, from, want);
  });

  it("a client connected when the server stops is told, and recovers what was written after the restart", async () => {
    const { admin } = env;
    const s = await connect(server.url, admin.token);
    sockets.push(s);
    await makeEvents(server, env, 1, "shutdown-seen");
    await until(() => named(s.log, "activity:updated").length === 1);
    const from = await lastSeq(server, admin.token);
    const mark = s.log.length;
    // Like a real client it would reconnect by itself; this one waits
    // until the test has written after the restart.
    const gone = new Promise((resolve) =>
      s.once("disconnect", (reason) => {
        s.io.reconnection(false);
        resolve(reason);
      }),
    );
    await restart();
    assert.equal(await gone, "transport close");
    const errs = named(s.log.slice(mark), "error").map((e) => e.payload.code);
    assert.deepEqual(errs, ["SERVER_SHUTTING_DOWN"]);
    const want = await makeEvents(server, env, 25, "shutdown-after");
    await comeBack(s);
    assert.equal(s.recovered, true);
    await until(() => named(s.log.slice(mark), "activity:updated").length >= 25, 5000, () => "25 replayed events");
    await sleep(300);
    await checkExactly(s.log.slice(mark), server, admin.token, from, want);
  });

  it("a client reconnecting by itself during writes after a restart gets every event once, in order", async () => {
    const { admin } = env;
    const s = await connect(server.url, admin.token, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200, randomizationFactor: 0 });
    sockets.push(s);
    await makeEvents(server, env, 1, "auto-seen");
    await until(() => named(s.log, "activity:updated").length === 1);
    const from = await lastSeq(server, admin.token);
    const mark = s.log.length;
    const back = next(s, "connect", 20000);
    await restart();
    // Writes race with the client's own reconnection and replay.
    const want = await makeEvents(server, env, 30, "auto-after");
    await back;
    assert.equal(s.recovered, true);
    await until(() => named(s.log.slice(mark), "activity:updated").length >= 30, 5000, () => "30 events");
    await sleep(300);
    await checkExactly(s.log.slice(mark), server, admin.token, from, want);
  });
});

describe("recovery under load: transports dropping while writes stream in", () => {
  const env = suite();
  const { sockets } = env;

  it("every client ends with every event exactly once, in order, however often it dropped", async () => {
    const { server, admin, vendorA } = env;
    const clients = [];
    for (let i = 0; i < 6; i++) {
      const token = i === 5 ? vendorA.token : admin.token;
      const transports = i % 3 === 2 ? ["polling"] : ["websocket"];
      clients.push(await connect(server.url, token, { transports }));
    }
    sockets.push(...clients);
    const from = await lastSeq(server, admin.token);
    const marks = clients.map((c) => c.log.length);

    let writing = true;
    const recoveries = clients.map(() => []);
    const churn = clients.map(async (c, i) => {
      while (writing) {
        await sleep(50 + Math.random() * 250);
        if (!writing) break;
        await dropTransport(c);
        await sleep(Math.random() * 300);
        await comeBack(c);
        recoveries[i].push(c.recovered);
      }
    });
    const WRITES = 300;
    let n = 0;
    await Promise.all(
      [0, 1].map(async (w) => {
        while (n < WRITES) {
          const i = n++;
          const c = i % 2 ? env.customerA : env.customerB;
          await server.pay(admin.token, c.id, 100 + i, { key: `churn-${i}` });
        }
      }),
    );
    writing = false;
    await Promise.all(churn);

    for (const [i, c] of clients.entries()) {
      assert.ok(recoveries[i].length > 0, `client ${i} dropped at least once`);
      assert.ok(recoveries[i].every(Boolean), `client ${i} recovered every time: ${recoveries[i]}`);
      const token = i === 5 ? vendorA.token : admin.token;
      const expected = (await server.must("GET", `/api/events?after=${from}&limit=1000`, { token })).items.length;
      await until(() => named(c.log.slice(marks[i]), "activity:updated").length >= expected, 10000, () => `client ${i}: ${expected} events`);
      await sleep(200);
      const got = c.log.slice(marks[i]);
      await checkExactly(got, server, token, from, { "payment:added": expected, "activity:updated": expected });
    }
  });
});

describe("recovery under load across a restart", () => {
  let env;
  let server;
  const sockets = [];
  before(async () => {
    env = await setup();
    server = env.server;
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await server?.stop();
    env?.ws.remove();
  });

  it("clients reconnecting by themselves lose nothing while writes continue through a SIGTERM restart", async () => {
    const { admin, vendorB } = env;
    const opts = { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 300 };
    const clients = [
      await connect(server.url, admin.token, opts),
      await connect(server.url, admin.token, { ...opts, transports: ["polling", "websocket"] }),
      await connect(server.url, vendorB.token, opts),
    ];
    sockets.push(...clients);
    const from = await lastSeq(server, admin.token);
    const marks = clients.map((c) => c.log.length);

    // The writer retries a payment (same idempotency key) until the server
    // answers, as a careful client would while the server restarts.
    const WRITES = 200;
    let n = 0;
    let current = server;
    const writer = async () => {
      while (n < WRITES) {
        const i = n++;
        const c = i % 2 ? env.customerA : env.customerB;
        for (;;) {
          try {
            await current.pay(admin.token, c.id, 100 + i, { key: `restart-load-${i}` });
            break;
          } catch {
            await sleep(50);
          }
        }
      }
    };
    const writing = Promise.all([writer(), writer()]);
    await until(() => n >= WRITES / 3, 20000, () => "a third of the writes");
    const addr = server.addr;
    await server.stop();
    server = await env.ws.serve({ addr });
    current = server;
    await writing;

    for (const [i, c] of clients.entries()) {
      const token = i === 2 ? vendorB.token : admin.token;
      const expected = (await server.must("GET", `/api/events?after=${from}&limit=1000`, { token })).items.length;
      await until(() => c.connected && named(c.log.slice(marks[i]), "activity:updated").length >= expected, 15000, () => `client ${i}: ${expected} events, got ${named(c.log.slice(marks[i]), "activity:updated").length}`);
      await sleep(200);
      assert.equal(c.recovered, true, `client ${i} recovered`);
      await checkExactly(c.log.slice(marks[i]), server, token, from, { "payment:added": expected, "activity:updated": expected });
    }
  });
});

describe("failover between two instances on one database", () => {
  let env, other, proxy;
  const sockets = [];
  before(async () => {
    env = await setup();
    other = await env.ws.serve();
    proxy = await startProxy(other);
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await proxy?.close();
    await other?.stop();
    await env?.server.stop();
    env?.ws.remove();
  });

  // Each instance tails the shared log; one that did not make a change
  // learns of it at its next poll. A client that saw an event on one
  // instance and fails over to another, which has not published it yet,
  // resumes from an offset ahead of that instance.
  it("a client moved to an instance that lags behind gets no event twice and loses none", async () => {
    const { admin } = env;
    const s = await connect(proxy.url, admin.token, { reconnection: true, reconnectionDelay: 20, reconnectionDelayMax: 50, randomizationFactor: 0 });
    sockets.push(s);
    const from = await lastSeq(env.server, admin.token);
    const mark = s.log.length;
    const instances = [other, env.server];
    for (let round = 0; round < 4; round++) {
      const here = instances[round % 2];
      const there = instances[(round + 1) % 2];
      const p = await here.pay(admin.token, env.customerA.id, 100 + round, { key: `failover-${round}` });
      await until(() => named(s.log, "payment:added").some((e) => e.payload.payment.id === p.payment.id), 5000, () => `payment ${round}`);
      const gone = next(s, "disconnect");
      proxy.failover(there); // at once: `there` has not polled the log yet
      await gone;
      await next(s, "connect");
      assert.equal(s.recovered, true);
      await sleep(1300); // `there` polls (every second) and publishes
    }
    await checkExactly(s.log.slice(mark), env.server, admin.token, from, { "payment:added": 4, "activity:updated": 4 });
  });
});

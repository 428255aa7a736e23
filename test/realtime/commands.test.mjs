// Client → server commands: every one acknowledged {ok: true, data} or
// {ok: false, error: {code, message, field?}}, through the same services as
// the REST API; malformed arguments never crash anything; rate limits.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { suite, today } from "./lib/server.mjs";
import { ack, connect, named, next, sleep, until } from "./lib/socket.mjs";

// assertError checks an error ack's exact shape and code (and field).
function assertError(res, code, field) {
  assert.equal(res.ok, false, JSON.stringify(res));
  assert.deepEqual(Object.keys(res).sort(), ["error", "ok"], JSON.stringify(res));
  const e = res.error;
  // current: a delivery's present status, who set it and when, on a change
  // refused because of it (docs/api.md, the error codes).
  for (const k of Object.keys(e)) assert.ok(["code", "message", "field", "current"].includes(k), `unexpected error.${k}: ${JSON.stringify(e)}`);
  if (e.current !== undefined) {
    assert.deepEqual(Object.keys(e.current).sort(), ["changedAt", "changedBy", "changedById", "id", "status"], JSON.stringify(e));
  }
  assert.equal(e.code, code, JSON.stringify(res));
  assert.equal(typeof e.message, "string");
  assert.ok(e.message.length > 0);
  if (field !== undefined) assert.equal(e.field, field, JSON.stringify(res));
}

function assertOK(res) {
  assert.equal(res.ok, true, JSON.stringify(res));
  assert.deepEqual(Object.keys(res).sort(), ["data", "ok"], JSON.stringify(res));
  return res.data;
}

describe("commands", () => {
  const env = suite();
  const { sockets } = env;

  async function socket(token = env.admin.token, options) {
    const s = await connect(env.server.url, token, options);
    sockets.push(s);
    return s;
  }

  it("ping answers {serverTime}", async () => {
    const s = await socket();
    const before = Date.now();
    const data = assertOK(await ack(s, "ping"));
    assert.deepEqual(Object.keys(data), ["serverTime"]);
    assert.match(data.serverTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const t = Date.parse(data.serverTime);
    assert.ok(Math.abs(t - before) < 2000, `serverTime ${data.serverTime} is now`);
    // An argument is ignored, not an error.
    assertOK(await ack(s, "ping", { hello: 1 }));
  });

  it("stats:request answers the caller's figures, as GET /api/stats", async () => {
    for (const who of ["admin", "vendorA"]) {
      const s = await socket(env[who].token);
      const data = assertOK(await ack(s, "stats:request"));
      const rest = await env.server.must("GET", "/api/stats", { token: env[who].token });
      assert.deepEqual({ ...data, at: undefined }, { ...rest, at: undefined }, who);
    }
  });

  it("payment:add retried with the same idempotencyKey is applied once and acked with the same payment", async () => {
    const { server, admin, customerA } = env;
    const s = await socket();
    const before = (await server.must("GET", `/api/customers/${customerA.id}`, { token: admin.token })).balanceCents;
    const cmd = { customerId: customerA.id, amountCents: 2500, method: "upi", reference: "UPI-1", idempotencyKey: "cmd-pay-1" };

    const first = assertOK(await ack(s, "payment:add", cmd));
    assert.deepEqual(Object.keys(first).sort(), ["created", "customer", "payment"]);
    assert.equal(first.created, true);
    assert.equal(first.payment.amountCents, 2500);
    assert.equal(first.payment.idempotencyKey, "cmd-pay-1");
    assert.deepEqual(first.customer, { id: customerA.id, balanceCents: before - 2500 });

    // A retry gets the first acknowledgement again.
    const second = assertOK(await ack(s, "payment:add", cmd));
    assert.deepEqual(second, first, "the first answer replayed");

    // Concurrent retries (each gets the payment, or IDEMPOTENCY_KEY_IN_USE
    // while another is being processed), and a retry over REST with the
    // same key, which replays the same answer.
    const many = await Promise.all(Array.from({ length: 5 }, () => ack(s, "payment:add", cmd)));
    for (const r of many) {
      if (r.ok) assert.equal(r.data.payment.id, first.payment.id);
      else assertError(r, "IDEMPOTENCY_KEY_IN_USE", "idempotencyKey");
    }
    const rest = await server.pay(admin.token, customerA.id, 2500, { method: "upi", key: "cmd-pay-1", reference: "UPI-1" });
    assert.deepEqual(rest, first);

    const after = (await server.must("GET", `/api/customers/${customerA.id}`, { token: admin.token })).balanceCents;
    assert.equal(after, before - 2500, "credited once");
    const list = await server.must("GET", `/api/payments?customerId=${customerA.id}`, { token: admin.token });
    assert.equal(list.items.filter((p) => p.idempotencyKey === "cmd-pay-1").length, 1);
    // One event for one payment.
    await sleep(300);
    assert.equal(named(s.log, "payment:added").filter((e) => e.payload.payment.id === first.payment.id).length, 1);

    // The same key with other data is refused; no key at all too.
    assertError(await ack(s, "payment:add", { ...cmd, amountCents: 2600 }), "IDEMPOTENCY_KEY_REUSED", "idempotencyKey");
    const { idempotencyKey, ...nokey } = cmd;
    assertError(await ack(s, "payment:add", nokey), "IDEMPOTENCY_KEY_REQUIRED", "idempotencyKey");
    // The service's validation, as over REST.
    assertError(await ack(s, "payment:add", { ...cmd, amountCents: 0, idempotencyKey: "k0" }), "INVALID", "amountCents");
    assertError(await ack(s, "payment:add", { ...cmd, method: "bitcoin", idempotencyKey: "k1" }), "INVALID", "method");
    assertError(await ack(s, "payment:add", { ...cmd, customerId: 999999, idempotencyKey: "k2" }), "NOT_FOUND");
  });

  it("delivery:update allows the workflow's transitions and refuses the others with INVALID_TRANSITION", async () => {
    const { server, admin, vendorA, customerA } = env;
    const s = await socket(vendorA.token);
    const d = await server.must("POST", "/api/deliveries", {
      token: admin.token,
      body: { customerId: customerA.id, scheduledFor: today(), items: "Curd", quantity: 1, amountCents: 800 },
    });
    const balance0 = (await server.must("GET", `/api/customers/${customerA.id}`, { token: admin.token })).balanceCents;

    let data = assertOK(await ack(s, "delivery:update", { id: d.id, status: "out_for_delivery", note: "on the way" }));
    assert.deepEqual(Object.keys(data).sort(), ["delivery", "previousStatus"]);
    assert.equal(data.previousStatus, "scheduled");
    assert.equal(data.delivery.status, "out_for_delivery");
    assert.equal(data.delivery.note, "on the way");

    assertError(await ack(s, "delivery:update", { id: d.id, status: "scheduled" }), "INVALID_TRANSITION", "status");

    data = assertOK(await ack(s, "delivery:update", { id: d.id, status: "delivered", idempotencyKey: "dlv-1" }));
    assert.equal(data.previousStatus, "out_for_delivery");
    assert.equal(data.delivery.status, "delivered");
    // A retry with the same key gets the same answer, applied once.
    const again = assertOK(await ack(s, "delivery:update", { id: d.id, status: "delivered", idempotencyKey: "dlv-1" }));
    assert.deepEqual(again, data);
    const balance1 = (await server.must("GET", `/api/customers/${customerA.id}`, { token: admin.token })).balanceCents;
    assert.equal(balance1, balance0 + 800, "charged once");

    // Final states go nowhere.
    for (const status of ["scheduled", "out_for_delivery", "failed", "cancelled"]) {
      assertError(await ack(s, "delivery:update", { id: d.id, status }), "INVALID_TRANSITION", "status");
    }
    assertError(await ack(s, "delivery:update", { id: d.id, status: "teleported" }), "INVALID", "status");
    assertError(await ack(s, "delivery:update", { id: 999999, status: "delivered" }), "NOT_FOUND");
    // The delivery:updated events: two changes, nothing for the refusals.
    await sleep(300);
    const evs = named(s.log, "delivery:updated").filter((e) => e.payload.delivery.id === d.id);
    assert.deepEqual(
      evs.map((e) => [e.payload.previousStatus, e.payload.delivery.status]),
      [
        ["", "scheduled"],
        ["scheduled", "out_for_delivery"],
        ["out_for_delivery", "delivered"],
      ],
    );
  });

  it("malformed arguments get an error ack, never a crash", async () => {
    const { server, customerA } = env;
    const s = await socket();
    const good = { customerId: customerA.id, amountCents: 100, method: "cash", idempotencyKey: "malformed-ok" };
    const cases = [
      ["payment:add", [], "INVALID"],
      ["payment:add", ["a string"], "INVALID"],
      ["payment:add", [42], "INVALID"],
      ["payment:add", [null], "INVALID"],
      ["payment:add", [true], "INVALID"],
      ["payment:add", [[1, 2, 3]], "INVALID"],
      ["payment:add", [{ ...good, amountCents: "100" }], "INVALID", "amountCents"],
      ["payment:add", [{ ...good, amountCents: 1.5 }], "INVALID", "amountCents"],
      ["payment:add", [{ ...good, customerId: "x" }], "INVALID", "customerId"],
      ["payment:add", [{ ...good, customerId: { id: 1 } }], "INVALID", "customerId"],
      ["payment:add", [{ ...good, idempotencyKey: 7 }], "INVALID", "idempotencyKey"],
      ["payment:add", [{ ...good, amountCents: 1e30 }], "INVALID", "amountCents"],
      ["payment:add", [{ ...good, extra: 1 }], "INVALID", "extra"],
      ["payment:add", [{ ...good, reference: "x".repeat(100_000) }], "PAYLOAD_TOO_LARGE"],
      // Binary attachments, at the top and nested.
      ["payment:add", [Buffer.from("binary")], "INVALID"],
      ["payment:add", [{ ...good, idempotencyKey: "bin-1", reference: Buffer.from("ref") }], "INVALID", "reference"],
      ["payment:add", [good, "extra argument", 3], undefined],
      ["delivery:update", [], "INVALID"],
      ["delivery:update", ["delivered"], "INVALID"],
      ["delivery:update", [{}], "INVALID", "id"],
      ["delivery:update", [{ id: -1, status: "delivered" }], "INVALID", "id"],
      ["delivery:update", [{ id: 1 }], "INVALID", "status"],
      ["delivery:update", [{ id: "1", status: "delivered" }], "INVALID", "id"],
      ["delivery:update", [{ id: 1, status: 3 }], "INVALID", "status"],
      ["delivery:update", [{ id: 1, status: "delivered", note: 5 }], "INVALID", "note"],
      ["delivery:update", [{ id: 1, status: "delivered", customerId: 1 }], "INVALID", "customerId"],
      ["auth:refresh", [], "INVALID"],
      ["auth:refresh", ["token"], "INVALID"],
      ["auth:refresh", [{ token: 1 }], "INVALID", "token"],
      ["auth:refresh", [{ token: "x", more: 1 }], "INVALID", "more"],
    ];
    for (const [name, args, code, field] of cases) {
      const res = await ack(s, name, ...args);
      try {
        if (code === undefined) {
          assertOK(res); // extra arguments are ignored
          continue;
        }
        assertError(res, code, field);
      } catch (err) {
        err.message = `${name} ${JSON.stringify(args).slice(0, 200)}: ${err.message}`;
        throw err;
      }
    }
    // Nothing was recorded by any of them but the one valid command.
    const list = await server.must("GET", `/api/payments?customerId=${customerA.id}`, { token: env.admin.token });
    assert.equal(list.items.filter((p) => p.idempotencyKey === "malformed-ok").length, 1);
    assert.equal(list.items.filter((p) => p.idempotencyKey === "bin-1").length, 0);

    // Commands without an ack callback, and unknown events, are ignored.
    s.emit("payment:add", "no ack");
    s.emit("no:such:command", { a: 1 });
    s.emit("payment:add", { ...good, idempotencyKey: "fire-and-forget" });
    await until(() => named(s.log, "payment:added").some((e) => e.payload.payment.idempotencyKey === "fire-and-forget"));
    assertOK(await ack(s, "ping"));
    assert.equal(s.connected, true);
  });

  it("a payload over the transport's limit closes only that connection", async () => {
    const { server } = env;
    const victim = await socket();
    const bystander = await socket();
    const gone = next(victim, "disconnect", 5000);
    victim.emit("payment:add", { reference: "x".repeat(3_000_000) }, () => {});
    const reason = await gone;
    assert.ok(["transport close", "transport error"].includes(reason), reason);
    assertOK(await ack(bystander, "ping"));
    assert.equal((await server.api("GET", "/healthz")).status, 200);
  });

  it("too many commands on one socket get RATE_LIMITED, then recover", async () => {
    const s = await socket();
    const other = await socket();
    const errors = [];
    s.on("error", (e) => errors.push(e));
    const results = await Promise.all(Array.from({ length: 120 }, () => ack(s, "ping")));
    const limited = results.filter((r) => !r.ok);
    assert.ok(limited.length > 0, "some commands were limited");
    assert.ok(results.filter((r) => r.ok).length >= 20, "the burst was allowed");
    for (const r of limited) assertError(r, "RATE_LIMITED");
    // Without an ack callback, the refusal comes as an error event.
    for (let i = 0; i < 20; i++) s.emit("ping");
    await until(() => errors.length > 0, 2000, () => "error RATE_LIMITED");
    assert.equal(errors[0].code, "RATE_LIMITED");
    // Limits are per socket.
    assertOK(await ack(other, "ping"));
    // And the bucket refills.
    await sleep(1200);
    assertOK(await ack(s, "ping"));
    assert.equal(s.connected, true);
  });
});

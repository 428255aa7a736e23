// The AsyncAPI document at /api/asyncapi.json describes what the server
// really sends: every event and command payload received in a session that
// produces each of them is checked against the document's schemas, strictly
// (no undocumented field).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, today } from "./lib/server.mjs";
import { ack, connect, named, next, sleep, until } from "./lib/socket.mjs";

// validate checks value against a JSON Schema (the subset the document
// uses) and returns the problems found, with their paths.
function validate(doc, schema, value, path = "$", out = []) {
  if (schema.$ref) {
    const name = schema.$ref.replace("#/components/schemas/", "");
    const target = doc.components.schemas[name];
    if (!target) return out.concat(`${path}: unknown $ref ${schema.$ref}`);
    return validate(doc, target, value, path, out);
  }
  const type = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  switch (schema.type) {
    case undefined:
      return out; // any JSON
    case "object":
      if (type !== "object") return out.concat(`${path}: ${type}, want object`);
      for (const k of schema.required ?? []) if (!(k in value)) out.push(`${path}.${k}: missing`);
      for (const [k, v] of Object.entries(value)) {
        if (schema.properties?.[k]) validate(doc, schema.properties[k], v, `${path}.${k}`, out);
        else if (schema.additionalProperties) validate(doc, schema.additionalProperties, v, `${path}.${k}`, out);
        else out.push(`${path}.${k}: not in the schema`);
      }
      return out;
    case "array":
      if (type !== "array") return out.concat(`${path}: ${type}, want array`);
      value.forEach((v, i) => validate(doc, schema.items ?? {}, v, `${path}[${i}]`, out));
      return out;
    case "integer":
      if (!Number.isInteger(value)) out.push(`${path}: ${JSON.stringify(value)}, want integer`);
      return out;
    case "number":
      if (type !== "number") out.push(`${path}: ${type}, want number`);
      return out;
    case "string":
      if (type !== "string") out.push(`${path}: ${type}, want string`);
      else if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) out.push(`${path}: ${value} is not a date-time`);
      return out;
    case "boolean":
      if (type !== "boolean") out.push(`${path}: ${type}, want boolean`);
      return out;
    default:
      return out.concat(`${path}: unknown schema type ${schema.type}`);
  }
}

describe("AsyncAPI document", () => {
  let env, doc;
  const sockets = [];
  before(async () => {
    env = await setup({ ttl: "5s" });
    doc = await env.server.must("GET", "/api/asyncapi.json");
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await env?.server.stop();
    env?.ws.remove();
  });

  // message returns the document's message of a Socket.IO event name.
  const message = (name) => Object.values(doc.components.messages).find((m) => m.name === name);

  it("is AsyncAPI 3 and names every event and command of docs/events.md", () => {
    assert.match(doc.asyncapi, /^3\./);
    const names = Object.values(doc.components.messages).map((m) => m.name);
    for (const n of [
      "stats:updated",
      "delivery:updated",
      "payment:added",
      "customer:updated",
      "customer:removed",
      "payment:reversed",
      "delivery:reversed",
      "activity:updated",
      "user:updated",
      "presence:updated",
      "error",
      "stats:request",
      "ping",
      "delivery:update",
      "payment:add",
      "auth:refresh",
    ]) {
      assert.ok(names.includes(n), `${n} in ${names}`);
    }
  });

  it("describes every payload the server sends, and every acknowledgement", async () => {
    const { server, admin, vendorA, customerA, ids } = env;
    const s = await connect(server.url, admin.token);
    const v = await connect(server.url, vendorA.token);
    sockets.push(s, v);
    // Every kind of event.
    const c = await server.createCustomer(admin.token, { name: "Schema", vendorId: ids.vendorA, phone: "+91 98450 12345", email: "s@example.com", address: "1 Road" });
    const d = await server.must("POST", "/api/deliveries", {
      token: admin.token,
      body: { customerId: c.id, scheduledFor: today(), items: "Milk", quantity: 1, amountCents: 100, note: "n" },
    });
    await server.pay(admin.token, customerA.id, 100, { method: "upi", key: "schema-1" });
    await server.must("PATCH", `/api/users/${ids.vendorB}`, { token: admin.token, body: { name: "Vendor B2" } });
    const a2 = await connect(server.url, admin.token); // presence
    sockets.push(a2);
    // The customer moves to vendor B while vendor A is connected (before its
    // short-lived token expires): vendor A hears customer:removed.
    await server.must("PATCH", `/api/customers/${c.id}`, { token: admin.token, body: { vendorId: ids.vendorB } });
    // Every command, with its acknowledgement, successful and not.
    const acks = {
      ping: [await ack(s, "ping")],
      "stats:request": [await ack(s, "stats:request"), await ack(v, "stats:request")],
      "delivery:update": [
        await ack(s, "delivery:update", { id: d.id, status: "out_for_delivery" }),
        await ack(s, "delivery:update", { id: d.id, status: "delivered", note: "done", idempotencyKey: "schema-d" }),
        await ack(s, "delivery:update", { id: d.id, status: "scheduled" }),
      ],
      "payment:add": [
        await ack(s, "payment:add", { customerId: c.id, amountCents: 50, method: "cash", reference: "r", idempotencyKey: "schema-p" }),
        await ack(s, "payment:add", { customerId: c.id, amountCents: 50, method: "cash", reference: "r", idempotencyKey: "schema-p" }),
        await ack(s, "payment:add", {}),
      ],
      "auth:refresh": [
        await ack(s, "auth:refresh", { token: (await server.must("POST", "/api/auth/refresh", { body: { refreshToken: admin.refreshToken } })).token }),
        await ack(s, "auth:refresh", { token: "x" }),
      ],
    };
    // Corrections, and a status change (after the delivery: a paused
    // customer gets no delivery and no charge).
    await server.must("POST", `/api/deliveries/${d.id}/reversal`, { token: admin.token, body: { reason: "schema" } });
    const p = await server.pay(admin.token, customerA.id, 100, { method: "upi", key: "schema-2" });
    await server.must("POST", `/api/payments/${p.payment.id}/reversal`, { token: admin.token, body: { reason: "schema" } });
    await server.must("PATCH", `/api/customers/${c.id}`, { token: admin.token, body: { status: "paused" } });
    // And an asynchronous error: the vendor's token expires.
    await next(v, "error", 10000);
    await until(() => named(s.log, "stats:updated").length >= 2);
    await sleep(300);

    const seen = new Set();
    const problems = [];
    for (const e of [...s.log, ...v.log]) {
      const m = message(e.name);
      if (!m) {
        problems.push(`${e.name}: not in the document`);
        continue;
      }
      seen.add(e.name);
      validate(doc, m.payload, e.payload, e.name, problems);
    }
    for (const [name, results] of Object.entries(acks)) {
      const key = Object.keys(doc.components.messages).find((k) => doc.components.messages[k].name === name);
      const ackMsg = doc.components.messages[`${key}Ack`];
      assert.ok(ackMsg, `${name}: acknowledgement in the document`);
      for (const r of results) validate(doc, ackMsg.payload, r, `${name} ack`, problems);
    }
    for (const n of ["stats:updated", "delivery:updated", "payment:added", "customer:updated", "activity:updated", "user:updated", "presence:updated", "error",
      "payment:reversed", "delivery:reversed", "customer:removed"]) {
      assert.ok(seen.has(n), `the session produced ${n}`);
    }
    assert.deepEqual([...new Set(problems)], [], "payloads that the document does not describe");
  });
});

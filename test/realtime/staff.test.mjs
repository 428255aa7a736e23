// Staff see their round only (issue 17): a staff socket receives the
// delivery and payment events of its own area, none of its vendor's other
// area nor of another vendor, no activity or figures; and after its
// transport drops, the replay applies the same filter.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { suite, PASSWORD } from "./lib/server.mjs";
import { connect, connected, named, next, sleep, until } from "./lib/socket.mjs";

describe("staff events", () => {
  const env = suite();

  it("a staff socket receives its round's events only, live and replayed", async () => {
    const { server, admin, ids, customerA, customerB } = env;
    const today = new Date().toISOString().slice(0, 10);
    const area1 = await server.must("POST", "/api/areas", { token: admin.token, body: { name: "North", vendorId: ids.vendorA } });
    const area2 = await server.must("POST", "/api/areas", { token: admin.token, body: { name: "South", vendorId: ids.vendorA } });
    await server.must("PATCH", `/api/customers/${customerA.id}`, { token: admin.token, body: { areaId: area1.id } });
    const other = await server.createCustomer(admin.token, { name: "Other A", vendorId: ids.vendorA, areaId: area2.id });
    await server.must("POST", "/api/users", {
      token: admin.token,
      body: { email: "priya@rt.test", name: "Priya", role: "staff", vendorId: ids.vendorA, areaIds: [area1.id], password: PASSWORD },
    });
    const staff = await server.login("priya@rt.test");
    const delivery = (customerId) =>
      server.must("POST", "/api/deliveries", {
        token: admin.token,
        body: { customerId, scheduledFor: today, items: "Milk", quantity: 1, amountCents: 4500 },
      });

    const s = await connect(server.url, staff.token);
    env.sockets.push(s);
    const mine = await delivery(customerA.id);
    await delivery(other.id);
    await delivery(customerB.id);
    await server.pay(admin.token, other.id, 100);
    await server.pay(admin.token, customerB.id, 100);
    await server.pay(admin.token, customerA.id, 200);
    await until(() => named(s.log, "payment:added").length === 1, 5000, () => "the staff member's payment");
    await sleep(300);
    assert.deepEqual(
      s.log.map((e) => [e.name, e.payload.delivery?.customerId ?? e.payload.payment?.customerId]),
      [
        ["delivery:updated", customerA.id],
        ["payment:added", customerA.id],
      ],
    );

    // Away: the same writes again; back, only its own are replayed.
    s.io.reconnection(false);
    const gone = next(s, "disconnect");
    s.io.engine.close();
    await gone;
    const mark = s.log.length;
    await server.must("PATCH", `/api/deliveries/${mine.id}`, { token: admin.token, body: { status: "out_for_delivery" } });
    await delivery(other.id);
    await server.pay(admin.token, other.id, 300);
    await server.pay(admin.token, customerB.id, 300);
    s.io.reconnection(true);
    await connected(s, 10000);
    assert.equal(s.recovered, true, "socket.recovered");
    await sleep(500);
    assert.deepEqual(
      s.log.slice(mark).map((e) => [e.name, e.payload.delivery?.id, e.payload.delivery?.status]),
      [["delivery:updated", mine.id, "out_for_delivery"]],
    );
  });
});

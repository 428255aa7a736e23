// presence:updated: who is online among the admins, sent to admins only.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup } from "./lib/server.mjs";
import { connect, named, sleep, until } from "./lib/socket.mjs";

describe("presence", () => {
  let env, admin2;
  const sockets = [];
  before(async () => {
    env = await setup();
    env.ids.admin2 = env.ws.createUser({ email: "admin2@rt.test", role: "admin", name: "Bo Admin" });
    admin2 = await env.server.login("admin2@rt.test");
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await env?.server.stop();
    env?.ws.remove();
  });

  const online = (s) => named(s.log, "presence:updated").at(-1)?.payload.admins.map((a) => a.id);

  it("lists each online admin once, longest online first, and only to admins", async () => {
    const { server, admin, vendorA, ids } = env;
    const a1 = await connect(server.url, admin.token);
    sockets.push(a1);
    await until(() => online(a1)?.length === 1, 5000, () => "presence with one admin");
    const p = named(a1.log, "presence:updated").at(-1).payload;
    assert.deepEqual(Object.keys(p), ["admins"]);
    assert.deepEqual(Object.keys(p.admins[0]).sort(), ["id", "name", "since"]);
    assert.equal(p.admins[0].id, ids.admin);
    assert.equal(p.admins[0].name, "Ada Admin");
    assert.ok(Date.parse(p.admins[0].since) <= Date.now());

    await sleep(20);
    const b = await connect(server.url, admin2.token);
    sockets.push(b);
    await until(() => online(a1)?.length === 2 && online(b)?.length === 2, 5000, () => "both admins online");
    assert.deepEqual(online(a1), [ids.admin, ids.admin2]);

    // A second tab of the first admin: still listed once.
    const a2 = await connect(server.url, admin.token);
    const vendor = await connect(server.url, vendorA.token);
    sockets.push(a2, vendor);
    await sleep(300);
    assert.deepEqual(online(a2), [ids.admin, ids.admin2]);
    assert.deepEqual(online(a1), [ids.admin, ids.admin2]);

    // The second admin leaves; the first is still online while one tab is.
    b.close();
    await until(() => online(a1)?.length === 1, 5000, () => "the second admin gone");
    assert.deepEqual(online(a1), [ids.admin]);
    a1.close();
    await sleep(300);
    assert.deepEqual(online(a2), [ids.admin], "online while its other tab is");

    assert.equal(named(vendor.log, "presence:updated").length, 0, "vendors get no presence");
  });
});

// Authentication of sockets: refused handshakes, token expiry of connected
// sockets, auth:refresh, and revocation when an admin suspends a user or
// changes its role.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { suite } from "./lib/server.mjs";
import { ack, connect, connectError, connected, named, next, sleep, until } from "./lib/socket.mjs";

// resign returns token with its claims changed by edit and signed with key
// (HS256), or unsigned with alg "none".
function resign(token, key, edit = (c) => c, alg = "HS256") {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const claims = edit(JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()));
  const head = `${b64({ alg, typ: "JWT" })}.${b64(claims)}`;
  if (alg === "none") return `${head}.`;
  return `${head}.${createHmac("sha256", key).update(head).digest("base64url")}`;
}

function assertRefused(err, code) {
  assert.equal(err.data?.code, code, `connect_error ${JSON.stringify({ message: err.message, data: err.data })}`);
  assert.equal(typeof err.message, "string");
  assert.ok(err.message.length > 0);
}

describe("handshake authentication", () => {
  const env = suite();

  it("refuses a missing token with AUTH_REQUIRED", async () => {
    assertRefused(await connectError(env.server.url, undefined), "AUTH_REQUIRED");
    assertRefused(await connectError(env.server.url, ""), "AUTH_REQUIRED");
    assertRefused(await connectError(env.server.url, undefined, { transports: ["polling"] }), "AUTH_REQUIRED");
  });

  it("refuses garbage with TOKEN_INVALID", async () => {
    for (const token of ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.", "x".repeat(5000)]) {
      assertRefused(await connectError(env.server.url, token), "TOKEN_INVALID");
    }
    // Not a string at all.
    assertRefused(await connectError(env.server.url, 12345), "TOKEN_INVALID");
  });

  it("refuses a token signed with another key, or unsigned, with TOKEN_INVALID", async () => {
    const { token } = env.admin;
    // The genuine token connects; the same claims under another key do not.
    (await connect(env.server.url, token)).close();
    assertRefused(await connectError(env.server.url, resign(token, "another-key-of-at-least-32-characters")), "TOKEN_INVALID");
    assertRefused(await connectError(env.server.url, resign(token, "", (c) => c, "none")), "TOKEN_INVALID");
    // A refresh token is not an access token.
    assertRefused(await connectError(env.server.url, env.admin.refreshToken), "TOKEN_INVALID");
    // A token forged to raise a vendor to admin.
    const forged = resign(env.vendorA.token, "another-key-of-at-least-32-characters", (c) => ({ ...c, role: "admin" }));
    assertRefused(await connectError(env.server.url, forged), "TOKEN_INVALID");
  });
});

describe("token expiry (--token-ttl 5s)", () => {
  const env = suite({ ttl: "5s" });
  const { sockets } = env;

  it("expires, refreshes and refuses as documented", async () => {
    const { server, customerA } = env;
    // A fresh token, so that the timeline below starts now.
    const session = await server.must("POST", "/api/auth/refresh", { body: { refreshToken: env.admin.refreshToken } });
    const expiresAt = Date.parse(session.expiresAt);
    const expiring = await connect(server.url, session.token);
    const refreshing = await connect(server.url, session.token);
    const away = await connect(server.url, session.token);
    sockets.push(expiring, refreshing, away);
    const errors = { expiring: [], refreshing: [] };
    expiring.on("error", (e) => errors.expiring.push(e));
    refreshing.on("error", (e) => errors.refreshing.push(e));
    const expiringGone = next(expiring, "disconnect", 10000);

    // auth:refresh with another user's token, or garbage, is refused and
    // changes nothing.
    let res = await ack(refreshing, "auth:refresh", { token: env.vendorA.token });
    assert.deepEqual([res.ok, res.error?.code], [false, "TOKEN_INVALID"], JSON.stringify(res));
    res = await ack(refreshing, "auth:refresh", { token: "garbage" });
    assert.deepEqual([res.ok, res.error?.code], [false, "TOKEN_INVALID"], JSON.stringify(res));
    res = await ack(refreshing, "auth:refresh", {});
    assert.equal(res.ok, false, JSON.stringify(res));

    // Well before expiry (as the dashboard does), the client refreshes over
    // REST and hands the socket the new token, which lives a few seconds
    // longer than the first.
    await sleep(Math.max(0, expiresAt - 1500 - Date.now()));
    // Only the refresh token renews a session (single-use: the answer
    // carries the next one).
    const fresh = await server.must("POST", "/api/auth/refresh", { body: { refreshToken: session.refreshToken } });
    res = await ack(refreshing, "auth:refresh", { token: fresh.token });
    assert.equal(res.ok, true, JSON.stringify(res));
    assert.equal(Date.parse(res.data.expiresAt), Date.parse(fresh.expiresAt));
    assert.ok(Date.parse(fresh.expiresAt) > expiresAt, "the new token lives longer");

    // The third client's transport drops; it is away when its token expires.
    const awayGone = next(away, "disconnect");
    away.io.engine.close();
    await awayGone;

    // The un-refreshed socket is told and disconnected when its token expires.
    const reason = await expiringGone;
    const goneAt = Date.now();
    assert.equal(reason, "io server disconnect");
    assert.ok(goneAt >= expiresAt - 1000 && goneAt < expiresAt + 2000, `disconnected ${goneAt - expiresAt} ms after expiry`);
    assert.equal(errors.expiring.length, 1, JSON.stringify(errors.expiring));
    assert.equal(errors.expiring[0].code, "TOKEN_EXPIRED");
    assert.equal(typeof errors.expiring[0].message, "string");

    // Past the original expiry, the refreshed socket is still connected
    // and still receives events.
    await sleep(Math.max(0, expiresAt + 700 - Date.now()));
    assert.equal(refreshing.connected, true);
    assert.equal(errors.refreshing.length, 0);
    const pay = await server.pay(fresh.token, customerA.id, 100);
    await until(() => named(refreshing.log, "payment:added").some((e) => e.payload.payment.id === pay.payment.id), 5000, () => `payment ${pay.payment.id} on the refreshed socket; connected=${refreshing.connected}, got ${JSON.stringify(refreshing.log.map((e) => [e.name, e.payload?.seq ?? e.payload?.code]))}`);

    // The expired token is refused on a new connection, and on the away
    // client's attempt to recover its session.
    assertRefused(await connectError(server.url, session.token), "TOKEN_EXPIRED");
    const err = await connected(away).then(
      () => assert.fail("a recovering client with an expired token was admitted"),
      (e) => e,
    );
    assertRefused(err, "TOKEN_EXPIRED");

    // Its transport drops after the original expiry: it comes back with the
    // token it holds now (as the dashboard's auth callback gives it) and
    // recovers what it missed.
    refreshing.auth = { token: fresh.token };
    const dropped = next(refreshing, "disconnect");
    refreshing.io.engine.close();
    await dropped;
    const missed = await server.pay(fresh.token, customerA.id, 200);
    await connected(refreshing);
    assert.equal(refreshing.recovered, true);
    await until(() => named(refreshing.log, "payment:added").some((e) => e.payload.payment.id === missed.payment.id), 5000, () => "the missed payment");

    // The refreshed socket expires in its turn, at the new expiry.
    const refreshedGone = await next(refreshing, "disconnect", 10000);
    assert.equal(refreshedGone, "io server disconnect");
    assert.ok(Date.now() >= Date.parse(fresh.expiresAt) - 1000, "not before the new expiry");
    assert.deepEqual(errors.refreshing.map((e) => e.code), ["TOKEN_EXPIRED"]);
  });
});

describe("revocation: suspending a user or changing its role", () => {
  const env = suite();
  const { sockets } = env;

  async function watch(socket) {
    const errors = [];
    socket.on("error", (e) => errors.push(e));
    const gone = next(socket, "disconnect", 3000).then((reason) => ({ reason, at: Date.now() }));
    return { socket, errors, gone };
  }

  it("suspending a vendor disconnects all its sockets at once, and it cannot reconnect", async () => {
    const { server, admin, vendorA, vendorB, ids } = env;
    const a1 = await watch(await connect(server.url, vendorA.token));
    const a2 = await watch(await connect(server.url, vendorA.token, { transports: ["polling"] }));
    const b = await connect(server.url, vendorB.token);
    const adm = await connect(server.url, admin.token);
    sockets.push(a1.socket, a2.socket, b, adm);

    const t0 = Date.now();
    const u = await server.must("PATCH", `/api/users/${ids.vendorA}`, { token: admin.token, body: { status: "suspended" } });
    assert.equal(u.status, "suspended");
    for (const w of [a1, a2]) {
      const { reason, at } = await w.gone;
      assert.equal(reason, "io server disconnect");
      assert.ok(at - t0 < 1000, `disconnected ${at - t0} ms after the PATCH was sent`);
      assert.equal(w.errors.length, 1, JSON.stringify(w.errors));
      assert.equal(typeof w.errors[0].code, "string");
    }
    // The others stay.
    await sleep(200);
    assert.equal(b.connected, true);
    assert.equal(adm.connected, true);

    // The suspended user's token is refused, on a new socket and when the
    // old one tries to come back.
    assertRefused(await connectError(server.url, vendorA.token), "TOKEN_INVALID");
    const err = await connected(a1.socket).then(
      () => assert.fail("a suspended user reconnected"),
      (e) => e,
    );
    assertRefused(err, "TOKEN_INVALID");
    // And it cannot log in to get another.
    const login = await server.api("POST", "/api/auth/login", { body: { email: "vendor-a@rt.test", password: "correct-horse-battery" } });
    assert.equal(login.status, 401);

    // Reactivated, it connects again with a new login.
    await server.must("PATCH", `/api/users/${ids.vendorA}`, { token: admin.token, body: { status: "active" } });
    const again = await server.login("vendor-a@rt.test");
    const s = await connect(server.url, again.token);
    sockets.push(s);
    assert.equal(s.connected, true);
  });

  it("a user suspended while its transport is down cannot recover its session", async () => {
    const { server, admin, ids } = env;
    const session = await server.login("vendor-b@rt.test");
    const s = await connect(server.url, session.token);
    sockets.push(s);
    await server.pay(admin.token, env.customerB.id, 100);
    await until(() => named(s.log, "payment:added").length === 1);
    const gone = next(s, "disconnect");
    s.io.engine.close();
    await gone;
    await server.must("PATCH", `/api/users/${ids.vendorB}`, { token: admin.token, body: { status: "suspended" } });
    await server.pay(admin.token, env.customerB.id, 100);
    const err = await connected(s).then(
      () => assert.fail("a suspended user recovered its session"),
      (e) => e,
    );
    assertRefused(err, "TOKEN_INVALID");
    assert.equal(named(s.log, "payment:added").length, 1, "nothing was replayed to it");
    await server.must("PATCH", `/api/users/${ids.vendorB}`, { token: admin.token, body: { status: "active" } });
  });

  it("changing a role disconnects at once; the old token no longer connects; renaming does not disconnect", async () => {
    const { server, admin } = env;
    const id = env.ws.createUser({ email: "admin3@rt.test", role: "admin", name: "Cy Admin" });
    const before = await server.login("admin3@rt.test");
    const w = await watch(await connect(server.url, before.token));
    sockets.push(w.socket);

    // A rename leaves the socket alone.
    await server.must("PATCH", `/api/users/${id}`, { token: admin.token, body: { name: "Cy Renamed" } });
    await sleep(500);
    assert.equal(w.socket.connected, true, "a rename must not disconnect");

    const t0 = Date.now();
    await server.must("PATCH", `/api/users/${id}`, { token: admin.token, body: { role: "vendor" } });
    const { reason, at } = await w.gone;
    assert.equal(reason, "io server disconnect");
    assert.ok(at - t0 < 1000, `disconnected ${at - t0} ms after the PATCH`);
    assertRefused(await connectError(server.url, before.token), "TOKEN_INVALID");

    // With a new login it connects as a vendor: no admin-only events.
    const after = await server.login("admin3@rt.test");
    assert.equal(after.user.role, "vendor");
    const s = await connect(server.url, after.token);
    sockets.push(s);
    await server.must("PATCH", `/api/users/${env.ids.vendorA}`, { token: admin.token, body: { name: "Vendor A2" } });
    await server.pay(admin.token, env.customerA.id, 100);
    await sleep(500);
    assert.equal(named(s.log, "user:updated").length, 0);
    assert.equal(named(s.log, "presence:updated").length, 0);
    assert.equal(named(s.log, "payment:added").length, 0, "another vendor's payment");
  });
});

describe("revocation: a password reset, a reused refresh token, a logout", () => {
  const env = suite();
  const { sockets } = env;

  async function revoked(socket, t0, what) {
    const errors = [];
    socket.on("error", (e) => errors.push(e));
    const reason = await next(socket, "disconnect", 3000);
    const at = Date.now();
    assert.equal(reason, "io server disconnect", what);
    assert.ok(at - t0 < 1000, `${what}: disconnected ${at - t0} ms after the change`);
    assert.deepEqual(errors.map((e) => e.code), ["SESSION_REVOKED"], what);
  }

  it("a password reset refuses the old access token, refresh token and socket within a second", async () => {
    const { server, admin, ids } = env;
    const old = await server.login("vendor-a@rt.test");
    const s = await connect(server.url, old.token);
    sockets.push(s);
    const gone = revoked(s, Date.now(), "password reset");
    await server.must("PATCH", `/api/users/${ids.vendorA}`, { token: admin.token, body: { password: "a-new-password-for-a" } });
    const me = await server.api("GET", "/api/me", { token: old.token });
    assert.deepEqual([me.status, me.body.error?.code], [401, "SESSION_REVOKED"]);
    const r = await server.api("POST", "/api/auth/refresh", { body: { refreshToken: old.refreshToken } });
    assert.deepEqual([r.status, r.body.error?.code], [401, "SESSION_REVOKED"]);
    await gone;
    assertRefused(await connectError(server.url, old.token), "SESSION_REVOKED");
    const fresh = await server.login("vendor-a@rt.test", "a-new-password-for-a");
    sockets.push(await connect(server.url, fresh.token));
  });

  it("a reused refresh token ends the session and its sockets", async () => {
    const { server } = env;
    const first = await server.login("vendor-b@rt.test");
    const second = await server.must("POST", "/api/auth/refresh", { body: { refreshToken: first.refreshToken } });
    const s = await connect(server.url, second.token);
    sockets.push(s);
    const gone = revoked(s, Date.now(), "refresh token reuse");
    const again = await server.api("POST", "/api/auth/refresh", { body: { refreshToken: first.refreshToken } });
    assert.deepEqual([again.status, again.body.error?.code], [401, "SESSION_REVOKED"]);
    await gone;
    const r = await server.api("POST", "/api/auth/refresh", { body: { refreshToken: second.refreshToken } });
    assert.equal(r.status, 401);
  });

  it("a logout disconnects the session's sockets, not the user's other sessions", async () => {
    const { server } = env;
    const laptop = await server.login("vendor-b@rt.test");
    const phone = await server.login("vendor-b@rt.test");
    const s = await connect(server.url, laptop.token);
    const p = await connect(server.url, phone.token);
    sockets.push(s, p);
    const gone = revoked(s, Date.now(), "logout");
    await server.must("POST", "/api/auth/logout", { token: laptop.token });
    await gone;
    await sleep(200);
    assert.equal(p.connected, true, "the other session's socket stays");
  });
});

describe("a session recovered after a role change", () => {
  const env = suite();
  const { sockets } = env;

  // Its replay holds no admin-only event either: not even the change of its
  // own account, which live delivery sends to admins only.
  it("gets the rooms and the replay of the new role, not those of the session", async () => {
    const { server, admin, customerA, customerB, ids } = env;
    const id = env.ws.createUser({ email: "demoted@rt.test", role: "admin", name: "Dee Admin" });
    const old = await server.login("demoted@rt.test");
    const s = await connect(server.url, old.token);
    sockets.push(s);
    await server.pay(admin.token, customerB.id, 100);
    await until(() => named(s.log, "payment:added").length === 1);

    // Its transport drops; meanwhile it is made a vendor (so it is now
    // vendor `id`, with no customers), and logs in again.
    s.io.reconnection(false);
    const gone = next(s, "disconnect");
    s.io.engine.close();
    await gone;
    await server.must("PATCH", `/api/users/${id}`, { token: admin.token, body: { role: "vendor" } });
    const fresh = await server.login("demoted@rt.test");
    assert.equal(fresh.user.role, "vendor");
    // The client reconnects with its new token (as the dashboard's auth
    // callback does) and its old session id.
    s.auth = { token: fresh.token };
    const mark = s.log.length;
    await connected(s);
    assert.equal(s.recovered, true, "its session resumes, under its new identity");

    // Whatever happens to the session, it must now see as a vendor only.
    await server.pay(admin.token, customerA.id, 100);
    await server.pay(admin.token, customerB.id, 100);
    await server.must("PATCH", `/api/users/${ids.vendorA}`, { token: admin.token, body: { name: "Vendor A renamed" } });
    await sleep(700);
    const got = s.log.slice(mark).filter((e) => e.name !== "stats:updated");
    assert.deepEqual(
      got.map((e) => [e.name, e.payload?.seq, e.payload?.entry?.vendorId ?? e.payload?.payment?.vendorId]),
      [],
      "a vendor with no customers receives no other vendor's or admin-only event",
    );
    // Its figures are a vendor's (its own, empty), not the business's.
    const st = named(s.log.slice(mark), "stats:updated").at(-1)?.payload.stats;
    if (st) assert.equal(st.paymentsToday, 0, JSON.stringify(st));
  });
});

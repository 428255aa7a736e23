// Connection state recovery: the server replays from its event log the
// events a socket missed while its transport was down.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { Manager } from "socket.io-client";
import { URL, ack, client, connected, next, until } from "./helpers.mjs";

describe("connection state recovery", () => {
  const sockets = [];
  after(() => sockets.forEach((s) => s.disconnect()));

  for (const transports of [["polling", "websocket"], ["websocket"]]) {
    it(`recovers the session and the missed events (${transports.join("+")})`, async () => {
      const socket = client("/", { transports, reconnection: true, reconnectionDelay: 500, reconnectionDelayMax: 500 });
      const publisher = client("/");
      sockets.push(socket, publisher);
      await Promise.all([connected(socket), connected(publisher)]);
      assert.equal(socket.recovered, false);
      const received = [];
      socket.on("feed", (value, offset) => received.push([value, offset]));

      const [first] = await ack(publisher, "publish", "before");
      await until(() => received.length === 1, 5000, "the first event");
      assert.deepEqual(received[0], ["before", String(first)]);
      const id = socket.id;

      // What the application sees, in order, from now on.
      const order = [];
      socket.on("feed", (value) => order.push(value));
      socket.on("connect", () => order.push("connect"));

      const gone = next(socket, "disconnect");
      const back = next(socket, "connect", 5000);
      socket.io.engine.close();
      assert.ok(["transport close", "forced close"].includes((await gone)[0]));
      const [s1] = await ack(publisher, "publish", "missed-1");
      const [s2] = await ack(publisher, "publish", "missed-2");
      await back;
      assert.equal(socket.recovered, true);
      assert.equal(socket.id, id);
      await until(() => received.length >= 3, 5000, "the missed events");
      assert.deepEqual(received.slice(1), [["missed-1", String(s1)], ["missed-2", String(s2)]]);
      // As with the reference server, the missed events are sent before
      // the CONNECT answer: the client emits them before "connect".
      assert.deepEqual(order, ["missed-1", "missed-2", "connect"]);

      const [s3] = await ack(publisher, "publish", "live");
      await until(() => received.length >= 4, 5000, "the live event");
      assert.deepEqual(received.slice(3), [["live", String(s3)]], JSON.stringify(received));
    });
  }

  it("keeps the real offset across events that carry none (issue 14 item 5)", async () => {
    const socket = client("/", { transports: ["websocket"], reconnection: true, reconnectionDelay: 300, reconnectionDelayMax: 300 });
    const publisher = client("/");
    sockets.push(socket, publisher);
    await Promise.all([connected(socket), connected(publisher)]);
    const feed = [];
    socket.on("feed", (value) => feed.push(value));
    await ack(publisher, "publish", "seen");
    await until(() => feed.length === 1, 5000, "the first event");
    // Events without an offset whose last argument is a string: the
    // official client would take "to the room" (or the name "nudge") as its
    // offset, and replay from there.
    const chats = [];
    socket.on("chat", (text) => chats.push(text));
    const nudged = next(socket, "nudge");
    await ack(socket, "say");
    await nudged;
    assert.deepEqual(chats, ["hello", "to the room"]);

    const back = next(socket, "connect", 5000);
    socket.io.engine.close();
    await ack(publisher, "publish", "missed");
    await back;
    assert.equal(socket.recovered, true);
    await ack(publisher, "publish", "live");
    await until(() => feed.length >= 3, 5000, "the missed and live events");
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(feed, ["seen", "missed", "live"]);
  });

  it("recovers both namespaces of a multiplexed connection", async () => {
    const manager = new Manager(URL, { autoConnect: false, reconnectionDelay: 300, reconnectionDelayMax: 300 });
    const main = manager.socket("/");
    const custom = manager.socket("/custom");
    sockets.push(main, custom);
    // The client resumes a namespace only with an offset, which it learns
    // from an event: wait for each namespace's "auth" event (sent on
    // connection, it may arrive after "connect") before cutting the line.
    const authed = Promise.all([next(main, "auth"), next(custom, "auth")]);
    await Promise.all([connected(main), connected(custom)]);
    await authed;
    const ids = [main.id, custom.id];
    const back = Promise.all([next(main, "connect"), next(custom, "connect")]);
    manager.engine.close();
    await back;
    assert.deepEqual([main.recovered, custom.recovered], [true, true]);
    assert.deepEqual([main.id, custom.id], ids);
    assert.deepEqual(await ack(custom, "echo", "ok"), ["ok"]);
  });

  it("does not recover after an explicit disconnect()", async () => {
    const socket = client("/");
    const publisher = client("/");
    sockets.push(socket, publisher);
    await Promise.all([connected(socket), connected(publisher)]);
    const seen = next(socket, "feed");
    await ack(publisher, "publish", "seen");
    await seen;
    const id = socket.id;
    socket.disconnect();
    await ack(publisher, "publish", "while-away");
    await connected(socket);
    assert.equal(socket.recovered, false);
    assert.notEqual(socket.id, id);
    // A live event after the reconnection arrives, the missed one never.
    const live = next(socket, "feed");
    await ack(publisher, "publish", "after");
    assert.deepEqual((await live).slice(0, 1), ["after"]);
  });
});

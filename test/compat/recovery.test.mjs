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

      const [s3] = await ack(publisher, "publish", "live");
      await until(() => received.length >= 4, 5000, "the live event");
      assert.deepEqual(received.slice(3), [["live", String(s3)]], JSON.stringify(received));
    });
  }

  it("recovers both namespaces of a multiplexed connection", async () => {
    const manager = new Manager(URL, { autoConnect: false, reconnectionDelay: 300, reconnectionDelayMax: 300 });
    const main = manager.socket("/");
    const custom = manager.socket("/custom");
    sockets.push(main, custom);
    await Promise.all([connected(main), connected(custom)]);
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

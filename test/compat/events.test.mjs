// Auth, acknowledgement timeouts, rooms, namespaces and (re)connections.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Manager } from "socket.io-client";
import { URL, ack, client, connected, next, none } from "./helpers.mjs";

const open = [];
function track(socket) {
  open.push(socket);
  return socket;
}
afterEach(() => {
  while (open.length) open.pop().disconnect();
});

describe("auth", () => {
  it("accepts a connection and shows the auth object to the server", async () => {
    const socket = track(client("/", { auth: { token: "good" } }));
    const auth = next(socket, "auth");
    await connected(socket);
    assert.deepEqual((await auth)[0], { token: "good" });
  });

  it("refuses a connection with connect_error, message and data", async () => {
    const socket = track(client("/", { auth: { token: "bad" } }));
    const failed = next(socket, "connect_error");
    socket.connect();
    const [err] = await failed;
    assert.equal(err.message, "invalid token");
    assert.deepEqual(err.data, { code: "TOKEN_INVALID" });
    assert.equal(socket.connected, false);
  });
});

describe("acknowledgement timeouts", () => {
  it("times out on the client when the server does not answer", async () => {
    const socket = track(await connected(client()));
    const [err] = await new Promise((resolve) => socket.timeout(200).emit("no-ack", 1, (...args) => resolve(args)));
    assert.ok(err instanceof Error);
    await assert.rejects(socket.timeout(200).emitWithAck("no-ack"));
  });

  it("times out on the server when the client does not answer", async () => {
    const socket = track(await connected(client()));
    socket.on("question", () => {}); // never calls back
    const answer = next(socket, "answer");
    socket.emit("ask", 200, "q");
    const [res] = await answer;
    assert.match(res.error, /deadline exceeded/);
  });
});

describe("rooms", () => {
  it("broadcasts to the sockets of a room only", async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => connected(track(client()))));
    assert.deepEqual(await ack(a, "join", "room-1"), [true]);
    assert.deepEqual(await ack(b, "join", "room-1"), [true]);
    const got = [next(a, "room-msg"), next(b, "room-msg"), none(c, "room-msg")];
    c.emit("to-room", "room-1", "hi", Buffer.from([1]));
    const [[ma, ba], [mb]] = await Promise.all(got.slice(0, 2));
    assert.equal(ma, "hi");
    assert.deepEqual([...ba], [1]);
    assert.equal(mb, "hi");
    await got[2];
  });

  it("broadcasts to the whole namespace, sender included", async () => {
    const [a, b] = await Promise.all([1, 2].map(() => connected(track(client()))));
    const got = Promise.all([next(a, "broadcast"), next(b, "broadcast")]);
    a.emit("broadcast", { x: 1 });
    assert.deepEqual(await got, [[{ x: 1 }], [{ x: 1 }]]);
  });
});

describe("namespaces", () => {
  it("multiplexes two namespaces over one connection", async () => {
    const manager = new Manager(URL, { autoConnect: false, reconnection: false });
    const main = track(manager.socket("/"));
    const custom = track(manager.socket("/custom", { auth: { token: "abc" } }));
    const customAuth = next(custom, "auth");
    await Promise.all([connected(main), connected(custom)]);
    assert.deepEqual((await customAuth)[0], { token: "abc" });
    const [[m], [c]] = await Promise.all([ack(main, "info"), ack(custom, "info")]);
    assert.equal(m.conn, c.conn, "one Engine.IO connection");
    assert.notEqual(m.id, c.id);
    assert.deepEqual(await ack(custom, "echo", "in custom"), ["in custom"]);
    main.disconnect();
    assert.deepEqual(await ack(custom, "echo", "still there"), ["still there"]);
  });

  it("refuses an unknown namespace", async () => {
    const socket = track(client("/unknown"));
    const failed = next(socket, "connect_error");
    socket.connect();
    assert.equal((await failed)[0].message, "Invalid namespace");
  });
});

describe("connection lifecycle", () => {
  it("disconnects manually and reconnects", async () => {
    const socket = track(await connected(client()));
    const firstID = socket.id;
    const gone = next(socket, "disconnect");
    socket.disconnect();
    assert.equal((await gone)[0], "io client disconnect");
    await connected(socket);
    assert.notEqual(socket.id, firstID);
    assert.deepEqual(await ack(socket, "echo", 1), [1]);
  });

  it("is disconnected by the server", async () => {
    const socket = track(await connected(client()));
    const gone = next(socket, "disconnect");
    socket.emit("server-disconnect");
    assert.equal((await gone)[0], "io server disconnect");
  });

  for (const transports of [["polling"], ["websocket"]]) {
    it(`reconnects by itself after the ${transports[0]} transport drops`, async () => {
      const socket = track(client("/", { transports, reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 }));
      await connected(socket);
      const gone = next(socket, "disconnect");
      const back = next(socket, "connect");
      socket.io.engine.close();
      assert.ok(["transport close", "forced close"].includes((await gone)[0]));
      await back;
      assert.equal(socket.connected, true);
      assert.deepEqual(await ack(socket, "echo", "again"), ["again"]);
    });
  }
});

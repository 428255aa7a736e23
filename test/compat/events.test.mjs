// Auth, acknowledgement timeouts, rooms, namespaces and (re)connections.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Manager } from "socket.io-client";
import { URL, ack, client, connected, next, none, sleep } from "./helpers.mjs";

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

describe("broadcasts with acknowledgements", () => {
  it("collects every answer of a room, as io.to(room).timeout(ms).emit(…, cb)", async () => {
    const voters = [track(await connected(client())), track(await connected(client()))];
    const asker = track(await connected(client()));
    await Promise.all(voters.map((v) => ack(v, "join", "voters")));
    voters.forEach((v, i) => v.on("vote", (topic, cb) => cb({ voter: i, topic })));
    const [err, answers] = await ack(asker, "ask-room", "voters", 2000, "lunch");
    assert.equal(err, null);
    assert.deepEqual(answers.map(([a]) => a).sort((a, b) => a.voter - b.voter), [
      { voter: 0, topic: "lunch" },
      { voter: 1, topic: "lunch" },
    ]);
  });

  it("reports a timeout with the answers received", async () => {
    const voter = track(await connected(client()));
    const silent = track(await connected(client()));
    const asker = track(await connected(client()));
    await Promise.all([ack(voter, "join", "mixed"), ack(silent, "join", "mixed")]);
    voter.on("vote", (topic, cb) => cb(topic));
    silent.on("vote", () => {});
    const [err, answers] = await ack(asker, "ask-room", "mixed", 300, "dinner");
    assert.match(err, /deadline exceeded/);
    assert.deepEqual(answers, [["dinner"]]);
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

  for (const transports of [["polling"], ["websocket"], ["polling", "websocket"]]) {
    it(`gets the last event before the server closes the connection (${transports.join(" then ")})`, async () => {
      const socket = track(await connected(client("/", { transports })));
      const seen = [];
      socket.on("bye", () => seen.push("bye"));
      const gone = next(socket, "disconnect");
      socket.on("disconnect", (reason) => seen.push(reason));
      socket.emit("bye-and-close", 0);
      await gone;
      assert.deepEqual(seen, ["bye", "io server disconnect"]);
    });
  }

  it("learns of closes that fall during the upgrade to WebSocket (81 closes 0-8 ms after connecting)", async () => {
    const missed = [];
    for (let delay = 0; delay <= 8; delay++) {
      // Nine at a time: the sweep must not load the machine.
      await Promise.all(
        Array.from({ length: 9 }, async (_, i) => {
          const socket = client("/", { auth: { closeAfter: delay } });
          const seen = [];
          socket.on("bye", () => seen.push("bye"));
          const gone = new Promise((resolve) => socket.on("disconnect", (reason) => resolve(reason)));
          socket.connect();
          // Well below the heartbeat's 4 s: a missed close shows as a
          // ping timeout or a late transport close.
          const reason = await Promise.race([gone, sleep(3000).then(() => "no close within 3 s")]);
          if (reason !== "io server disconnect" || seen[0] !== "bye") {
            missed.push(`${delay} ms #${i}: ${JSON.stringify(seen)} then ${reason}`);
          }
          socket.disconnect();
        }),
      );
    }
    assert.deepEqual(missed, []);
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

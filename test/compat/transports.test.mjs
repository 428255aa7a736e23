// Each transport configuration: events, acknowledgements and binary data
// both ways.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { ack, client, connected, next } from "./helpers.mjs";

const configs = [
  ["polling upgraded to websocket", {}, "websocket"],
  ["websocket only", { transports: ["websocket"] }, "websocket"],
  ["polling only", { transports: ["polling"] }, "polling"],
];

for (const [name, options, transport] of configs) {
  describe(name, () => {
    const sockets = [];
    after(() => sockets.forEach((s) => s.disconnect()));

    async function open() {
      const socket = client("/", options);
      sockets.push(socket);
      const upgraded = options.transports ? null : next(socket.io, "open").then(() => next(socket.io.engine, "upgrade"));
      await connected(socket);
      if (upgraded) await upgraded;
      return socket;
    }

    it(`ends on the ${transport} transport`, async () => {
      const socket = await open();
      assert.equal(socket.io.engine.transport.name, transport);
      const [info] = await ack(socket, "info");
      assert.equal(info.transport, transport);
      assert.equal(info.id, socket.id);
    });

    it("echoes JSON arguments with an ack", async () => {
      const socket = await open();
      const res = await ack(socket, "echo", 1, "two", { three: [3, true, null] });
      assert.deepEqual(res, [1, "two", { three: [3, true, null] }]);
      assert.equal(await socket.emitWithAck("echo", "single"), "single");
    });

    it("sends binary to the server and gets it back in the ack", async () => {
      const socket = await open();
      const [a, label, b] = await ack(socket, "echo", Buffer.from([1, 2, 3]), "label", Uint8Array.from([255, 0]));
      assert.ok(Buffer.isBuffer(a));
      assert.deepEqual([...a], [1, 2, 3]);
      assert.equal(label, "label");
      assert.deepEqual([...b], [255, 0]);
    });

    it("sends more than 64 binary attachments in one event", async () => {
      const socket = await open();
      const bufs = Array.from({ length: 100 }, (_, i) => Buffer.from([i]));
      const [firsts] = await ack(socket, "binaries", ...bufs);
      assert.deepEqual(firsts, bufs.map((_, i) => i));
    });

    it("sends a placeholder-shaped object next to a binary, as Node takes it", async () => {
      const socket = await open();
      // The reference server binds the look-alike to attachment 0 too.
      const [a, b] = await ack(socket, "echo", { _placeholder: true, num: 0 }, Buffer.from([9]));
      assert.deepEqual([...a], [9]);
      assert.deepEqual([...b], [9]);
    });

    it("receives binary events from the server", async () => {
      const socket = await open();
      const back = next(socket, "back");
      socket.emit("emit-back", Buffer.from("héllo"), { n: 1 });
      const [buf, obj] = await back;
      assert.equal(Buffer.from(buf).toString(), "héllo");
      assert.deepEqual(obj, { n: 1 });
    });

    it("answers a server acknowledgement with binary", async () => {
      const socket = await open();
      socket.on("question", (q, cb) => cb(`re: ${q}`, Buffer.from([7])));
      const answer = next(socket, "answer");
      socket.emit("ask", 2000, "q1");
      const [err, text, bin] = await answer;
      assert.equal(err, null);
      assert.equal(text, "re: q1");
      assert.deepEqual([...bin], [7]);
    });
  });
}

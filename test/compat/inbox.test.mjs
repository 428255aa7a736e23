// A client that floods events while a server handler waits on its
// acknowledgement (issue 14, item 1): the server's reader must never wait
// for the handler, so the acknowledgement and the pongs get through.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { client, connected, next, none } from "./helpers.mjs";

const open = [];
afterEach(() => {
  while (open.length) open.pop().disconnect();
});

describe("events flooding a busy handler", () => {
  for (const transports of [["websocket"], ["polling"]]) {
    it(`reads the awaited acknowledgement and stays connected over ${transports[0]}`, async () => {
      const socket = await connected(client("/", { transports }));
      open.push(socket);
      socket.on("question", (q, answer) => {
        // More events than the old 64-slot inbox held, sent while the
        // server's "ask" handler waits for this answer.
        for (let i = 0; i < 200; i++) socket.emit("no-ack", i);
        answer("yes", q);
      });
      const answered = next(socket, "answer", 5000);
      socket.emit("ask", 20000, "q");
      // (The server has recovery on: an event ending with a string gets
      // a trailing null, so that the client keeps its real offset.)
      assert.deepEqual((await answered).slice(0, 3), [null, "yes", "q"]);
      // Longer than a heartbeat (ping interval + timeout: 4 s): pongs were
      // read all along.
      await none(socket, "disconnect", 4500);
      assert.equal(socket.connected, true);
    });
  }
});

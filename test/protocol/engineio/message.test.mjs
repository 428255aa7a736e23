import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Socket, openPolling, pollingURL, post, sleep, withoutPings, wsURL } from "./helpers.mjs";

describe("message", () => {
  describe("HTTP long-polling", () => {
    for (const [name, payload] of [
      ["one plain text packet", "4hello"],
      ["several plain text packets", "4test1\x1e4test2\x1e4test3"],
      ["plain text and binary packets", "4hello\x1ebAQIDBA=="],
      ["UTF-8 text", "4€ and 😀"],
    ]) {
      it(`echoes a payload with ${name}`, async () => {
        const { sid } = await openPolling();
        const push = await post(sid, payload);
        assert.equal(push.status, 200);
        assert.equal(await push.text(), "ok");
        const poll = await fetch(pollingURL(sid));
        assert.equal(poll.status, 200);
        assert.equal(withoutPings(await poll.text()), payload);
      });
    }

    it("closes the session upon invalid packet format, answering 200 ok as the reference", async () => {
      const { sid } = await openPolling();
      const push = await post(sid, "abc");
      assert.equal(push.status, 200);
      assert.equal(await push.text(), "ok");
      const poll = await fetch(pollingURL(sid));
      assert.equal(poll.status, 400);
    });

    it("closes the session upon duplicate poll requests", async () => {
      const { sid } = await openPolling();
      const [first, second] = await Promise.all([
        fetch(pollingURL(sid)),
        sleep(5).then(() => fetch(pollingURL(sid, "&t=burst"))),
      ]);
      assert.equal(first.status, 200);
      // "1" (close); a ping may have answered the first GET on a loaded machine
      assert.ok(["1", "2"].includes(await first.text()));
      assert.ok([400, 500].includes(second.status), `status ${second.status}`);
      const poll = await fetch(pollingURL(sid));
      assert.equal(poll.status, 400);
    });

    it("closes the session upon cancelled polling request", async () => {
      const { sid } = await openPolling();
      const controller = new AbortController();
      fetch(pollingURL(sid), { signal: controller.signal }).catch(() => {});
      await sleep(5);
      controller.abort();
      await sleep(20);
      const poll = await fetch(pollingURL(sid));
      assert.equal(poll.status, 400);
    });

    // engine.io 6.6.0 to 6.6.12 keep the session; 6.6.13 closes it too.
    it("refuses a payload larger than maxPayload with 413 and keeps the session, as the reference", async () => {
      const { sid } = await openPolling();
      const push = await post(sid, "4" + "a".repeat(1000001)).catch(() => null);
      if (push) assert.equal(push.status, 413);
      const after = await post(sid, "4after");
      assert.equal(after.status, 200);
      const poll = await fetch(pollingURL(sid));
      assert.equal(poll.status, 200);
      assert.equal(withoutPings(await poll.text()), "4after");
    });
  });

  describe("WebSocket", () => {
    it("echoes a plain text packet", async () => {
      const socket = new Socket(wsURL());
      await socket.wait("open");
      await socket.message(); // handshake
      socket.send("4hello");
      assert.equal(await socket.message(), "4hello");
      socket.close();
    });

    it("echoes a binary packet", async () => {
      const socket = new Socket(wsURL());
      await socket.message(); // handshake
      socket.send(Uint8Array.from([1, 2, 3, 4]));
      const data = await socket.message();
      assert.ok(Buffer.isBuffer(data), "binary frame expected");
      assert.deepEqual([...data], [1, 2, 3, 4]);
      socket.close();
    });

    it("closes the session upon invalid packet format", async () => {
      const socket = new Socket(wsURL());
      await socket.message(); // handshake
      socket.send("abc");
      await socket.wait("close");
    });

    it("fails the connection with 1007 upon a text frame that is not UTF-8 (RFC 6455 8.1)", async () => {
      const socket = new Socket(wsURL());
      await socket.message(); // handshake
      socket.ws.send(Buffer.from([0x34, 0xff, 0xfe]), { binary: false });
      const { code } = await socket.wait("close");
      assert.equal(code, 1007);
    });

    it("closes the session upon a message larger than maxPayload", async () => {
      const socket = new Socket(wsURL());
      await socket.message(); // handshake
      socket.send("4" + "a".repeat(1000001));
      await socket.wait("close");
    });
  });
});

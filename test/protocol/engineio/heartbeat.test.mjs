import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PING_INTERVAL, PING_TIMEOUT, Socket, openPolling, pollingURL, post, sleep, wsURL } from "./helpers.mjs";

describe("heartbeat", () => {
  describe("HTTP long-polling", () => {
    it("sends ping packets and accepts pongs", async () => {
      const { sid } = await openPolling();
      for (let i = 0; i < 3; i++) {
        const poll = await fetch(pollingURL(sid));
        assert.equal(poll.status, 200);
        assert.equal(await poll.text(), "2");
        const push = await post(sid, "3");
        assert.equal(push.status, 200);
      }
    });

    it("closes the session upon ping timeout", async () => {
      const { sid } = await openPolling();
      // slack for timers on a loaded machine
      await sleep(PING_INTERVAL + PING_TIMEOUT + 150);
      const poll = await fetch(pollingURL(sid));
      assert.equal(poll.status, 400);
    });
  });

  describe("WebSocket", () => {
    it("sends ping packets and accepts pongs", async () => {
      const socket = new Socket(wsURL());
      await socket.message(); // handshake
      for (let i = 0; i < 3; i++) {
        assert.equal(await socket.message({ keepPings: true }), "2");
        socket.send("3");
      }
      socket.close();
    });

    it("closes the session upon ping timeout", async () => {
      const socket = new Socket(wsURL());
      await socket.wait("close");
    });
  });
});

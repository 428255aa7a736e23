// The Engine.IO part of the Socket.IO v5 test suite, on the /socket.io/ path.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PING_INTERVAL, PING_TIMEOUT, Socket, openPolling, pollingURL, sleep, wsURL } from "./helpers.mjs";

function checkOpen(value, upgrades) {
  assert.deepEqual(Object.keys(value).sort(), ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
  assert.equal(typeof value.sid, "string");
  assert.deepEqual(value.upgrades, upgrades);
  assert.equal(value.pingInterval, PING_INTERVAL);
  assert.equal(value.pingTimeout, PING_TIMEOUT);
  assert.equal(value.maxPayload, 1000000);
}

describe("Engine.IO under /socket.io/", () => {
  describe("handshake", () => {
    it("opens a long-polling session", async () => {
      const res = await fetch(pollingURL());
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.ok(body.startsWith("0"));
      checkOpen(JSON.parse(body.substring(1)), ["websocket"]);
    });

    for (const [name, query] of [
      ["no EIO", "transport=polling"],
      ["bad EIO", "EIO=abc&transport=polling"],
      ["no transport", "EIO=4"],
      ["bad transport", "EIO=4&transport=abc"],
    ]) {
      it(`refuses a request with ${name}`, async () => {
        const res = await fetch(`${pollingURL().split("?")[0]}?${query}`);
        assert.equal(res.status, 400);
      });
    }

    for (const method of ["POST", "PUT"]) {
      it(`refuses a ${method} handshake`, async () => {
        const res = await fetch(pollingURL(), { method });
        assert.equal(res.status, 400);
      });
    }

    it("opens a WebSocket session", async () => {
      const socket = new Socket();
      const data = await socket.message();
      assert.ok(data.startsWith("0"));
      checkOpen(JSON.parse(data.substring(1)), []);
      socket.close();
    });

    for (const query of ["transport=websocket", "EIO=abc&transport=websocket", "EIO=4", "EIO=4&transport=abc"]) {
      it(`closes a WebSocket opened with ${query}`, async () => {
        const socket = new Socket(wsURL(query));
        await socket.wait("close");
      });
    }
  });

  describe("heartbeat", () => {
    it("sends ping packets over long-polling", async () => {
      const sid = await openPolling();
      for (let i = 0; i < 3; i++) {
        const poll = await fetch(pollingURL(sid));
        assert.equal(poll.status, 200);
        assert.equal(await poll.text(), "2");
        const push = await fetch(pollingURL(sid), { method: "POST", body: "3" });
        assert.equal(push.status, 200);
      }
    });

    it("closes a long-polling session upon ping timeout", async () => {
      const sid = await openPolling();
      await sleep(PING_INTERVAL + PING_TIMEOUT + 100);
      const poll = await fetch(pollingURL(sid));
      assert.equal(poll.status, 400);
    });

    it("sends ping packets over WebSocket", async () => {
      const socket = new Socket();
      await socket.message();
      for (let i = 0; i < 3; i++) {
        assert.equal(await socket.message(), "2");
        socket.send("3");
      }
      socket.close();
    });

    it("closes a WebSocket session upon ping timeout", async () => {
      const socket = new Socket();
      await socket.wait("close");
    });
  });

  describe("close", () => {
    it("closes a long-polling session", async () => {
      const sid = await openPolling();
      const [poll] = await Promise.all([
        fetch(pollingURL(sid)),
        fetch(pollingURL(sid), { method: "POST", body: "1" }),
      ]);
      assert.equal(poll.status, 200);
      assert.equal(await poll.text(), "6");
      const again = await fetch(pollingURL(sid));
      assert.equal(again.status, 400);
    });

    it("closes a WebSocket session", async () => {
      const socket = new Socket();
      await socket.message();
      socket.send("1");
      await socket.wait("close");
    });
  });

  describe("upgrade", () => {
    it("upgrades from long-polling to WebSocket", async () => {
      const sid = await openPolling();
      const socket = new Socket(wsURL(`EIO=4&transport=websocket&sid=${sid}`));
      await socket.wait("open");
      socket.send("2probe");
      assert.equal(await socket.message(), "3probe");
      socket.send("5");
      socket.close();
    });

    it("refuses long-polling requests after the upgrade", async () => {
      const sid = await openPolling();
      const socket = new Socket(wsURL(`EIO=4&transport=websocket&sid=${sid}`));
      await socket.wait("open");
      socket.send("2probe");
      assert.equal(await socket.message(), "3probe");
      socket.send("5");
      await sleep(50);
      const poll = await fetch(pollingURL(sid));
      assert.equal(poll.status, 400);
      socket.close();
    });

    it("refuses a second WebSocket with the same sid after the upgrade", async () => {
      const sid = await openPolling();
      const socket = new Socket(wsURL(`EIO=4&transport=websocket&sid=${sid}`));
      await socket.wait("open");
      socket.send("2probe");
      assert.equal(await socket.message(), "3probe");
      socket.send("5");
      await sleep(50);
      const second = new Socket(wsURL(`EIO=4&transport=websocket&sid=${sid}`));
      await second.wait("close");
      socket.close();
    });
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { URL, PATH, PING_INTERVAL, PING_TIMEOUT, MAX_PAYLOAD, Socket, pollingURL, wsURL, WS_URL } from "./helpers.mjs";

function assertOpen(value, upgrades) {
  assert.deepEqual(Object.keys(value).sort(), ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
  assert.equal(typeof value.sid, "string");
  assert.deepEqual(value.upgrades, upgrades);
  assert.equal(value.pingInterval, PING_INTERVAL);
  assert.equal(value.pingTimeout, PING_TIMEOUT);
  assert.equal(value.maxPayload, MAX_PAYLOAD);
}

describe("handshake", () => {
  describe("HTTP long-polling", () => {
    it("opens a session", async () => {
      const res = await fetch(pollingURL());
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.equal(body[0], "0");
      assertOpen(JSON.parse(body.substring(1)), ["websocket"]);
    });

    for (const [name, query, code] of [
      ["missing EIO", "?transport=polling", 5],
      ["invalid EIO", "?EIO=abc&transport=polling", 5],
      ["EIO=3", "?EIO=3&transport=polling", 5],
      ["missing transport", "?EIO=4", 0],
      ["unknown transport", "?EIO=4&transport=abc", 0],
      ["unknown sid", "?EIO=4&transport=polling&sid=nope", 1],
    ]) {
      it(`refuses ${name} with 400 and code ${code}`, async () => {
        const res = await fetch(`${URL}${PATH}${query}`);
        assert.equal(res.status, 400);
        assert.deepEqual(await res.json(), {
          code,
          message: [
            "Transport unknown",
            "Session ID unknown",
            "Bad handshake method",
            "Bad request",
            "Forbidden",
            "Unsupported protocol version",
          ][code],
        });
      });
    }

    for (const method of ["POST", "PUT"]) {
      it(`refuses a ${method} handshake`, async () => {
        const res = await fetch(pollingURL(), { method });
        assert.equal(res.status, 400);
        assert.equal((await res.json()).code, 2);
      });
    }
  });

  describe("WebSocket", () => {
    it("opens a session", async () => {
      const socket = new Socket(wsURL());
      const data = await socket.message();
      assert.equal(data[0], "0");
      assertOpen(JSON.parse(data.substring(1)), []);
      socket.close();
    });

    for (const [name, query] of [
      ["missing EIO", "?transport=websocket"],
      ["invalid EIO", "?EIO=abc&transport=websocket"],
      ["missing transport", "?EIO=4"],
      ["unknown transport", "?EIO=4&transport=abc"],
    ]) {
      it(`closes on ${name}`, async () => {
        const socket = new Socket(`${WS_URL}${PATH}${query}`);
        await socket.wait("close");
      });
    }
  });
});

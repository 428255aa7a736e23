import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Socket, openPolling, pollingURL, post, withoutPings, wsURL } from "./helpers.mjs";

describe("close", () => {
  it("HTTP long-polling: the client closes the session", async () => {
    const { sid } = await openPolling();
    const [poll] = await Promise.all([fetch(pollingURL(sid)), post(sid, "1")]);
    assert.equal(poll.status, 200);
    // The pending GET is answered with a noop, unless a heartbeat ping
    // (300 ms interval) answered it first on a loaded machine; either way
    // the session must be gone afterwards.
    const text = withoutPings(await poll.text());
    assert.ok(text === "6" || text === "", `pending GET answered ${JSON.stringify(text)}`);
    const poll2 = await fetch(pollingURL(sid));
    assert.equal(poll2.status, 400);
  });

  it("WebSocket: the client closes the session", async () => {
    const socket = new Socket(wsURL());
    await socket.message(); // handshake
    socket.send("1");
    await socket.wait("close");
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Socket, openPolling, pollingURL, wsURL } from "./helpers.mjs";

describe("upgrade", () => {
  it("upgrades from HTTP long-polling to WebSocket", async () => {
    const { sid } = await openPolling();
    const socket = new Socket(wsURL(sid));
    await socket.wait("open");
    socket.send("2probe");
    assert.equal(await socket.message(), "3probe");
    const poll = await fetch(pollingURL(sid));
    assert.equal(poll.status, 200);
    assert.equal(await poll.text(), "6");
    socket.send("5");
    socket.send("4hello");
    assert.equal(await socket.message(), "4hello");
    socket.close();
  });

  it("ends a pending GET with noop when the probe arrives", async () => {
    const { sid } = await openPolling();
    const pending = fetch(pollingURL(sid));
    const socket = new Socket(wsURL(sid));
    await socket.wait("open");
    socket.send("2probe");
    assert.equal(await socket.message(), "3probe");
    const poll = await pending;
    assert.equal(await poll.text(), "6");
    socket.send("5");
    socket.send("4after");
    assert.equal(await socket.message(), "4after");
    socket.close();
  });

  it("refuses HTTP requests with the same sid after upgrade", async () => {
    const { sid } = await openPolling();
    const socket = new Socket(wsURL(sid));
    await socket.wait("open");
    socket.send("2probe");
    await socket.message(); // 3probe
    socket.send("5");
    const poll = await fetch(pollingURL(sid));
    assert.equal(poll.status, 400);
    socket.send("4hello");
    assert.equal(await socket.message(), "4hello");
    socket.close();
  });

  it("closes a second WebSocket with the same sid after upgrade", async () => {
    const { sid } = await openPolling();
    const socket = new Socket(wsURL(sid));
    await socket.wait("open");
    socket.send("2probe");
    await socket.message(); // 3probe
    socket.send("5");
    const socket2 = new Socket(wsURL(sid));
    await socket2.wait("close");
    socket.send("4hello");
    assert.equal(await socket.message(), "4hello");
    socket.close();
  });
});

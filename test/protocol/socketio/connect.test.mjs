import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Socket } from "./helpers.mjs";

describe("Socket.IO connect", () => {
  for (const [name, send, prefix, auth] of [
    ["the main namespace", "40", "40", '42["auth",{}]'],
    ["the main namespace with a payload", '40{"token":"123"}', "40", '42["auth",{"token":"123"}]'],
    ["a custom namespace", "40/custom,", "40/custom,", '42/custom,["auth",{}]'],
    ["a custom namespace with a payload", '40/custom,{"token":"abc"}', "40/custom,", '42/custom,["auth",{"token":"abc"}]'],
  ]) {
    it(`connects to ${name}`, async () => {
      const socket = new Socket();
      await socket.message(); // Engine.IO handshake
      socket.send(send);
      const data = await socket.message();
      assert.ok(data.startsWith(prefix), data);
      const handshake = JSON.parse(data.substring(prefix.length));
      assert.deepEqual(Object.keys(handshake), ["sid"]);
      assert.equal(typeof handshake.sid, "string");
      assert.equal(await socket.message(), auth);
      socket.close();
    });
  }

  it("refuses an unknown namespace", async () => {
    const socket = new Socket();
    await socket.message();
    socket.send("40/random");
    assert.equal(await socket.message(), '44/random,{"message":"Invalid namespace"}');
    socket.close();
  });

  it("closes the connection upon an invalid handshake", async () => {
    const socket = new Socket();
    await socket.message();
    socket.send("4abc");
    await socket.wait("close");
  });

  it("closes the connection when no namespace is joined in time", async () => {
    const socket = new Socket();
    await socket.wait("close", 5000);
  });
});

describe("Socket.IO disconnect", () => {
  it("disconnects from the main namespace", async () => {
    const { connected } = await import("./helpers.mjs");
    const socket = await connected();
    socket.send("41");
    assert.equal(await socket.message(), "2"); // the next packet is a ping
    socket.close();
  });

  it("connects then disconnects from a custom namespace", async () => {
    const { connected } = await import("./helpers.mjs");
    const socket = await connected();
    assert.equal(await socket.message(), "2"); // ping
    socket.send("3");
    socket.send("40/custom");
    assert.ok((await socket.message()).startsWith("40/custom,"));
    assert.equal(await socket.message(), '42/custom,["auth",{}]');
    socket.send("41/custom");
    socket.send('42["message","message to main namespace"]');
    const [data] = await socket.messages(1);
    assert.equal(data, '42["message-back","message to main namespace"]');
    socket.close();
  });
});

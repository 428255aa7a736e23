import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { connected } from "./helpers.mjs";

const bin = (...b) => Uint8Array.from(b);

describe("Socket.IO message", () => {
  it("sends a plain-text packet", async () => {
    const socket = await connected();
    socket.send('42["message",1,"2",{"3":[true]}]');
    assert.deepEqual(await socket.messages(1), ['42["message-back",1,"2",{"3":[true]}]']);
    socket.close();
  });

  it("sends a packet with binary attachments", async () => {
    const socket = await connected();
    socket.send('452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    socket.send(bin(1, 2, 3));
    socket.send(bin(4, 5, 6));
    assert.deepEqual(await socket.messages(3), [
      '452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
      bin(1, 2, 3),
      bin(4, 5, 6),
    ]);
    socket.close();
  });

  it("sends a plain-text packet with an ack", async () => {
    const socket = await connected();
    socket.send('42456["message-with-ack",1,"2",{"3":[false]}]');
    assert.deepEqual(await socket.messages(1), ['43456[1,"2",{"3":[false]}]']);
    socket.close();
  });

  it("sends a packet with binary attachments and an ack", async () => {
    const socket = await connected();
    socket.send('452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    socket.send(bin(1, 2, 3));
    socket.send(bin(4, 5, 6));
    assert.deepEqual(await socket.messages(3), [
      '462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
      bin(1, 2, 3),
      bin(4, 5, 6),
    ]);
    socket.close();
  });

  it("echoes with an ack in a custom namespace", async () => {
    const socket = await connected();
    socket.send("40/custom,");
    await socket.messages(2); // CONNECT answer and "auth"
    socket.send('42/custom,9["echo",{"a":1}]');
    assert.deepEqual(await socket.messages(1), ['43/custom,9[{"a":1}]']);
    socket.close();
  });

  it("broadcasts to every socket of the namespace, sender included", async () => {
    const a = await connected();
    const b = await connected();
    a.send('42["broadcast","hi"]');
    assert.deepEqual(await a.messages(1), ['42["broadcast","hi"]']);
    assert.deepEqual(await b.messages(1), ['42["broadcast","hi"]']);
    a.close();
    b.close();
  });

  for (const [name, packet] of [
    ["unknown packet type", "4abc"],
    ["invalid payload format", "42{}"],
    ["invalid ack id", '42abc["message-with-ack",1,"2",{"3":[false]}]'],
    ["reserved event name", '42["disconnect"]'],
    ["lying attachment count", '451-["message",{"_placeholder":true,"num":3}]'],
  ]) {
    it(`closes the connection upon invalid format (${name})`, async () => {
      const socket = await connected();
      socket.send(packet);
      if (name === "lying attachment count") socket.send(bin(1));
      await socket.wait("close");
    });
  }
});

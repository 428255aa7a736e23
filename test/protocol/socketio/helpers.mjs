// Helpers of the Socket.IO v5 protocol tests: the server under test and a
// WebSocket wrapper that buffers every event so that tests await them in
// order, without racing the server.
import WebSocket from "ws";

export const URL = (process.env.SERVER_URL || "http://127.0.0.1:3000").replace(/\/$/, "");
export const WS_URL = URL.replace(/^http/, "ws");
export const PATH = "/socket.io/";
export const PING_INTERVAL = 300;
export const PING_TIMEOUT = 200;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function pollingURL(sid) {
  return `${URL}${PATH}?EIO=4&transport=polling${sid ? `&sid=${sid}` : ""}`;
}

export function wsURL(query = "EIO=4&transport=websocket") {
  return `${WS_URL}${PATH}?${query}`;
}

export async function openPolling() {
  const res = await fetch(pollingURL());
  const body = await res.text();
  if (res.status !== 200 || body[0] !== "0") throw new Error(`handshake failed: ${res.status} ${body}`);
  return JSON.parse(body.substring(1)).sid;
}

export class Socket {
  constructor(url = wsURL()) {
    this.ws = new WebSocket(url);
    this.buffer = { open: [], message: [], close: [] };
    this.waiting = { open: [], message: [], close: [] };
    this.ws.on("open", () => this.#push("open", {}));
    this.ws.on("message", (data, isBinary) =>
      this.#push("message", isBinary ? new Uint8Array(data) : data.toString()),
    );
    this.ws.on("close", (code) => this.#push("close", { code }));
    this.ws.on("error", () => {}); // a refused handshake is followed by close
  }

  #push(type, event) {
    const next = this.waiting[type].shift();
    if (next) next(event);
    else this.buffer[type].push(event);
  }

  wait(type, timeout = 3000) {
    if (this.buffer[type].length) return Promise.resolve(this.buffer[type].shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeout);
      this.waiting[type].push((event) => {
        clearTimeout(timer);
        resolve(event);
      });
    });
  }

  message(timeout) {
    return this.wait("message", timeout);
  }

  // messages returns the next count messages, ping packets skipped.
  async messages(count) {
    const out = [];
    while (out.length < count) {
      const m = await this.message();
      if (m !== "2") out.push(m);
    }
    return out;
  }

  send(data) {
    this.ws.send(data);
  }

  close() {
    this.ws.close();
  }
}

// connected opens a WebSocket session joined to the main namespace, with
// the CONNECT answer and the "auth" event consumed.
export async function connected() {
  const socket = new Socket();
  await socket.message(); // Engine.IO handshake
  socket.send("40");
  await socket.message(); // Socket.IO handshake
  await socket.message(); // "auth" event
  return socket;
}

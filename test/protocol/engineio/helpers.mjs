// Helpers shared by the Engine.IO protocol tests: the server under test,
// HTTP long-polling requests and a WebSocket wrapper whose events can be
// awaited in order.
import WebSocket from "ws";

export const URL = (process.env.SERVER_URL || "http://127.0.0.1:3000").replace(/\/$/, "");
export const WS_URL = URL.replace(/^http/, "ws");
export const PATH = process.env.ENGINE_PATH || "/engine.io/";
export const PING_INTERVAL = 300;
export const PING_TIMEOUT = 200;
export const MAX_PAYLOAD = 1000000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function pollingURL(sid, extra = "") {
  return `${URL}${PATH}?EIO=4&transport=polling${sid ? `&sid=${sid}` : ""}${extra}`;
}

export function wsURL(sid, extra = "") {
  return `${WS_URL}${PATH}?EIO=4&transport=websocket${sid ? `&sid=${sid}` : ""}${extra}`;
}

// openPolling performs a polling handshake and returns the parsed open packet.
export async function openPolling() {
  const res = await fetch(pollingURL());
  const body = await res.text();
  if (res.status !== 200 || body[0] !== "0") {
    throw new Error(`handshake failed: ${res.status} ${body}`);
  }
  return JSON.parse(body.substring(1));
}

// withoutPings drops heartbeat pings from a polling payload, for tests that
// are not about the heartbeat (see Socket.message).
export function withoutPings(payload) {
  const kept = payload.split("\x1e").filter((p) => p !== "2");
  return kept.join("\x1e");
}

export async function post(sid, body, headers = {}) {
  return fetch(pollingURL(sid), { method: "POST", body, headers });
}

// Socket buffers every event so that tests can await them one by one.
export class Socket {
  constructor(url, options) {
    this.ws = new WebSocket(url, options);
    this.buffer = { open: [], message: [], close: [] };
    this.waiting = { open: [], message: [], close: [] };
    this.ws.on("open", () => this.#push("open", {}));
    this.ws.on("message", (data, isBinary) =>
      this.#push("message", { data: isBinary ? data : data.toString(), isBinary }),
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

  // message returns the next message. Unless keepPings is set, server pings
  // are answered and skipped: with a 300 ms ping interval a loaded machine
  // may see one slip in before the message a test waits for.
  async message({ keepPings = false } = {}) {
    for (;;) {
      const { data } = await this.wait("message");
      if (keepPings || data !== "2") return data;
      this.send("3");
    }
  }

  send(data) {
    this.ws.send(data);
  }

  close() {
    this.ws.close();
  }
}

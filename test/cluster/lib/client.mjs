// Client is one official socket.io-client socket that records every
// event-log message it receives and, when its instance goes away, fails
// over to the next URL of its list, carrying its recovery session (pid and
// offset) the way the official client sends them on a reconnection.
import { io } from "socket.io-client";
import { performance } from "node:perf_hooks";

// now is wall-clock milliseconds with sub-millisecond precision.
export const now = () => performance.timeOrigin + performance.now();

export class Client {
  // urls: the instances' base URLs; start: the index to connect to first;
  // token: the access token; rest: (url) => events fetcher for filling a
  // gap when the new instance could not recover the session.
  constructor({ urls, start = 0, token, spread = 0 }) {
    this.urls = urls;
    this.index = start;
    this.token = token;
    this.spread = spread;
    this.log = []; // {name, seq, offset, t, instance, payment}
    this.filled = []; // seqs taken from GET /api/events after a failover without recovery
    this.connects = 0;
    this.recoveries = 0;
    this.failovers = 0;
    this.closed = false;
    this.errors = [];
  }

  connect(timeout = 10000) {
    return new Promise((resolve, reject) => {
      this.onFirstConnect = resolve;
      this.timer = setTimeout(() => reject(new Error(`client did not connect to ${this.urls[this.index]}: ${this.errors.join("; ")}`)), timeout);
      this.open(this.index, null);
    });
  }

  // open connects to urls[i]. carry holds the previous socket's pid and
  // offset: set on the new socket, they make the official client send them
  // in its CONNECT auth and compute socket.recovered, exactly as after one
  // of its own reconnections.
  open(i, carry) {
    const s = io(this.urls[i], {
      forceNew: true,
      reconnection: false,
      transports: ["websocket"],
      auth: { token: this.token },
    });
    if (carry && carry.pid) {
      s._pid = carry.pid;
      s._lastOffset = carry.offset;
    }
    this.socket = s;
    s.on("stats:updated", (p) => (this.lastStats = p.stats));
    s.onAny((name, ...args) => {
      const p = args[0];
      if (!p || typeof p.seq !== "number") return; // stats, presence, errors
      const offset = args.length > 1 && typeof args.at(-1) === "string" ? args.at(-1) : undefined;
      this.log.push({ name, seq: p.seq, offset, t: now(), instance: i, payment: p.payment?.id });
    });
    s.on("connect", async () => {
      this.index = i;
      this.connects++;
      if (s.recovered) this.recoveries++;
      if (this.onFirstConnect) {
        clearTimeout(this.timer);
        this.onFirstConnect();
        this.onFirstConnect = null;
      }
      if (carry && !s.recovered) await this.fill(i);
    });
    s.on("connect_error", (err) => {
      this.errors.push(`${this.urls[i]}: ${err.message}`);
      s.close();
      // Bounded: a test that went wrong must not leave clients retrying.
      if (this.closed || this.errors.length > 100) return;
      // Try the next instance (a dead one refuses at once).
      setTimeout(() => this.open(this.next(i), carry), 100);
    });
    s.on("disconnect", (reason) => {
      if (this.closed || reason === "io client disconnect" || s !== this.socket) return;
      this.failovers++;
      const carried = { pid: s._pid, offset: s._lastOffset };
      s.close();
      setTimeout(() => this.open(this.next(i), carried), 50);
    });
  }

  // next picks another instance, spreading the clients of a dead one over
  // the others.
  next(i) {
    const n = this.urls.length;
    return (i + 1 + (this.spread % (n - 1))) % n;
  }

  // fill completes the sequence through the REST fallback when the new
  // instance did not recover the session (the dashboard does the same).
  async fill(i) {
    const last = Math.max(0, ...this.log.map((e) => e.seq));
    let after = last;
    for (;;) {
      const res = await fetch(`${this.urls[i]}/api/events?after=${after}&limit=1000`, { headers: { authorization: `Bearer ${this.token}` } });
      if (!res.ok) return;
      const page = await res.json();
      for (const ev of page.items) this.filled.push(ev.seq);
      if (page.items.length < 1000) return;
      after = page.items.at(-1).seq;
    }
  }

  close() {
    this.closed = true;
    this.socket?.close();
  }

  // seqs returns the seqs of the messages named name, in arrival order.
  seqs(name = "activity:updated") {
    return this.log.filter((e) => e.name === name).map((e) => e.seq);
  }

  // check compares what the client received with the expected seqs (in
  // order): lost, duplicated, out of order, and the same after filling
  // from REST.
  check(expected, name = "activity:updated") {
    const got = this.seqs(name);
    const seen = new Map();
    for (const s of got) seen.set(s, (seen.get(s) ?? 0) + 1);
    const duplicated = [...seen.values()].reduce((n, c) => n + c - 1, 0);
    let outOfOrder = 0;
    for (let k = 1; k < got.length; k++) if (got[k] <= got[k - 1]) outOfOrder++;
    const lost = expected.filter((s) => !seen.has(s)).length;
    const union = new Set([...got, ...this.filled]);
    const lostAfterFill = expected.filter((s) => !union.has(s)).length;
    const want = new Set(expected);
    const unexpected = got.filter((s) => !want.has(s)).length;
    return { received: got.length, lost, duplicated, outOfOrder, unexpected, lostAfterFill };
  }
}

// connectAll connects clients a few at a time (a burst of hundreds of
// handshakes is not what the test is about).
export async function connectAll(clients, batch = 25) {
  for (let k = 0; k < clients.length; k += batch) {
    await Promise.all(clients.slice(k, k + batch).map((c) => c.connect()));
  }
}

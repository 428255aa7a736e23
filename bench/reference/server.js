// The reference server of the benchmark harness: the official socket.io
// package (version pinned in package.json) under the same contract as
// cmd/sio-bench-server, so that bench/loadgen drives both the same way:
//
//   POST /trigger {"seq":N,"t0":"<unix ns>"}  broadcast stats:updated to every
//                                            client, answer {seq, broadcastNs};
//                                            optional "pad":B adds B bytes to it
//   GET  /stats                              {clients, rssBytes, heapBytes, pid}
//   POST /gc                                 global.gc() when node runs with --expose-gc
//   event bench:ping                         acknowledged with its argument
//
// Listens on 127.0.0.1 at --port/-port N or PORT (0 picks a free port) and
// prints "listening on http://ADDR" once it accepts connections.
"use strict";

const http = require("node:http");
const { Server } = require("socket.io");

function portFromArgs() {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const m = /^--?port(?:=(.*))?$/.exec(args[i]);
    if (m) return Number(m[1] ?? args[i + 1]);
  }
  return Number(process.env.PORT ?? 3000);
}

// The same padding as payloadNote in cmd/sio-bench-server.
const NOTE = "figures moved";

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res, status, body) {
  const s = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(s) });
  res.end(s);
}

const httpServer = http.createServer(async (req, res) => {
  if (req.method === "POST" && req.url === "/trigger") {
    let t;
    try {
      t = JSON.parse(await readBody(req));
    } catch {
      return json(res, 400, { error: "bad trigger" });
    }
    const payload = {
      seq: t.seq,
      t0: t.t0,
      stats: {
        customers: 12873, activeVendors: 412, deliveriesToday: 3921, deliveriesPending: 287,
        paymentsTodayCents: 918273645, outstandingCents: 127364512, overdueCustomers: 93,
        avgDeliveryMinutes: 41.5, note: NOTE,
      },
      at: new Date().toISOString(),
    };
    // Optional padding, as in cmd/sio-bench-server: the slow-consumer
    // scenario's large payloads.
    if (Number.isInteger(t.pad) && t.pad > 0) payload.pad = "x".repeat(Math.min(t.pad, 1 << 20));
    const start = process.hrtime.bigint();
    io.emit("stats:updated", payload);
    const d = process.hrtime.bigint() - start;
    return json(res, 200, { seq: t.seq, broadcastNs: Number(d) });
  }
  if (req.method === "GET" && req.url === "/stats") {
    const m = process.memoryUsage();
    return json(res, 200, { clients: io.of("/").sockets.size, rssBytes: m.rss, heapBytes: m.heapUsed, pid: process.pid });
  }
  if (req.method === "POST" && req.url === "/gc") {
    if (typeof global.gc === "function") global.gc();
    return json(res, 200, { ok: typeof global.gc === "function" });
  }
  // socket.io answers /socket.io/ itself; everything else is unknown.
  if (!req.url.startsWith("/socket.io/")) json(res, 404, { error: "not found" });
});

// Default options: polling and websocket, pingInterval 25 s, pingTimeout 20 s.
const io = new Server(httpServer);
io.on("connection", (socket) => {
  socket.on("bench:ping", (arg, ack) => {
    if (typeof ack === "function") ack(arg);
  });
});

httpServer.listen(portFromArgs(), "127.0.0.1", () => {
  const a = httpServer.address();
  console.log(`listening on http://${a.address}:${a.port}`);
});

function shutdown() {
  io.close();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

// A worker thread of the latency test: it holds some of the admin clients,
// so that receiving 100 clients' events does not share one event loop with
// the writer, and reports what each client received and when (wall-clock
// milliseconds with sub-millisecond precision, comparable across threads).
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";

const { url, token, clients } = workerData;
const now = () => performance.timeOrigin + performance.now();

const received = [];
const sockets = [];
for (let i = 0; i < clients; i++) {
  const log = [];
  received.push(log);
  const s = io(url, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token } });
  // Keep only what the test checks: payment:added's seq, payment id and
  // idempotency key, the time it arrived.
  s.on("payment:added", (p) => log.push([p.seq, p.payment.id, p.payment.idempotencyKey, now()]));
  s.on("disconnect", (reason) => reason !== "io client disconnect" && parentPort.postMessage({ type: "disconnect", reason }));
  sockets.push(s);
}

await Promise.all(
  sockets.map(
    (s) =>
      new Promise((resolve, reject) => {
        s.once("connect", resolve);
        s.once("connect_error", reject);
      }),
  ),
);
parentPort.postMessage({ type: "ready" });

parentPort.on("message", async (msg) => {
  if (msg.type !== "collect") return;
  // Wait until every client has msg.expect events, or msg.timeout passes.
  const end = Date.now() + msg.timeout;
  while (Date.now() < end && received.some((l) => l.length < msg.expect)) {
    await new Promise((r) => setTimeout(r, 20));
  }
  // Anything extra (a duplicate) would arrive right after: wait a little.
  await new Promise((r) => setTimeout(r, 300));
  sockets.forEach((s) => s.close());
  parentPort.postMessage({ type: "result", received });
});

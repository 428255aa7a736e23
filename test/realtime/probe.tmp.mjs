import { setup } from "./lib/server.mjs";
import { connect, connected, next, sleep, named, until } from "./lib/socket.mjs";
const env = await setup();
const { server, admin, customerA } = env;
const N = Number(process.env.N || 1200);
const clients = [];
for (const transports of [["polling"], ["websocket"]]) {
  const s = await connect(server.url, admin.token, { transports });
  s.disconnects = [];
  s.on("disconnect", (r) => s.disconnects.push(r));
  s.on("connect", () => s.recoveries = (s.recoveries ?? []).concat(s.recovered));
  clients.push(s);
}
await sleep(300);
for (const s of clients) { s.io.reconnection(false); s.io.engine.close(); }
await sleep(100);
let n = 0; const t0 = Date.now();
await Promise.all(Array.from({ length: 8 }, async () => { while (n < N) { const i = n++; await server.pay(admin.token, customerA.id, 100, { key: `q-${i}` }); } }));
console.log("wrote", N, "in", Date.now() - t0, "ms");
for (const s of clients) { s.io.reconnection(true); s.connect(); }
const t1 = Date.now();
try {
  await until(() => clients.every((s) => named(s.log, "payment:added").length >= N), 30000, () => clients.map((s) => named(s.log, "payment:added").length).join(","));
} catch (e) { console.log(e.message); }
for (const s of clients) console.log(s.io.opts.transports, "got", named(s.log, "payment:added").length, "in", Date.now() - t1, "ms; disconnects", s.disconnects, "recoveries", s.recoveries);
for (const s of clients) s.close();
await server.stop(); console.log(server.stderr.split("\n").filter((l) => /WARN|ERROR/.test(l)).slice(0, 5).join("\n")); env.ws.remove();

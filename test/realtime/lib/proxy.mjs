// A TCP proxy standing for a load balancer in front of several instances:
// new connections go to the current target; failover switches the target
// and cuts every open connection, as when an instance goes away.
import net from "node:net";

export async function startProxy(target) {
  const open = new Set();
  const proxy = { target };
  const server = net.createServer((client) => {
    const u = new URL(proxy.target.url);
    const upstream = net.connect(Number(u.port), u.hostname);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(end);
    };
    open.add(end);
    for (const s of [client, upstream]) {
      s.on("error", end);
      s.on("close", end);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.failover = (next) => {
    proxy.target = next;
    for (const end of [...open]) end();
  };
  proxy.close = () => {
    for (const end of [...open]) end();
    return new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}

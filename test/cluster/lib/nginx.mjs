// Nginx runs deploy/nginx/livedesk.conf as a child process (never the
// system service) on a free port, in front of the given instances. Only the
// lines marked "# deploy:" are rewritten.
import { spawn, execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { children, freePort } from "./services.mjs";

const repo = process.env.LIVEDESK_REPO ?? resolve(import.meta.dirname, "../../..");
export const CONF = join(repo, "deploy/nginx/livedesk.conf");

// render rewrites the example for a test: the instances, the listen
// address and the server name.
export function render(conf, { upstreams, port }) {
  let placed = false;
  return conf
    .split("\n")
    .flatMap((line) => {
      if (line.includes("# deploy: instances")) {
        if (placed) return [];
        placed = true;
        return upstreams.map((u) => line.replace(/server \S+/, `server ${u}`).replace(/\s*# deploy:.*$/, ""));
      }
      if (line.includes("# deploy: listen")) return [`    listen 127.0.0.1:${port};`];
      if (line.includes("# deploy: server_name")) return ["    server_name localhost;"];
      return [line];
    })
    .join("\n");
}

export class Nginx {
  static async start(instances) {
    const n = new Nginx();
    n.port = await freePort();
    n.dir = mkdtempSync(join(tmpdir(), "livedesk-nginx-"));
    for (const d of ["logs", "tmp"]) mkdirSync(join(n.dir, d));
    // Workers run as an unprivileged user when nginx starts as root.
    chmodSync(n.dir, 0o755);
    chmodSync(join(n.dir, "tmp"), 0o777);
    const upstreams = instances.map((i) => new URL(i.url).host);
    writeFileSync(join(n.dir, "livedesk.conf"), render(readFileSync(CONF, "utf8"), { upstreams, port: n.port }));
    // The access log names the instance that served each request, so the
    // test can see that clients were spread and sessions stuck.
    writeFileSync(
      join(n.dir, "nginx.conf"),
      `worker_processes 1;
pid ${n.dir}/nginx.pid;
error_log ${n.dir}/logs/error.log warn;
events { worker_connections 1024; }
http {
  log_format routed '$upstream_addr $status "$request" route=$livedesk_route';
  access_log ${n.dir}/logs/access.log routed;
  client_body_temp_path ${n.dir}/tmp/body;
  proxy_temp_path ${n.dir}/tmp/proxy;
  fastcgi_temp_path ${n.dir}/tmp/fastcgi;
  uwsgi_temp_path ${n.dir}/tmp/uwsgi;
  scgi_temp_path ${n.dir}/tmp/scgi;
  include ${n.dir}/livedesk.conf;
}
`,
    );
    const args = ["-p", n.dir, "-c", join(n.dir, "nginx.conf"), "-g", "daemon off;"];
    execFileSync("nginx", ["-t", "-q", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    n.proc = spawn("nginx", args, { stdio: ["ignore", "ignore", "pipe"] });
    children.add(n.proc);
    n.stderr = "";
    n.proc.stderr.on("data", (d) => (n.stderr += d));
    n.exited = new Promise((r) => n.proc.on("exit", () => (children.delete(n.proc), r())));
    n.url = `http://127.0.0.1:${n.port}`;
    const end = Date.now() + 5000;
    for (;;) {
      try {
        const res = await fetch(n.url + "/healthz");
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > end) throw new Error(`nginx did not start: ${n.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return n;
  }

  accessLog() {
    return readFileSync(join(this.dir, "logs/access.log"), "utf8").trim().split("\n");
  }

  async stop() {
    if (this.proc.exitCode === null) {
      this.proc.kill("SIGQUIT");
      const t = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

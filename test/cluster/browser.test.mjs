// The dashboard in Chromium through the example nginx config, in front of
// two instances: log in, go live, and see payments written on either
// instance appear in the activity feed. Uses the web package's
// playwright-core and Debian's Chromium; skipped loudly when either, nginx
// or the embedded UI (web/dist, built into the binary by run.sh) is missing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { Cluster, PASSWORD } from "./lib/cluster.mjs";
import { Nginx } from "./lib/nginx.mjs";

const repo = process.env.LIVEDESK_REPO ?? resolve(import.meta.dirname, "../..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PLAYWRIGHT = join(repo, "web/node_modules/playwright-core/index.mjs");

function missing() {
  const m = [];
  if (!existsSync(CHROMIUM)) m.push(`Chromium (${CHROMIUM})`);
  if (!existsSync(PLAYWRIGHT)) m.push("web/node_modules/playwright-core (cd web && npm ci)");
  if (process.env.LIVEDESK_UI !== "1") m.push("the embedded UI (make ui, then run.sh builds it in)");
  try {
    execFileSync("nginx", ["-v"], { stdio: "ignore" });
  } catch {
    m.push("nginx");
  }
  return m;
}
const absent = missing();
const skip = absent.length ? `\n*** BROWSER-THROUGH-NGINX TEST NOT RUN: missing ${absent.join(", ")}` : false;
if (skip && process.env.LIVEDESK_REQUIRE_SERVICES === "1") throw new Error(skip);

let c, nginx, browser, admin;

before(async () => {
  if (skip) return;
  const { chromium } = await import(PLAYWRIGHT);
  c = await Cluster.start({ instances: 2 });
  nginx = await Nginx.start(c.instances);
  admin = await c.instances[1].login("admin@cluster.test");
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  await c?.stop();
});

test("log in through nginx and see payments written on either instance live", { skip }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await ctx.newPage();
  await page.goto(nginx.url + "/");
  await page.getByLabel("Email").fill("admin@cluster.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 20000 });
  await page.getByTestId("activity-feed").waitFor();

  // One payment written on each instance, directly (not through the
  // proxy): whichever instance holds the browser's socket, one of them is
  // cross-instance.
  for (const [k, inst] of c.instances.entries()) {
    const name = `Proxied Payer ${k}`;
    const customer = await inst.createCustomer(admin.token, { name, vendorId: c.users.vendorA });
    await inst.pay(admin.token, customer.id, 12345 + k);
    await page.getByTestId("activity-feed").getByText(name).first().waitFor({ timeout: 5000 });
  }
  const transport = await page.getByTestId("transport").innerText();
  assert.match(transport, /websocket|polling/);
  console.log(`# browser through nginx: logged in, live over ${transport.trim()}, payments from both instances in the feed`);
  await ctx.close();
});

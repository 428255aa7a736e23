import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pollingURL } from "./helpers.mjs";

// The conformance servers allow any origin ("*") without credentials.
describe("CORS", () => {
  it("allows any origin on the handshake", async () => {
    const res = await fetch(pollingURL(), { headers: { Origin: "https://example.com" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
  });

  it("answers a preflight request", async () => {
    const res = await fetch(pollingURL(), {
      method: "OPTIONS",
      headers: {
        Origin: "https://example.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.match(res.headers.get("access-control-allow-methods"), /POST/);
    assert.equal(res.headers.get("access-control-allow-headers"), "content-type");
  });
});

// The walls, tried from inside the page: a script cannot reach the network (only the
// CSP stands between it and a reachable loopback server), cannot navigate the window
// away, and cannot open a window.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { openApp, screenshot } from "./app.mjs";

/** A server on loopback that counts what reaches it: reachable, so only the app's walls stop a request. */
function startCountingServer() {
  const hits = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url);
    res.setHeader("access-control-allow-origin", "*");
    res.end("<h1>outside</h1>");
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, hits, url: `http://127.0.0.1:${server.address().port}` })),
  );
}

/** A negative check needs a window of time: the page gets this long to misbehave. */
const GRACE_MS = 1500;

describe("the page's walls", () => {
  let browser;
  let outside;
  before(async () => {
    outside = await startCountingServer();
    browser = await openApp();
  });
  after(async () => {
    await browser?.deleteSession();
    outside?.server.close();
  });

  it("refuses a fetch to a reachable loopback server (CSP connect-src)", async () => {
    const result = await browser.execute(async (url) => {
      const violations = [];
      document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
      let outcome;
      try {
        await fetch(`${url}/fetch`);
        outcome = "fetched";
      } catch (e) {
        outcome = `blocked: ${e}`;
      }
      await new Promise((r) => setTimeout(r, 200));
      return { outcome, violations };
    }, outside.url);
    assert.match(result.outcome, /^blocked/);
    assert.ok(result.violations.some((d) => d.startsWith("connect-src")), JSON.stringify(result.violations));
    assert.deepEqual(outside.hits, []);
  });

  it("keeps the window on the app when a script or a link tries to navigate away", async () => {
    const start = await browser.getUrl();
    await browser.execute((url) => {
      window.location.href = `${url}/navigate`;
    }, outside.url);
    await new Promise((r) => setTimeout(r, GRACE_MS));
    await browser.execute((url) => {
      const a = document.createElement("a");
      a.href = `${url}/link`;
      a.textContent = "outside";
      document.body.append(a);
      a.click();
    }, outside.url);
    await new Promise((r) => setTimeout(r, GRACE_MS));
    assert.equal(await browser.getUrl(), start);
    assert.equal(await browser.execute(() => document.body.dataset.ready), "true");
    assert.deepEqual(outside.hits, []);
  });

  it("opens no new window", async () => {
    const opened = await browser.execute((url) => window.open(`${url}/popup`, "_blank") === null, outside.url);
    await new Promise((r) => setTimeout(r, GRACE_MS));
    assert.equal(opened, true, "window.open returned a window");
    assert.equal((await browser.getWindowHandles()).length, 1);
    assert.deepEqual(outside.hits, []);
    await screenshot(browser, "after-escape-attempts");
  });
});

// The XSS corpus (ui/src/components/markdown/xss-corpus.json) streamed by a standalone
// emulator into the real window: no payload runs, no `on*` attribute and no disallowed
// URL scheme reaches the DOM, and no network request leaves the page.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import http from "node:http";
import { closeApp, newDataDir, openApp, pickAgent, screenshot, send, texts } from "./app.mjs";
import { startEmulator } from "./emulator.mjs";

const corpus = JSON.parse(readFileSync(new URL("../../ui/src/components/markdown/xss-corpus.json", import.meta.url), "utf8"));

describe("model output cannot attack the page", () => {
  let emulator;
  let outside;
  let hits = [];
  before(async () => {
    // A reachable server on loopback: payloads pointing at it would be seen here.
    outside = http.createServer((req, res) => {
      hits.push(req.url);
      res.end("x");
    });
    await new Promise((r) => outside.listen(0, "127.0.0.1", r));
    const origin = `http://127.0.0.1:${outside.address().port}`;
    const answer = corpus
      .map((c, i) => `### Payload ${i}: ${c.name}\n\n${c.markdown.replaceAll("https://evil.example", origin)}\n\n`)
      .join("")
      .concat(`![pixel](${origin}/pixel.png) [loopback](${origin}/link)\n`);
    emulator = await startEmulator({
      tokenDelayMs: 0,
      agents: [{ id: "agent:xss", name: "Hostile", description: "Answers with XSS payloads.", steps: [{ text: answer }] }],
    });
  });
  after(async () => {
    await emulator?.stop();
    outside?.close();
  });

  it("runs no payload, keeps on* attributes and bad schemes out of the DOM, and sends no request", async () => {
    const dataDir = newDataDir();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await browser.execute(() => {
        window.__violations = [];
        document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await pickAgent(browser, "agent:xss");
      await send(browser, "Show me everything");
      await browser.waitUntil(async () => (await texts(browser, "usage-line")).length === 1, { timeout: 60_000 });
      await new Promise((r) => setTimeout(r, 1000));
      const report = await browser.execute(() => {
        const answer = document.querySelector('[data-testid="message-assistant"]');
        const all = [...answer.querySelectorAll("*")];
        const onAttributes = all.flatMap((el) => [...el.attributes].filter((a) => a.name.toLowerCase().startsWith("on")).map((a) => `${el.tagName} ${a.name}`));
        const urlAttributes = all.flatMap((el) =>
          [...el.attributes]
            .filter((a) => ["href", "src", "xlink:href", "action", "formaction", "data", "poster", "srcset"].includes(a.name.toLowerCase()))
            .map((a) => a.value.trim()),
        );
        const badUrls = urlAttributes.filter((v) => !/^(https?:|mailto:|#)/i.test(v));
        const dangerous = [
          ...answer.querySelectorAll("script, iframe, object, embed, form, base, meta, img, video, audio, link"),
          ...[...answer.querySelectorAll("style")].filter((s) => !s.closest(".katex")),
        ];
        return {
          xss: window.__xss === undefined ? null : String(window.__xss),
          onAttributes,
          badUrls,
          dangerous: [...dangerous].map((e) => e.tagName),
          resources: performance.getEntriesByType("resource").map((e) => e.name).filter((n) => !n.startsWith("tauri:") && !n.includes("tauri.localhost") && !n.startsWith("ipc:") && !n.startsWith("http://ipc.localhost")),
          violations: window.__violations,
          headings: answer.querySelectorAll("h3").length,
        };
      });
      await screenshot(browser, "xss-corpus");
      assert.ok(report.headings >= corpus.length, "every payload was rendered");
      assert.equal(report.xss, null, "a payload ran");
      assert.deepEqual(report.onAttributes, []);
      assert.deepEqual(report.badUrls, []);
      assert.deepEqual(report.dangerous, []);
      assert.deepEqual(report.resources, [], "the page loaded something from outside");
      assert.deepEqual(hits, [], "a request reached the loopback server");
    } finally {
      await closeApp(browser);
    }
  });
});

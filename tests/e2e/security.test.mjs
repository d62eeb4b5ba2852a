// The walls, tried from inside the page: a script cannot reach the network (only the
// CSP stands between it and a reachable loopback server), cannot navigate the window
// away (not even to the other platform's app origin), cannot open a window, cannot
// download a file, and the chat renders math, code, tables and media without needing
// inline styles. Each refusal is read from what the test can see (the window's URL, its
// window handles, a reachable server, the download folders) and from the app's log,
// which names the handler that refused: on WebKitGTK some refusals look the same
// without their handler (no `create` handler means no window either), so the log line
// is what fails when the handler is removed.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { newDataDir, openApp, pickAgent, screenshot, send, sendAndWait } from "./app.mjs";

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
const pause = (ms = GRACE_MS) => new Promise((r) => setTimeout(r, ms));

/** Everything the app has logged so far (the data folder's `logs/`). */
function logText(dataDir) {
  const logs = path.join(dataDir, "logs");
  if (!existsSync(logs)) return "";
  return readdirSync(logs)
    .filter((f) => f.startsWith("athena-desktop"))
    .map((f) => readFileSync(path.join(logs, f), "utf8"))
    .join("\n");
}

/** How many log lines match `pattern` (the log is written on a background thread: poll). */
function countLogged(dataDir, pattern) {
  return logText(dataDir).split("\n").filter((l) => pattern.test(l)).length;
}

/** Waits until the log has more than `before` lines matching `pattern`; fails with the log's tail. */
async function waitLogged(dataDir, pattern, before, what) {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (countLogged(dataDir, pattern) > before) return;
    await pause(50);
  }
  const tail = logText(dataDir).split("\n").slice(-15).join("\n");
  assert.fail(`the app's log does not say it ${what} (${pattern}); its last lines:\n${tail}`);
}

/**
 * The folders WebKitGTK saves a download to when nobody decides otherwise: the XDG
 * download folder, the home folder, the working folder (where a file would land if the
 * handlers were missing).
 */
function downloadFolders() {
  const home = homedir();
  // Measured: with neither handler, WebKitGTK saved a blob: download in the app's
  // working folder (the repository root, as tauri-driver's).
  const root = path.resolve(new URL("../..", import.meta.url).pathname);
  const folders = [home, path.join(home, "Downloads"), root, process.cwd()];
  try {
    const dirs = readFileSync(path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, ".config"), "user-dirs.dirs"), "utf8");
    const match = dirs.match(/^XDG_DOWNLOAD_DIR="(.*)"$/m);
    if (match) folders.push(match[1].replace("$HOME", home));
  } catch {
    // No user-dirs.dirs: the home folder is WebKit's choice.
  }
  return folders.filter((f) => existsSync(f));
}

/** Files in the download folders whose names start with `stem`. */
function downloaded(stem) {
  return downloadFolders().flatMap((folder) => readdirSync(folder).filter((f) => f.startsWith(stem)).map((f) => path.join(folder, f)));
}

describe("the page's walls", () => {
  let browser;
  let outside;
  let dataDir;
  before(async () => {
    outside = await startCountingServer();
    dataDir = newDataDir();
    browser = await openApp(["--data-dir", dataDir]);
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

  it("renders math, code, a table and media with no CSP violation (no inline style needed)", async () => {
    await browser.execute(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample ?? ""}`.trim()),
      );
    });
    await pickAgent(browser, "agent:markdown");
    await sendAndWait(browser, "streaming answers");
    const rendered = await browser.execute(() => {
      const answers = document.querySelectorAll('[data-testid="message-assistant"]');
      const answer = answers[answers.length - 1];
      const strut = answer.querySelector(".katex .strut");
      return {
        katex: answer.querySelectorAll(".katex").length,
        display: answer.querySelectorAll(".katex-display").length,
        table: answer.querySelectorAll("table tbody tr").length,
        highlighted: answer.querySelectorAll('[data-testid="md-code"] [class^="hljs-"]').length,
        // KaTeX sizes its struts with style attributes: React sets them through CSSOM,
        // which `style-src` does not govern, so they apply without 'unsafe-inline'.
        strutHeight: strut ? strut.style.height : null,
      };
    });
    // KaTeX's fonts come from the app (font-src falls back to default-src 'self').
    const kaTeXFonts = () =>
      browser.execute(() =>
        [...document.fonts].filter((f) => f.family.includes("KaTeX_Main")).map((f) => `${f.weight}/${f.style}:${f.status}`),
      );
    await browser
      .waitUntil(async () => (await kaTeXFonts()).some((f) => f.endsWith(":loaded")), { timeout: 10_000, interval: 100 })
      .catch(() => undefined);
    const mathFonts = await kaTeXFonts();
    await browser.execute(() => {
      const maths = document.querySelectorAll(".katex-display");
      maths[maths.length - 1]?.scrollIntoView({ block: "center" });
    });
    await screenshot(browser, "security-markdown-no-inline-styles");
    assert.ok(rendered.katex >= 2 && rendered.display >= 1, JSON.stringify(rendered));
    assert.equal(rendered.table, 3);
    assert.ok(rendered.highlighted > 0, "code is highlighted");
    assert.match(rendered.strutHeight ?? "", /em$/, "KaTeX's inline sizes apply");
    assert.deepEqual(await browser.execute(() => window.__violations), [], "no CSP violation while math, code and a table render");
    assert.ok(mathFonts.includes("400/normal:loaded"), `KaTeX's main font loads: ${mathFonts}`);

    await pickAgent(browser, "agent:media");
    await send(browser, "a lighthouse at dusk");
    await browser.waitUntil(async () => (await browser.$$('[data-testid="part-media-job"][data-state="ready"]')).length === 2, {
      timeout: 60_000,
      timeoutMsg: "both media jobs ready",
    });
    await pause(1000);
    await screenshot(browser, "security-media-no-inline-styles");
    assert.deepEqual(await browser.execute(() => window.__violations), []);
  });

  it("keeps the window on the app when a script or a link tries to navigate away", async () => {
    const start = await browser.getUrl();
    const blocked = /blocked a navigation away from the app/;
    let before = countLogged(dataDir, blocked);
    await browser.execute(() => {
      window.location.href = "https://example.com/";
    });
    await waitLogged(dataDir, blocked, before, "blocked the script's navigation to example.com");
    before = countLogged(dataDir, blocked);
    await browser.execute((url) => {
      window.location.href = `${url}/navigate`;
    }, outside.url);
    await waitLogged(dataDir, blocked, before, "blocked the script's navigation to loopback");
    before = countLogged(dataDir, blocked);
    await browser.execute((url) => {
      const a = document.createElement("a");
      a.href = `${url}/link`;
      a.textContent = "outside";
      document.body.append(a);
      a.click();
      a.remove();
    }, outside.url);
    await waitLogged(dataDir, blocked, before, "blocked the clicked link");
    await pause();
    assert.equal(await browser.getUrl(), start);
    assert.equal(await browser.execute(() => document.body.dataset.ready), "true");
    assert.deepEqual(outside.hits, []);
  });

  it("refuses the other platform's app origin: on Linux http://tauri.localhost is not the app", async () => {
    const start = await browser.getUrl();
    assert.match(start, /^tauri:\/\/localhost(\/|$)/, "the app runs from tauri://localhost on Linux");
    const blocked = /blocked a navigation away from the app.*scheme="?http\b/;
    const before = countLogged(dataDir, blocked);
    await browser.execute(() => {
      window.location.href = "http://tauri.localhost/index.html";
    });
    await waitLogged(dataDir, blocked, before, "blocked http://tauri.localhost");
    await pause();
    assert.equal(await browser.getUrl(), start);
    assert.equal(await browser.execute(() => document.body.dataset.ready), "true");
  });

  it("opens no new window: window.open on a user's click is refused by the app's handler", async () => {
    // Clicked through WebDriver, so that WebKit sees a user gesture: a script's own
    // window.open without one never reaches the app (WebKit's popup blocker).
    await browser.execute((url) => {
      const button = document.createElement("button");
      button.id = "escape-open";
      button.textContent = "open";
      button.addEventListener("click", () => {
        window.__opened = window.open(`${url}/popup`, "_blank");
      });
      const bar = document.createElement("div");
      bar.id = "escape-bar";
      bar.style.cssText = "position:fixed;top:0;left:0;z-index:99999;background:white";
      bar.append(button);
      document.body.append(bar);
    }, outside.url);
    const blocked = /blocked a new window/;
    const handles = await browser.getWindowHandles();
    const before = countLogged(dataDir, blocked);
    await browser.$("#escape-open").click();
    await waitLogged(dataDir, blocked, before, "refused window.open");
    await pause();
    assert.equal(await browser.execute(() => window.__opened), null, "window.open returned a window");
    assert.deepEqual(await browser.getWindowHandles(), handles);
    assert.deepEqual(outside.hits, []);
    await screenshot(browser, "after-escape-attempts");
    await browser.execute(() => document.getElementById("escape-bar").remove());
  });

  it("downloads nothing: an app file the webview cannot show, by a clicked a[download] and by a script's navigation", async () => {
    // A font of the app's own: the navigation is the app's origin, so only the download
    // path decides. (WebKitGTK also fails downloads from the app's custom scheme on its
    // own; this test keeps that so, whatever a WebKit update does.)
    const font = readdirSync(new URL("../../ui/dist/assets/", import.meta.url)).find((f) => f.endsWith(".woff2"));
    assert.ok(font, "the built UI has a .woff2 font");
    const file = `/assets/${font}`;
    const stem = path.basename(file).split(".")[0];
    const already = downloaded(stem);
    const start = await browser.getUrl();
    await browser.execute((href) => {
      const a = document.createElement("a");
      a.id = "escape-download";
      a.href = href;
      a.download = "saved-by-the-page.woff2";
      a.textContent = "download";
      a.style.cssText = "position:fixed;top:0;left:0;z-index:99999;background:white";
      document.body.append(a);
    }, file);
    await browser.$("#escape-download").click();
    await pause();
    await browser.execute(() => document.getElementById("escape-download")?.remove());
    await browser.execute((href) => {
      window.location.href = href;
    }, file);
    await pause();
    assert.deepEqual(downloaded(stem), already, "a file was saved");
    assert.deepEqual(downloaded("saved-by-the-page"), [], "a file was saved");
    assert.equal(await browser.getUrl(), start);
    assert.equal(await browser.execute(() => document.body.dataset.ready), "true");
  });

  it("downloads nothing the page makes: a[download] of a blob: and a data: URL", async () => {
    const start = await browser.getUrl();
    // Either wall may stop these first (the navigation handler refuses blob: and data:
    // addresses; the download handler refuses the download): the log must name one.
    const blocked = /blocked a (download|navigation away from the app)/;
    for (const kind of ["blob", "data"]) {
      const before = countLogged(dataDir, blocked);
      await browser.execute((kind) => {
        const content = "#!/bin/sh\necho written by the page\n";
        const a = document.createElement("a");
        a.href = kind === "blob" ? URL.createObjectURL(new Blob([content], { type: "application/octet-stream" })) : `data:application/octet-stream,${encodeURIComponent(content)}`;
        a.download = `page-made-${kind}.sh`;
        document.body.append(a);
        a.click();
        a.remove();
      }, kind);
      await waitLogged(dataDir, blocked, before, `refused the ${kind}: download`);
    }
    await pause();
    assert.deepEqual(downloaded("page-made-"), [], "a file was saved");
    assert.equal(await browser.getUrl(), start);
  });

});

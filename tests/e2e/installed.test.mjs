// The app as a person gets it: the release .deb (built by `cargo xtask e2e`/`test`,
// passed in ATHENA_DEB) installed with dpkg, the installed binary started under Xvfb,
// a demo chat completed through WebDriver, then removed. Nothing of the app may remain
// outside the user's data folder, which removal keeps. Needs root (dpkg).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { closeApp, screenshot, sendAndWait, texts } from "./app.mjs";
import { run, startDriver } from "./desktop.mjs";

const deb = process.env.ATHENA_DEB;
const root = process.getuid?.() === 0;
const IDENTIFIER = "app.athena.desktop";

/** Every file and folder below `dir`, relative to it. */
function walk(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const rel = path.relative(base, full);
    return statSync(full).isDirectory() ? [rel + "/", ...walk(full, base)] : [rel];
  });
}

describe("the installed .deb", { skip: !deb ? "no ATHENA_DEB: run through cargo xtask e2e" : !root ? "needs root for dpkg" : false }, () => {
  let pkg;
  let payload;
  let home;
  let driver;
  before(async () => {
    pkg = (await run("dpkg-deb", ["-f", deb, "Package"])).stdout.trim();
    // The files the package puts on the system (folders left out: /usr/bin stays).
    // `-rw-r--r-- 0/0 239 2026-12-02 06:26 usr/share/applications/Athena Desktop.desktop`
    payload = (await run("dpkg-deb", ["-c", deb])).stdout
      .split("\n")
      .filter((line) => line && !line.startsWith("d"))
      .map((line) => "/" + /^\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+(?:\.\/)?(.*)$/.exec(line)[1]);
    // A home of its own, so that every file the app writes for its user lands here.
    home = mkdtempSync(path.join(tmpdir(), "athena-installed-home-"));
    const env = { HOME: home, XDG_DATA_HOME: "", XDG_CONFIG_HOME: "", XDG_CACHE_HOME: "", XDG_STATE_HOME: "" };
    driver = await startDriver(env);
  });
  after(async () => {
    driver?.stop();
    if (pkg) await run("dpkg", ["-r", pkg]);
  });

  it("carries its identity: binary, desktop entry with categories and the link type, icons", async () => {
    assert.ok(payload.includes("/usr/bin/athena-desktop"), payload.join("\n"));
    const entry = payload.find((f) => f.startsWith("/usr/share/applications/") && f.endsWith(".desktop"));
    assert.ok(entry, "a desktop entry");
    const icons = payload.filter((f) => f.startsWith("/usr/share/icons/hicolor/"));
    assert.ok(icons.length >= 3, `icons in several sizes: ${icons.join(", ")}`);
    const extracted = mkdtempSync(path.join(tmpdir(), "athena-deb-"));
    await run("dpkg-deb", ["-x", deb, extracted]);
    const desktop = readFileSync(path.join(extracted, entry), "utf8");
    assert.match(desktop, /^MimeType=.*x-scheme-handler\/athena-desktop;/m);
    assert.match(desktop, /^Categories=.*Office;/m);
    assert.match(desktop, /^Exec=athena-desktop %u$/m);
    assert.match(desktop, /^Name=Athena Desktop$/m);
  });

  it("installs, completes a demo chat from the installed binary, and uninstalls cleanly", async () => {
    const installed = await run("dpkg", ["-i", deb]);
    assert.equal(installed.code, 0, installed.stderr);
    for (const file of payload) assert.ok(existsSync(file), `installed ${file}`);

    // No --data-dir: the installed app as a person starts it, with the default folders.
    const browser = await driver.open("/usr/bin/athena-desktop", []);
    try {
      await sendAndWait(browser, "Hello from the installed app");
      const answers = await texts(browser, "message-assistant");
      assert.ok(answers.at(-1)?.length > 0, "the demo agent answered");
      await screenshot(browser, "installed-app");
    } finally {
      await closeApp(browser);
    }

    const removed = await run("dpkg", ["-r", pkg]);
    assert.equal(removed.code, 0, removed.stderr);
    pkg = null;
    for (const file of payload) assert.ok(!existsSync(file), `removal left ${file}`);

    // The user's data folder is kept, with the chat in it; nothing of the app elsewhere.
    const data = path.join(".local", "share", IDENTIFIER);
    assert.ok(existsSync(path.join(home, data, "history.sqlite3")), "the history is kept");
    const outside = walk(home).filter((f) => !(f + "/").startsWith(data + "/") && !data.startsWith(f.replace(/\/$/, "")));
    const ofTheApp = outside.filter((f) => /athena/i.test(f));
    assert.deepEqual(ofTheApp, [], `the app wrote outside its data folder:\n${outside.join("\n")}`);
  });
});

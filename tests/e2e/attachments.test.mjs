// Attachments in the real window, against a standalone emulator: a file dropped (the
// test bench's dropped-paths seam, the backend entry point the window's drop reaches),
// one picked (the native picker answered by the scripted answerer) and one pasted (a
// synthetic paste event carrying a File) each show their chip and its progress, go with
// the message, and the agent says it received them; an over-size, a wrong-type and an
// unsupported pasted file show their reasons and nothing is sent; staged attachments
// survive a restart. Screenshots in light and dark themes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync, crc32 } from "node:zlib";
import { closeApp, newDataDir, openApp, pickAgent, screenshot, showTheme, texts } from "./app.mjs";
import { answerDialogs, appPid, dialogsShown, dropPaths } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

// The emulator's Markdown writer says how many attachments its request carried.
const AGENT = "agent:markdown";
const $ = (browser, id) => browser.$(`[data-testid="${id}"]`);

/** A real PNG (a colour gradient) of this size. */
function png(width, height) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const at = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      rows[at + 1 + x * 3] = Math.round((255 * x) / width);
      rows[at + 2 + x * 3] = Math.round((255 * y) / height);
      rows[at + 3 + x * 3] = 180;
    }
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A folder of files to attach, in a fresh place. */
function filesDir() {
  const dir = path.join(newDataDir(), "to-attach");
  mkdirSync(dir);
  return dir;
}

/** A PDF header followed by a sparse run of zeros up to `bytes`. */
function sparsePdf(file, bytes) {
  writeFileSync(file, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  execFileSync("truncate", ["-s", String(bytes), file]);
}

/** Every chip's [name, state] in the composer's tray. */
const chips = (browser) =>
  browser.execute(() =>
    [...document.querySelectorAll('[data-testid="attachment-chip"]')].map((c) => [
      c.querySelector('[data-testid="attachment-name"]').innerText.trim(),
      c.getAttribute("data-state"),
    ]),
  );

async function waitForChips(browser, wanted, timeout = 30_000) {
  let seen = [];
  await browser.waitUntil(
    async () => {
      seen = await chips(browser);
      return JSON.stringify(seen) === JSON.stringify(wanted);
    },
    { timeout, interval: 100, timeoutMsg: `the chips did not become ${JSON.stringify(wanted)}` },
  ).catch(async (e) => {
    // What the backend holds, to tell a page that missed an event from a backend that
    // never finished.
    const held = await browser
      .execute(async () => {
        const conversations = await window.__TAURI_INTERNALS__.invoke("list_conversations", {
          workspaceId: (await window.__TAURI_INTERNALS__.invoke("workspace_overview", {})).workspaceId,
          archived: false,
          after: null,
          limit: 5,
        });
        const out = [];
        for (const c of conversations) {
          const list = await window.__TAURI_INTERNALS__.invoke("draft_attachments", { conversationId: c.id });
          out.push(...list.map((a) => [a.filename, a.state.kind]));
        }
        return out;
      })
      .catch((err) => String(err));
    throw new Error(`${e.message}; they are ${JSON.stringify(seen)}; the backend holds ${JSON.stringify(held)}`);
  });
}

/**
 * Records, in the page, every state and progress value any chip shows from now on (an
 * upload to a local emulator can be quicker than a WebDriver poll).
 */
async function recordChipStates(browser) {
  await browser.execute(() => {
    window.__chipLog = [];
    const log = () => {
      for (const c of document.querySelectorAll('[data-testid="attachment-chip"]')) {
        const bar = c.querySelector('[role="progressbar"]');
        window.__chipLog.push({
          name: c.querySelector('[data-testid="attachment-name"]').innerText.trim(),
          state: c.getAttribute("data-state"),
          percent: bar ? Number(bar.getAttribute("aria-valuenow")) : null,
        });
      }
    };
    new MutationObserver(log).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}
const chipLog = (browser) => browser.execute(() => window.__chipLog ?? []);

/**
 * Switches the page to the dark palette (what theme.ts does for the user's choice) and
 * returns the contrast of each chip's status text against the chip's background.
 */
async function darkChipContrast(browser) {
  await showTheme(browser, "dark");
  return browser.execute(() => {
    const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    return [...document.querySelectorAll('[data-testid="attachment-chip"]')].map((chip) => {
      const text = lum(rgb(getComputedStyle(chip.querySelector('[data-testid="attachment-status"]')).color));
      const bg = lum(rgb(getComputedStyle(chip).backgroundColor));
      return Math.round(((Math.max(text, bg) + 0.05) / (Math.min(text, bg) + 0.05)) * 10) / 10;
    });
  });
}

/**
 * Waits until the process has ended: an app still shutting down holds its data folder's
 * single-instance name, and a new launch on that folder would hand over to it and exit.
 */
async function waitForExit(pid, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > end) throw new Error(`the app (pid ${pid}) did not exit within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Types the message with element send keys and clicks Send once it is enabled. */
async function typeAndSend(browser, text) {
  await (await $(browser, "composer")).setValue(text);
  const send = await $(browser, "send");
  await browser.waitUntil(async () => send.isEnabled(), { timeout: 30_000, timeoutMsg: "Send stayed disabled" });
  await send.click();
}

async function waitForAnswers(browser, count) {
  await browser.waitUntil(async () => (await texts(browser, "usage-line")).length >= count, {
    timeout: 30_000,
    timeoutMsg: `expected ${count} finished answers`,
  });
}

/** Dispatches a paste of a file with these bytes on the composer, as the clipboard would. */
async function pasteFile(browser, name, type, bytes) {
  return browser.execute(
    (n, t, b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], n, { type: t }));
      const box = document.querySelector('[data-testid="composer"]');
      box.focus();
      const event = new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true });
      box.dispatchEvent(event);
      return { prevented: event.defaultPrevented, files: transfer.files.length };
    },
    name,
    type,
    bytes.toString("base64"),
  );
}

describe("attachments", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator({ tokenDelayMs: 1 });
  });
  after(async () => {
    await emulator?.stop();
  });

  it("attaches a dropped, a picked and a pasted file, shows their progress, and the agent receives them", async () => {
    const dataDir = newDataDir();
    const dir = filesDir();
    const photo = path.join(dir, "photo.png");
    writeFileSync(photo, png(320, 200));
    const report = path.join(dir, "report.pdf");
    sparsePdf(report, 24 * 1024 * 1024);
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await pickAgent(browser, AGENT);
      await recordChipStates(browser);

      // Dropped on the window, through the seam the window's drop event uses.
      const dropped = await dropPaths(dataDir, [photo]);
      assert.deepEqual(dropped.map((d) => d.kind), ["file"]);
      await waitForChips(browser, [["photo.png", "uploaded"]]);
      const thumb = await browser.$('[data-testid="attachment-chip"] [data-testid="attachment-thumb"]');
      assert.match(await thumb.getAttribute("src"), /^data:image\/png;base64,/);

      // Picked in the native dialog, answered by the script.
      await answerDialogs(dataDir, { files: [report] });
      await (await $(browser, "attach")).click();
      await waitForChips(browser, [
        ["photo.png", "uploaded"],
        ["report.pdf", "uploaded"],
      ]);
      const shown = await dialogsShown(dataDir);
      assert.deepEqual(
        shown.map((d) => [d.kind, d.multiple, d.answer]),
        [["open", true, [report]]],
      );

      // Pasted: the page reads the file once and hands its bytes over.
      const pasted = await pasteFile(browser, "pasted.png", "image/png", png(64, 64));
      assert.deepEqual(pasted, { prevented: true, files: 1 });
      await waitForChips(browser, [
        ["photo.png", "uploaded"],
        ["report.pdf", "uploaded"],
        ["pasted.png", "uploaded"],
      ]);

      // The 24 MiB report showed its progress on the way.
      const log = await chipLog(browser);
      const progress = log.filter((l) => l.name === "report.pdf" && l.state === "uploading").map((l) => l.percent);
      assert.ok(progress.length > 0, `the report's chip showed no progress: ${JSON.stringify(log.slice(0, 20))}`);
      assert.ok(progress.every((p) => p >= 0 && p <= 100));
      await screenshot(browser, "attachments-staged");

      await typeAndSend(browser, "Here are three files");
      await waitForAnswers(browser, 1);
      const [answer] = await texts(browser, "message-assistant");
      assert.match(answer, /I also received 3 attachment\(s\)/);
      assert.deepEqual(await chips(browser), [], "the tray is empty after sending");
      assert.deepEqual(await texts(browser, "sent-attachment-name"), ["photo.png", "report.pdf", "pasted.png"]);

      // The image opens full size; Escape closes it.
      await (await browser.$('button[data-testid="sent-attachment"]')).click();
      const full = await $(browser, "attachment-full-image");
      await full.waitForDisplayed({ timeout: 10_000 });
      await browser.waitUntil(async () => (await full.getProperty("naturalWidth")) === 320, {
        timeout: 10_000,
        timeoutMsg: "the full-size image did not load at its size",
      });
      await screenshot(browser, "attachments-full-view");
      const dialog = await $(browser, "attachment-full-view");
      await browser.waitUntil(
        async () => {
          if (await dialog.isExisting()) await browser.keys("Escape");
          return !(await dialog.isExisting());
        },
        { timeout: 10_000, interval: 500, timeoutMsg: "Escape did not close the full-size view" },
      );
      await screenshot(browser, "attachments-sent");
    } finally {
      await closeApp(browser);
    }
  });

  it("refuses an over-size and a wrong-type file with their reasons, and sends nothing", async () => {
    const dataDir = newDataDir();
    const dir = filesDir();
    const big = path.join(dir, "big.pdf");
    sparsePdf(big, 51 * 1024 * 1024);
    const fake = path.join(dir, "notes.png");
    writeFileSync(fake, "These are notes, not a picture.\n");
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await pickAgent(browser, AGENT);
      await recordChipStates(browser);
      await dropPaths(dataDir, [big, fake]);
      await waitForChips(browser, [
        ["big.pdf", "refused"],
        ["notes.png", "refused"],
      ]);
      // A pasted file of a type the API does not take is refused on its chip too, never lost.
      await pasteFile(browser, "setup.exe", "application/x-msdownload", Buffer.from("MZ not really a program"));
      await waitForChips(browser, [
        ["big.pdf", "refused"],
        ["notes.png", "refused"],
        ["setup.exe", "refused"],
      ]);
      assert.deepEqual(await texts(browser, "attachment-status"), [
        "Can't be attached: too large: 51 MiB, the limit is 50 MiB",
        "Can't be attached: says .png but is not a PNG image",
        "Can't be attached: not a supported type (.exe)",
      ]);
      const log = await chipLog(browser);
      assert.ok(!log.some((l) => l.state === "uploading" || l.state === "uploaded"), "nothing was uploaded");

      // Send waits, and says why.
      await (await $(browser, "composer")).setValue("Send these?");
      assert.equal(await (await $(browser, "send")).isEnabled(), false);
      assert.match(await (await $(browser, "send-blocked")).getText(), /Remove the files that can't be attached/);
      await screenshot(browser, "attachments-refused");
      const contrast = await darkChipContrast(browser);
      assert.equal(contrast.length, 3);
      assert.ok(contrast.every((c) => c >= 4.5), `the refusals are hard to read in the dark theme: ${contrast}`);
      await screenshot(browser, "attachments-refused-dark");
      assert.deepEqual(await texts(browser, "message-user"), [], "no message was sent");

      // Removing them frees Send; the message goes without them.
      for (const name of ["big.pdf", "notes.png", "setup.exe"]) {
        await (await browser.$(`[aria-label="Remove ${name}"]`)).click();
      }
      await waitForChips(browser, []);
      await typeAndSend(browser, "Without files");
      await waitForAnswers(browser, 1);
      assert.doesNotMatch((await texts(browser, "message-assistant"))[0], /attachment/);
    } finally {
      await closeApp(browser);
    }
  });

  it("keeps staged attachments across an app restart, and sends them after it", async () => {
    const dataDir = newDataDir();
    const dir = filesDir();
    const photo = path.join(dir, "kept.png");
    writeFileSync(photo, png(120, 90));
    const args = ["--data-dir", dataDir, ...emulator.appArgs()];
    let browser = await openApp(args);
    const pid = await appPid(dataDir);
    try {
      await pickAgent(browser, AGENT);
      await dropPaths(dataDir, [photo]);
      await waitForChips(browser, [["kept.png", "uploaded"]]);
    } finally {
      await closeApp(browser);
    }
    await waitForExit(pid);

    browser = await openApp(args);
    try {
      // The most recent conversation opens at start, with its staged attachment.
      await waitForChips(browser, [["kept.png", "uploaded"]]);
      await screenshot(browser, "attachments-after-restart");
      assert.ok((await darkChipContrast(browser)).every((c) => c >= 4.5));
      await screenshot(browser, "attachments-after-restart-dark");
      await typeAndSend(browser, "Still attached?");
      await waitForAnswers(browser, 1);
      assert.match((await texts(browser, "message-assistant"))[0], /I also received 1 attachment\(s\)/);
      assert.deepEqual(await texts(browser, "sent-attachment-name"), ["kept.png"]);
      await browser.waitUntil(async () => (await browser.$$('[data-testid="sent-attachment-thumb"]')).length === 1, {
        timeout: 10_000,
        timeoutMsg: "the sent image's thumbnail did not show",
      });
      // Up to the message, so the screenshot shows its attachment (again while the chat
      // still settles at its end after the answer).
      await browser.waitUntil(
        async () =>
          browser.execute(() => {
            document.querySelector('[data-testid="chat-scroll"]').scrollTop = 0;
            return document.querySelector('[data-testid="sent-attachments"]').getBoundingClientRect().top > 100;
          }),
        { timeout: 10_000, interval: 200, timeoutMsg: "the chat did not scroll up to the message" },
      );
      await screenshot(browser, "attachments-sent-dark");
    } finally {
      await closeApp(browser);
    }
  });
});

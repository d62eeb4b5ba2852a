// Batch runs in the real window against a standalone emulator with a seeded 10%
// failure rate: import a 500-row CSV through the scripted open dialog, run it on the
// Echo agent, see the counts match the emulator's failed keys, export the results
// through the scripted save dialog and compare them, retry the failed items, and
// reopen the run after a restart.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { closeApp, newDataDir, openApp, screenshot } from "./app.mjs";
import { answerDialogs } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

const SEED = 42;
const RATE = 0.1;
const ROWS = 500;

/** The emulator's failure rule (crates/athena-emulator/src/batch_fail.rs, README). */
function batchItemFails(seed, key, rate) {
  const MASK = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  const bytes = [];
  let s = BigInt(seed);
  for (let i = 0; i < 8; i++) {
    bytes.push(Number(s & 0xffn));
    s >>= 8n;
  }
  bytes.push(...new TextEncoder().encode(key));
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & MASK;
  }
  let k = h;
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK;
  k ^= k >> 33n;
  return Number(k >> 11n) / 2 ** 53 < rate;
}

/** A minimal CSV reader for the exported file (quoted fields, doubled quotes, embedded newlines). */
function readCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const $ = (browser, id) => browser.$(`[data-testid="${id}"]`);

async function waitForEnd(browser) {
  await browser.waitUntil(async () => (await $(browser, "batch-retry")).isExisting() || (await $(browser, "batch-export-csv")).isExisting(), {
    timeout: 60_000,
    interval: 100,
    timeoutMsg: "the batch run did not end",
  });
}

async function countsText(browser) {
  return (await $(browser, "batch-counts")).getText();
}

describe("batch runs", () => {
  let emulator;
  let dir;
  let csv;
  const keys = Array.from({ length: ROWS }, (_, i) => `row-${i + 1}`);
  const message = (i) => `Message ${i + 1}, with "quotes" and a comma`;
  const expectedFailed = keys.filter((k) => batchItemFails(SEED, k, RATE));

  before(async () => {
    emulator = await startEmulator({ tokenDelayMs: 0, args: ["--batch-failure-rate", String(RATE), "--seed", String(SEED)] });
    dir = mkdtempSync(path.join(tmpdir(), "athena-batch-"));
    csv = path.join(dir, "input.csv");
    // A BOM, a header, quoted fields with doubled quotes and commas.
    const lines = keys.map((k, i) => `${k},"${message(i).replaceAll('"', '""')}"`);
    writeFileSync(csv, `\uFEFFid,text\r\n${lines.join("\r\n")}\r\n`);
  });
  after(async () => {
    await emulator?.stop();
  });

  it("imports a CSV, runs it with the emulator's failures, exports, retries the failed, and reopens after a restart", async () => {
    assert.ok(expectedFailed.length > 20 && expectedFailed.length < 80, `about 10% fail: ${expectedFailed.length}`);
    const dataDir = newDataDir();
    let browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    let firstRunId;
    try {
      await (await $(browser, "open-batch")).click();
      await (await $(browser, "batch-agent")).selectByAttribute("value", "agent:demo-echo");
      await answerDialogs(dataDir, { files: [csv] });
      await (await $(browser, "batch-import")).click();
      await browser.waitUntil(async () => (await (await $(browser, "batch-row-count")).getText()).includes("500"), {
        timeout: 15_000,
        timeoutMsg: "the 500 rows were not read",
      });
      // The id and text columns were found by their names.
      await (await $(browser, "batch-cost-line")).waitForDisplayed({ timeout: 15_000 });
      await screenshot(browser, "batch-preview");
      const previewed = await browser.execute(() => [...document.querySelectorAll('[data-testid="batch-row"]')].map((e) => e.textContent));
      assert.ok(previewed.length > 0 && previewed.length < 200, `the preview is virtualized: ${previewed.length} rows in the DOM`);
      assert.match(previewed[0], /row-1/);
      assert.match(previewed[0], /Message 1, with "quotes" and a comma/);

      await (await $(browser, "batch-start")).click();
      await (await $(browser, "batch-confirm")).waitForDisplayed({ timeout: 5_000 });
      await (await $(browser, "batch-confirm-run")).click();
      await (await $(browser, "batch-run")).waitForDisplayed({ timeout: 10_000 });
      await waitForEnd(browser);
      const counts = await countsText(browser);
      assert.match(counts, new RegExp(`${ROWS - expectedFailed.length} done · ${expectedFailed.length} failed · 0 running · 0 queued · 0 cancelled · of 500`));
      // The progress bar shows it: the done part spans done/total of the bar.
      const share = ROWS === 0 ? 0 : (ROWS - expectedFailed.length) / ROWS;
      await browser.waitUntil(
        async () => {
          const ratio = await browser.execute(() => {
            const bar = document.querySelector('[role="progressbar"]');
            const done = bar?.querySelector(".batch-progress-done");
            return bar && done ? done.getBoundingClientRect().width / bar.getBoundingClientRect().width : -1;
          });
          return Math.abs(ratio - share) < 0.02;
        },
        { timeout: 5_000, timeoutMsg: "the progress bar does not show the share done" },
      );
      await screenshot(browser, "batch-run-finished");

      // Export: every done item's output is its message (Echo); the failed keys are the emulator's.
      const exported = path.join(dir, "results.csv");
      await answerDialogs(dataDir, { save: exported });
      await (await $(browser, "batch-export-csv")).click();
      // The file appears before its last byte is written: wait for the whole of it.
      let results = [];
      await browser.waitUntil(
        () => {
          results = existsSync(exported) ? readCsv(readFileSync(exported, "utf8")) : [];
          return results.length === ROWS;
        },
        { timeout: 10_000, interval: 50, timeoutMsg: "the export was not written in full" },
      );
      assert.equal(results.length, ROWS);
      assert.deepEqual(
        results.filter((r) => r.status === "failed").map((r) => r.key),
        expectedFailed,
      );
      for (const [i, r] of results.entries()) {
        assert.equal(r.key, keys[i]);
        assert.equal(r.message, message(i));
        if (r.status === "done") assert.equal(r.output_text, message(i));
        else assert.match(r.error, /failed/);
      }

      // Retry the failed ones: a new run holding just those (the seeded rule fails them again).
      const runIds = async () =>
        browser.execute(() => [...document.querySelectorAll('[data-testid="batch-run-item"]')].map((e) => e.dataset.runId));
      firstRunId = (await runIds())[0];
      await (await $(browser, "batch-retry")).click();
      await browser.waitUntil(async () => (await runIds()).length === 2, { timeout: 10_000, timeoutMsg: "the retry run is not listed" });
      await waitForEnd(browser);
      assert.match(await countsText(browser), new RegExp(`0 done · ${expectedFailed.length} failed · 0 running · 0 queued · 0 cancelled · of ${expectedFailed.length}`));
      assert.deepEqual((await runIds())[1], firstRunId, "newest first");
    } finally {
      await closeApp(browser);
    }

    // The runs are kept: after a restart, the first run opens with its results.
    browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await (await $(browser, "open-batch")).click();
      const first = await browser.$(`[data-testid="batch-run-item"][data-run-id="${firstRunId}"]`);
      await first.waitForDisplayed({ timeout: 10_000 });
      await first.click();
      await browser.waitUntil(async () => (await $(browser, "batch-counts")).isExisting() && (await countsText(browser)).includes("of 500"), {
        timeout: 10_000,
        timeoutMsg: "the first run did not reopen",
      });
      assert.match(await countsText(browser), new RegExp(`${ROWS - expectedFailed.length} done · ${expectedFailed.length} failed`));
      await screenshot(browser, "batch-reopened");
    } finally {
      await closeApp(browser);
    }
  });
});

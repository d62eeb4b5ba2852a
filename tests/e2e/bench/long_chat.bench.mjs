// Real-window benchmark of a long chat, against the release build (run by `cargo xtask
// bench page`): conversations of 1,000 messages already in the history (written through
// the store by athena-core's `seed_long_chat` example before the app starts, in the
// standalone emulator's workspace the app opens with), answers with markdown, tables
// and code blocks.
// - open: from the click on a conversation in the sidebar to its latest exchange painted
//   at the bottom of the view, for OPENS different conversations (each opened for the
//   first time); budget 300 ms;
// - stream: 20,000 tokens at 1,000 tokens/s into the last one opened: p95 frame time
//   (budget 20 ms), longest gap between frames (budget 100 ms), DOM elements sampled
//   throughout (budget 5,000), and PSS of the app and its WebKit processes from before
//   the first open to after the stream (budget +100 MB); the view must have followed
//   the answer to its end;
// - then, scrolled near the top, the page before loads by itself without moving the
//   exchange being read (figure in px), and Jump to latest brings the view back.
// ATHENA_BENCH_TOKENS sets a shorter stream, ATHENA_BENCH_VERBOSE prints progress.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { closeApp, newDataDir, openApp, screenshot, send } from "../app.mjs";
import { startEmulator } from "../emulator.mjs";
import { domCount, figure, percentile, pss, startFrames, stopFrames } from "../perf.mjs";
import { findAppPid } from "./process.mjs";

const BENCH = "page_long_chat";
const MESSAGES = 1_000;
const OPENS = 5;
const TOKENS = Number(process.env.ATHENA_BENCH_TOKENS ?? 20_000);
const RATE = 1_000;
const AGENT = "agent:bench-long-chat";
const verbose = (line) => process.env.ATHENA_BENCH_VERBOSE && console.error(`${BENCH}: ${line}`);

const seeder = process.env.ATHENA_SEED_LONG_CHAT;
if (!seeder) throw new Error("ATHENA_SEED_LONG_CHAT is not set: run the benchmark with `cargo xtask bench page`");

/** A long answer as agents write it: paragraphs, now and then a list; `tokens` words. */
function prose(tokens) {
  const words = [];
  for (let i = 0; words.length < tokens; i++) {
    if (i > 0) words.push(i % 5 === 0 ? "\n\n- a point\n- another point\n\n" : "\n\n");
    words.push(`**Part ${i}.**`);
    for (let w = 0; w < 58; w++) words.push(w % 13 === 7 ? "`code`" : `word${(i * 58 + w) % 997}`);
  }
  return words.slice(0, tokens).join(" ");
}

const emulator = await startEmulator({
  tokensPerSecond: RATE,
  agents: [{ id: AGENT, name: "Long chat", description: "Answers at length.", steps: [{ text: prose(TOKENS) }] }],
});

const dataDir = newDataDir();
const historyFile = path.join(dataDir, "data", "history.sqlite3");
const conversations = [];
for (let i = 0; i < OPENS; i++) {
  const started = Date.now();
  const id = execFileSync(
    seeder,
    [
      "--history", historyFile,
      "--base-url", emulator.url,
      "--workspace-id", emulator.workspaceId,
      "--agent-id", AGENT,
      "--agent-name", "Long chat",
      "--messages", String(MESSAGES),
      "--title", `Long chat ${i + 1}`,
    ],
    { encoding: "utf8" },
  ).trim();
  verbose(`seeded ${id} in ${Date.now() - started} ms`);
  conversations.push(id);
}

/**
 * Clicks a conversation in the sidebar and resolves with the time until its latest
 * exchange is on screen at the bottom of the view, painted (the frame after the one
 * that showed it), in ms; -1 if it never was within 10 s.
 */
async function timeOpen(browser, id) {
  return browser.executeAsync(
    (conversationId, lastHandle, done) => {
      const item = document.querySelector(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`);
      if (!item) return done(-2);
      const t0 = performance.now();
      item.click();
      const check = () => {
        const row = document.querySelector(`li.exchange[data-handle="${lastHandle}"]`);
        const scroller = document.querySelector('[data-testid="chat-scroll"]');
        if (row && scroller && row.querySelector('[data-testid="usage-line"]')) {
          const r = row.getBoundingClientRect();
          const s = scroller.getBoundingClientRect();
          if (r.bottom <= s.bottom + 2 && r.bottom > s.top) {
            requestAnimationFrame(() => done(performance.now() - t0));
            return;
          }
        }
        if (performance.now() - t0 > 10_000) return done(-1);
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    },
    id,
    `${id}-m${MESSAGES - 1}`,
  );
}

/** How far the chat is from its bottom, in px. */
async function distanceFromBottom(browser) {
  return browser.execute(() => {
    const el = document.querySelector('[data-testid="chat-scroll"]');
    return el ? el.scrollHeight - el.scrollTop - el.clientHeight : -1;
  });
}

const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs("Long chat bench")]);
try {
  const pid = findAppPid(dataDir);
  await browser.waitUntil(
    async () =>
      browser.execute(
        (ids) => ids.every((id) => document.querySelector(`[data-testid="conversation-item"][data-conversation-id="${id}"]`)),
        conversations,
      ),
    { timeout: 15_000, timeoutMsg: "the seeded conversations are not in the sidebar" },
  );
  // Let start-up settle (fonts, first list page) before the memory baseline.
  await new Promise((r) => setTimeout(r, 1500));
  const before = pss(pid);

  const opens = [];
  for (const id of conversations) {
    const ms = await timeOpen(browser, id);
    assert.ok(ms >= 0, `conversation ${id} did not show its latest message (${ms})`);
    verbose(`opened ${id} in ${ms.toFixed(1)} ms`);
    opens.push(ms);
    await new Promise((r) => setTimeout(r, 300));
  }
  figure(BENCH, `open 1,000 messages to latest painted, median of ${OPENS} (budget 300)`, percentile(opens, 0.5), "ms");
  figure(BENCH, `open 1,000 messages to latest painted, slowest of ${OPENS}`, Math.max(...opens), "ms");
  figure(BENCH, "DOM elements, conversation open", await domCount(browser), "elements");

  // The stream, into the conversation opened last.
  const message = `Stream ${TOKENS} tokens into a long chat`;
  await startFrames(browser);
  const started = Date.now();
  await send(browser, message);
  let peakDom = 0;
  const samples = [];
  await browser.waitUntil(
    async () => {
      const dom = await domCount(browser);
      samples.push(dom);
      peakDom = Math.max(peakDom, dom);
      const done = await browser.execute((sent) => {
        const rows = document.querySelectorAll('[data-testid="chat-list"] > li.exchange');
        const last = rows[rows.length - 1];
        return (
          !!last &&
          last.querySelector('[data-testid="message-user"]')?.innerText.trim() === sent &&
          !!last.querySelector('[data-testid="usage-line"]')
        );
      }, message);
      if (process.env.ATHENA_BENCH_VERBOSE) {
        verbose(`${((Date.now() - started) / 1000).toFixed(1)} s, DOM ${dom}, ${await distanceFromBottom(browser)} px from the bottom, done ${done}`);
      }
      return done;
    },
    { timeout: Math.max(60_000, (TOKENS / RATE) * 1000 * 3), interval: 500, timeoutMsg: "the streamed answer did not finish" },
  );
  const seconds = (Date.now() - started) / 1000;
  const frames = await stopFrames(browser);
  // Let the last frames and the history writer settle before reading memory.
  await new Promise((r) => setTimeout(r, 1000));
  const after = pss(pid);
  const distance = await distanceFromBottom(browser);
  const jump = await browser.$('[data-testid="jump-to-latest"]').isExisting();

  figure(BENCH, "stream rate", TOKENS / seconds, "tokens/s");
  figure(BENCH, "frames painted", frames.frames, "frames");
  figure(BENCH, "p95 frame time (budget 20)", frames.p95, "ms");
  figure(BENCH, "longest gap between frames (budget 100)", frames.longest, "ms");
  figure(BENCH, "DOM elements, peak while streaming (budget 5000)", peakDom, "elements");
  figure(BENCH, "DOM elements, median while streaming", percentile(samples, 0.5), "elements");
  figure(BENCH, "PSS before opening, app + WebKit", before.totalMib, "MiB");
  figure(BENCH, "PSS after the stream", after.totalMib, "MiB");
  figure(BENCH, "PSS growth (budget 100)", after.totalMib - before.totalMib, "MiB");
  console.error(`${BENCH} processes: ${after.processes.map((p) => `${p.name} ${p.mib.toFixed(1)} MiB`).join(", ")}`);
  // The view followed the answer to its end.
  assert.ok(distance >= 0 && distance <= 48, `the chat did not follow the stream: ${distance} px from the bottom`);
  assert.equal(jump, false, "Jump to latest is offered while the view is at the latest message");

  // Scrolled near the top, the page before loads by itself and the exchange being read
  // stays where it was; Jump to latest brings the view back. First near the top but not
  // yet where the earlier messages are asked for (600 px), so the exchanges there are
  // rendered and measured; then into that zone, noting (in the same script, before any
  // page can arrive) where the exchange being read is and its place in the list.
  await browser.execute(() => {
    document.querySelector('[data-testid="chat-scroll"]').scrollTop = 1400;
  });
  await new Promise((r) => setTimeout(r, 500));
  const reading = await browser.execute(() => {
    const scroller = document.querySelector('[data-testid="chat-scroll"]');
    scroller.scrollTop = 500;
    const view = scroller.getBoundingClientRect();
    const row = [...document.querySelectorAll('[data-testid="chat-list"] > li.exchange')].find(
      (r) => r.getBoundingClientRect().bottom > view.top + 40,
    );
    return row ? { handle: row.dataset.handle, top: row.getBoundingClientRect().top, index: Number(row.dataset.index) } : null;
  });
  assert.ok(reading, "no exchange in view near the top of the chat");
  // The page before (50 messages) is put above it: its place in the list moves by 50.
  await browser.waitUntil(
    async () =>
      browser.execute(
        (handle, index) => Number(document.querySelector(`li.exchange[data-handle="${handle}"]`)?.dataset.index ?? -1) >= index + 50,
        reading.handle,
        reading.index,
      ),
    { timeout: 10_000, timeoutMsg: "scrolling near the top did not load the earlier messages" },
  );
  await new Promise((r) => setTimeout(r, 500));
  const moved = await browser.execute(
    (handle, was) => {
      const row = document.querySelector(`li.exchange[data-handle="${handle}"]`);
      return row ? Math.abs(row.getBoundingClientRect().top - was) : -1;
    },
    reading.handle,
    reading.top,
  );
  figure(BENCH, "exchange being read moved when earlier messages loaded", moved, "px");
  assert.ok(moved >= 0 && moved <= 48, `the exchange being read moved ${moved} px when the earlier messages came`);
  const button = await browser.$('[data-testid="jump-to-latest"]');
  await button.waitForExist({ timeout: 5_000, timeoutMsg: "no Jump to latest when scrolled up" });
  await screenshot(browser, "long-chat-scrolled-up");
  await button.click();
  await browser.waitUntil(async () => {
    const d = await distanceFromBottom(browser);
    return d >= 0 && d <= 48;
  }, { timeout: 5_000, timeoutMsg: "Jump to latest did not bring the view to the latest message" });
} finally {
  await closeApp(browser);
  await emulator.stop();
}

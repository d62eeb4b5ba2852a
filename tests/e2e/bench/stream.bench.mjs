// Real-window benchmark of streaming into the page, against the release build (run by
// `cargo xtask bench page`): 20,000 tokens at 1,000 tokens/s from a standalone
// emulator, first as plain text (the baseline), then as a long markdown answer
// (headings, lists, tables, code fences, formulas). For each: p95 frame time, the
// longest gap between frames, delta-to-paint latency (p95), DOM size and PSS; then the
// markdown figures as ratios to the plain ones. ATHENA_BENCH_TOKENS sets a shorter run,
// ATHENA_BENCH_VERBOSE prints progress.
import assert from "node:assert/strict";
import { closeApp, newDataDir, openApp, pickAgent, send, texts } from "../app.mjs";
import { startEmulator } from "../emulator.mjs";
import { domCount, figure, percentile, pss, startFrames, stopFrames } from "../perf.mjs";
import { longMarkdown, plainText } from "./markdown.mjs";
import { findAppPid } from "./process.mjs";

const TOKENS = Number(process.env.ATHENA_BENCH_TOKENS ?? 20_000);
const RATE = 1_000;
const STAMP_EVERY = 50;

const emulator = await startEmulator({
  tokensPerSecond: RATE,
  agents: [
    { id: "agent:bench-plain", name: "Plain stream", description: "Plain text.", steps: [{ text: plainText(TOKENS), stamp_every: STAMP_EVERY }] },
    { id: "agent:bench-markdown", name: "Markdown stream", description: "Markdown.", steps: [{ text: longMarkdown(TOKENS), stamp_every: STAMP_EVERY }] },
  ],
});

/** Records, at every frame, the emulator's send stamps that reached the screen. */
async function startPaintLatency(browser) {
  await browser.execute(() => {
    const w = window;
    w.__athenaLatencies = [];
    const seen = new Set();
    const stamp = /⟦(\d+)⟧/g;
    const tick = (t) => {
      if (!w.__athenaRecording) return;
      const answers = document.querySelectorAll('[data-testid="message-assistant"]');
      const answer = answers[answers.length - 1];
      if (answer) {
        const walker = document.createTreeWalker(answer, NodeFilter.SHOW_TEXT);
        let node = null;
        while (walker.lastChild()) node = walker.currentNode;
        const nowUs = (performance.timeOrigin + t) * 1000;
        let visited = 0;
        let fresh = 0;
        let oldRun = 0;
        for (let n = node ?? walker.currentNode; n && visited < 400; n = walker.previousNode(), visited++) {
          if (n.nodeType !== Node.TEXT_NODE) continue;
          let found = false;
          for (const m of n.data.matchAll(stamp)) {
            found = true;
            if (!seen.has(m[1])) {
              seen.add(m[1]);
              w.__athenaLatencies.push((nowUs - Number(m[1])) / 1000);
              fresh++;
            }
          }
          if (found && fresh === 0 && ++oldRun > 2) break;
        }
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function run(browser, pid, bench, agentId) {
  const before = pss(pid);
  await pickAgent(browser, agentId);
  // The page at rest, for comparison: frames should come every ~16.7 ms.
  await startFrames(browser);
  await new Promise((r) => setTimeout(r, 2000));
  const idle = await stopFrames(browser);
  figure(bench, "idle: frames in 2 s", idle.frames, "frames");
  figure(bench, "idle: p95 frame time", idle.p95, "ms");
  await startFrames(browser);
  await startPaintLatency(browser);
  const started = Date.now();
  const finished = (await texts(browser, "usage-line")).length;
  await send(browser, `Run ${bench}`);
  let peakDom = 0;
  let finishedInTime = true;
  try {
    await browser.waitUntil(
      async () => {
        peakDom = Math.max(peakDom, await domCount(browser));
        const done = (await texts(browser, "usage-line")).length === finished + 1;
        if (process.env.ATHENA_BENCH_VERBOSE) console.error(`${bench}: ${((Date.now() - started) / 1000).toFixed(1)} s, DOM ${peakDom}, done ${done}`);
        return done;
      },
      { timeout: 120_000, interval: 1000 },
    );
  } catch {
    // A page that falls behind is a result too: report what it managed.
    finishedInTime = false;
  }
  const seconds = (Date.now() - started) / 1000;
  const latencies = await browser.execute(() => window.__athenaLatencies);
  const frames = await stopFrames(browser);
  const after = pss(pid);
  const figures = {
    rate: TOKENS / seconds,
    p95: frames.p95,
    longest: frames.longest,
    latencyP95: percentile(latencies, 0.95),
    latencyP50: percentile(latencies, 0.5),
    dom: peakDom,
    pssBefore: before.totalMib,
    pssAfter: after.totalMib,
  };
  if (finishedInTime) {
    assert.ok(latencies.length > TOKENS / STAMP_EVERY / 2, `${bench}: only ${latencies.length} stamps were seen painted`);
    figure(bench, "stream rate", figures.rate, "tokens/s");
  } else {
    figure(bench, "did not finish within 120 s; tokens painted by then, about", latencies.length * STAMP_EVERY, "tokens");
  }
  figure(bench, "frames painted", frames.frames, "frames");
  figure(bench, "p95 frame time (budget 20)", figures.p95, "ms");
  figure(bench, "longest gap between frames (budget 100)", figures.longest, "ms");
  figure(bench, "delta to paint p50", figures.latencyP50, "ms");
  figure(bench, "delta to paint p95", figures.latencyP95, "ms");
  figure(bench, "DOM elements, peak (budget 5000)", figures.dom, "elements");
  figure(bench, "PSS before, app + WebKit (budget 250 idle)", figures.pssBefore, "MiB");
  figure(bench, "PSS after (budget +100)", figures.pssAfter, "MiB");
  console.error(`${bench} processes: ${after.processes.map((p) => `${p.name} ${p.mib.toFixed(1)} MiB`).join(", ")}`);
  return figures;
}

const dataDir = newDataDir();
const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
try {
  const pid = findAppPid(dataDir);
  const plain = await run(browser, pid, "page_stream_plain", "agent:bench-plain");
  await closeApp(browser);
  const dataDir2 = newDataDir();
  const browser2 = await openApp(["--data-dir", dataDir2, ...emulator.appArgs()]);
  try {
    const markdown = await run(browser2, findAppPid(dataDir2), "page_stream_markdown", "agent:bench-markdown");
    const ratio = (a, b) => (b > 0 ? a / b : 0);
    figure("page_stream_markdown", "p95 frame time / plain", ratio(markdown.p95, plain.p95), "x");
    figure("page_stream_markdown", "longest gap / plain", ratio(markdown.longest, plain.longest), "x");
    figure("page_stream_markdown", "delta to paint p95 / plain", ratio(markdown.latencyP95, plain.latencyP95), "x");
  } finally {
    await closeApp(browser2);
  }
} finally {
  await closeApp(browser);
  await emulator.stop();
}

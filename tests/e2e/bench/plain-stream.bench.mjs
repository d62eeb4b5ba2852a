// Real-window benchmark, the baseline for the rendering work: the plain-text chat
// streams 20,000 tokens at 1,000 tokens/s from a standalone emulator into the release
// build. Prints p95 frame time, the longest gap between frames, the DOM's element
// count and PSS (app + WebKit processes) as BENCH figures. Run by `cargo xtask bench`.
import assert from "node:assert/strict";
import { closeApp, newDataDir, openApp, pickAgent, send, texts } from "../app.mjs";
import { startEmulator } from "../emulator.mjs";
import { domCount, figure, pss, startFrames, stopFrames } from "../perf.mjs";
import { findAppPid } from "./process.mjs";

const BENCH = "page_plain_stream";
const TOKENS = 20_000;
const RATE = 1_000;

const words = Array.from({ length: TOKENS }, (_, i) => `t${i}`).join(" ");
const emulator = await startEmulator({
  tokensPerSecond: RATE,
  agents: [{ id: "agent:bench-plain", name: "Plain stream", description: "20,000 tokens of plain text.", steps: [{ text: words }] }],
});
const dataDir = newDataDir();
const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
try {
  const pid = findAppPid(dataDir);
  const idle = pss(pid);
  await pickAgent(browser, "agent:bench-plain");
  await startFrames(browser);
  const started = Date.now();
  await send(browser, "Stream the benchmark text");
  let peakDom = 0;
  await browser.waitUntil(
    async () => {
      peakDom = Math.max(peakDom, await domCount(browser));
      return (await texts(browser, "usage-line")).length === 1;
    },
    { timeout: 120_000, interval: 500, timeoutMsg: "the benchmark stream did not finish" },
  );
  const seconds = (Date.now() - started) / 1000;
  const frames = await stopFrames(browser);
  const after = pss(pid);
  const [reply] = await texts(browser, "message-assistant");
  assert.ok(reply.includes(`t${TOKENS - 1}`), "the whole answer arrived");

  figure(BENCH, "tokens streamed", TOKENS, "tokens");
  figure(BENCH, "stream rate", TOKENS / seconds, "tokens/s");
  figure(BENCH, "frames painted", frames.frames, "frames");
  figure(BENCH, "p50 frame time", frames.p50, "ms");
  figure(BENCH, "p95 frame time (budget 20)", frames.p95, "ms");
  figure(BENCH, "longest gap between frames (budget 100)", frames.longest, "ms");
  figure(BENCH, "DOM elements, peak (budget 5000)", peakDom, "elements");
  figure(BENCH, "PSS idle, app + WebKit (budget 250)", idle.totalMib, "MiB");
  figure(BENCH, "PSS after the stream (budget idle + 100)", after.totalMib, "MiB");
  console.error(`processes: ${after.processes.map((p) => `${p.name} ${p.mib.toFixed(1)} MiB`).join(", ")}`);
} finally {
  await closeApp(browser);
  await emulator.stop();
}

// Real-window benchmark of a batch run, against the release build (run by
// `cargo xtask bench page`): 10,000 items (100 calls of 100) to the Echo agent of a
// standalone emulator with no pacing at all, so the page takes the progress as fast as
// the backend streams it. Reports the page's p95 frame time and longest gap between
// frames during the run (budgets 20 ms and 100 ms), the items/s reached (from the
// confirm click to every item settled, both timed in the page), the peak DOM size and
// PSS. ATHENA_BENCH_ITEMS sets a shorter run; ATHENA_BENCH_VERBOSE prints progress and
// where the time went (frame times, main-thread gaps, events and their size, CPU per
// process), whose probes add a little work to the page.
//
// The messages are pasted, not imported: the release build has no test seams, so its
// native open dialog cannot be answered by a script. The text goes into the textarea in
// one step (as a paste does), not typed key by key.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { closeApp, newDataDir, openApp } from "../app.mjs";
import { startEmulator } from "../emulator.mjs";
import { figure, percentile, processTree, pss, startFrames, stopFrames } from "../perf.mjs";
import { findAppPid } from "./process.mjs";

const ITEMS = Number(process.env.ATHENA_BENCH_ITEMS ?? 10_000);
const VERBOSE = Boolean(process.env.ATHENA_BENCH_VERBOSE);
const BENCH = "page_batch";
const ECHO = "agent:demo-echo";
const TIMEOUT_MS = 600_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...args) => VERBOSE && console.error(`${BENCH}:`, ...args);

// One short message per line, no separators (so it reads as lines, keys generated).
const text = Array.from({ length: ITEMS }, (_, i) => `Echo message number ${i + 1}`).join("\n");

const emulator = await startEmulator({ tokenDelayMs: 0, args: ["--batch-item-delay-ms", "0"] });

/** CPU seconds (user + system) each process has used so far, by name (for the verbose log). */
function cpuSeconds(pids) {
  const used = {};
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      // utime and stime are fields 14 and 15, in clock ticks (100 a second on Linux).
      used[name] = (used[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // ended meanwhile
    }
  }
  return used;
}

/** The emulator's process: the one whose command line names its agents file. */
function emulatorPid() {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(emulator.agentsFile)) return Number(entry);
    } catch {
      // ended meanwhile
    }
  }
  return null;
}

/** Frame-time statistics of these frame stamps (as perf.mjs's stopFrames gives them). */
function frameStats(stamps) {
  const gaps = [];
  for (let i = 1; i < stamps.length; i++) gaps.push(stamps[i] - stamps[i - 1]);
  return { frames: stamps.length, p50: percentile(gaps, 0.5), p95: percentile(gaps, 0.95), longest: Math.max(0, ...gaps) };
}

/** The run's state as the page shows it: status, settled/total from the progressbar, the counts line. */
async function runState(browser) {
  return browser.execute(() => {
    const run = document.querySelector('[data-testid="batch-run"]');
    if (!run) return null;
    const bar = run.querySelector('[role="progressbar"]');
    return {
      status: run.dataset.status,
      settled: Number(bar?.getAttribute("aria-valuenow") ?? 0),
      total: Number(bar?.getAttribute("aria-valuemax") ?? 0),
      counts: run.querySelector('[data-testid="batch-counts"]')?.innerText.trim() ?? "",
    };
  });
}

const dataDir = newDataDir();
const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
try {
  const pid = findAppPid(dataDir);

  await browser.$('[data-testid="open-batch"]').click();
  const agent = await browser.$('[data-testid="batch-agent"]');
  await agent.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the Batch screen did not open" });
  await agent.selectByAttribute("value", ECHO);

  // Paste: the whole text at once through the textarea's own value setter, then the
  // input event React listens to.
  const paste = await browser.$('[data-testid="batch-paste"]');
  await paste.waitForDisplayed({ timeout: 5_000 });
  await browser.execute((value) => {
    const area = document.querySelector('[data-testid="batch-paste"]');
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(area, value);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }, text);

  await browser.waitUntil(
    async () => {
      const count = await browser.execute(
        () => document.querySelector('[data-testid="batch-row-count"]')?.innerText.replace(/\D/g, "") ?? "",
      );
      return Number(count) === ITEMS;
    },
    { timeout: 30_000, interval: 100, timeoutMsg: `the preview did not show ${ITEMS} rows` },
  );
  const start = await browser.$('[data-testid="batch-start"]');
  await start.waitForEnabled({ timeout: 30_000, timeoutMsg: "Start stayed disabled (reading, costing or flagged rows)" });
  log(`preview: ${ITEMS} rows; ${await browser.$('[data-testid="batch-cost"]').getText().catch(() => "no cost line")}`);
  // The screen at rest with its preview, for comparison: frames should come every ~16.7 ms.
  // (For a few seconds after a large paste, WebKit here paints at about 30 frames a
  // second, on any screen: the page settles first.)
  await sleep(6000);
  await startFrames(browser);
  await sleep(2000);
  const idle = await stopFrames(browser);
  // The idle recorder's last frame callback is still pending: let it see it was stopped,
  // or it would run on beside the next recorder.
  await sleep(100);
  figure(BENCH, "idle: frames in 2 s", idle.frames, "frames");
  figure(BENCH, "idle: p95 frame time", idle.p95, "ms");

  await start.click();
  const confirm = await browser.$('[data-testid="batch-confirm-run"]');
  await confirm.waitForDisplayed({ timeout: 5_000, timeoutMsg: "the confirmation did not appear" });

  const before = pss(pid);
  const watched = [...processTree(pid), emulatorPid()].filter((p) => p !== null);
  const cpuBefore = cpuSeconds(watched);

  // Verbose: count the events the page runs and the time their listeners take.
  if (VERBOSE) {
    await browser.execute(() => {
      // Tauri keeps every listener in this map (its runCallback can't be replaced).
      const callbacks = window.__TAURI_INTERNALS__.callbacks;
      const seen = (window.__athenaEvents = { wrapped: 0, count: 0, ms: 0, longest: 0, bytes: 0, names: {} });
      for (const [id, original] of callbacks) {
        callbacks.set(id, (data) => {
          const t = performance.now();
          try {
            return original(data);
          } finally {
            const took = performance.now() - t;
            const name = data?.event;
            if (name) {
              seen.count++;
              seen.ms += took;
              seen.longest = Math.max(seen.longest, took);
              seen.names[name] = (seen.names[name] ?? 0) + 1;
              if (name === "batch-run-changed") seen.bytes += JSON.stringify(data.payload).length;
            }
          }
        });
        seen.wrapped++;
      }
      // And how long the main thread went without running a task: a timer loop (4 ms
      // apart at best). Long timer gaps mean script or layout held the thread; short
      // ones with long frame gaps mean frames were held back for another reason.
      const timerGaps = (window.__athenaTimerGaps = []);
      let last = performance.now();
      const tick = () => {
        const now = performance.now();
        timerGaps.push(now - last);
        last = now;
        if (window.__athenaBatchDone === null || window.__athenaBatchDone === undefined) setTimeout(tick, 0);
      };
      setTimeout(tick, 0);
    });
  }

  // Record from right before the confirm; the click and the end are timed in the page
  // (a frame watcher notes the first frame showing the run settled, and the DOM's size at
  // every frame).
  await startFrames(browser);
  await browser.execute(() => {
    const w = window;
    w.__athenaBatchDone = null;
    w.__athenaDomPeak = 0;
    const all = document.getElementsByTagName("*");
    const watch = (t) => {
      if (!w.__athenaRecording) return;
      w.__athenaDomPeak = Math.max(w.__athenaDomPeak, all.length);
      const run = document.querySelector('[data-testid="batch-run"]');
      if (run && run.dataset.status !== "running") {
        w.__athenaBatchDone = t;
        return;
      }
      requestAnimationFrame(watch);
    };
    w.__athenaBatchConfirmed = performance.now();
    document.querySelector('[data-testid="batch-confirm-run"]').click();
    requestAnimationFrame(watch);
  });

  let finishedInTime = true;
  const started = Date.now();
  try {
    await browser.waitUntil(
      async () => {
        const state = await runState(browser);
        log(`${((Date.now() - started) / 1000).toFixed(1)} s, ${state ? `${state.status} ${state.settled}/${state.total}: ${state.counts}` : "no run yet"}`);
        return state !== null && state.status !== "running";
      },
      { timeout: TIMEOUT_MS, interval: 250 },
    );
  } catch {
    // A page that falls behind is a result too: report what it managed.
    finishedInTime = false;
  }
  const cpuAfter = cpuSeconds(watched);
  if (finishedInTime) {
    // The poll may see the end before the watcher's next frame does.
    await browser.waitUntil(async () => (await browser.execute(() => window.__athenaBatchDone)) !== null, {
      timeout: 5_000,
      interval: 20,
      timeoutMsg: "no frame showed the run ended",
    });
  }
  const timing = await browser.execute(() => ({
    confirmed: window.__athenaBatchConfirmed,
    done: window.__athenaBatchDone,
    domPeak: window.__athenaDomPeak,
  }));
  const recorded = await stopFrames(browser);
  const peakDom = timing.domPeak;
  // The frames of the run alone (to the first showing it ended), not those the poll
  // waited through after it.
  const stamps = await browser.execute(() => window.__athenaFrames);
  const frames = finishedInTime ? frameStats(stamps.filter((t) => t <= timing.done)) : recorded;
  log(`frames at (ms from confirm): ${stamps.map((t) => (t - timing.confirmed).toFixed(0)).join(" ")}`);
  if (VERBOSE) {
    const e = await browser.execute(() => window.__athenaEvents);
    const timerGaps = await browser.execute(() => window.__athenaTimerGaps);
    log(`main-thread timer gaps: ${timerGaps.length}, p50 ${percentile(timerGaps, 0.5).toFixed(1)} ms, p95 ${percentile(timerGaps, 0.95).toFixed(1)} ms, longest ${Math.max(0, ...timerGaps).toFixed(1)} ms; over 20 ms: ${timerGaps.filter((g) => g > 20).map((g) => g.toFixed(0)).join(" ")}`);
    log(
      e.wrapped
        ? `events run: ${e.count} (${JSON.stringify(e.names)}), ${e.ms.toFixed(0)} ms in listeners (longest ${e.longest.toFixed(1)} ms), batch-run-changed payloads ${(e.bytes / 1024).toFixed(0)} KiB`
        : "could not wrap Tauri's callbacks",
    );
  }
  const state = await runState(browser);
  const after = pss(pid);
  log(`CPU seconds during the run (${watched.length} processes): ${Object.keys(cpuAfter).map((n) => `${n} ${(cpuAfter[n] - (cpuBefore[n] ?? 0)).toFixed(2)}`).join(", ")}`);

  if (finishedInTime) {
    assert.equal(state.status, "completed", `the run ended ${state.status}: ${state.counts}`);
    assert.equal(state.total, ITEMS, `the run has ${state.total} items`);
    assert.equal(state.settled, ITEMS, `only ${state.settled} items settled`);
    const seconds = (timing.done - timing.confirmed) / 1000;
    figure(BENCH, "items", ITEMS, "items");
    figure(BENCH, "run time, confirm to all done", seconds, "s");
    figure(BENCH, "items/s reached", ITEMS / seconds, "items/s");
  } else {
    figure(BENCH, `did not finish within ${TIMEOUT_MS / 1000} s; items settled by then`, state?.settled ?? 0, "items");
  }
  figure(BENCH, "frames painted", frames.frames, "frames");
  figure(BENCH, "p50 frame time", frames.p50, "ms");
  figure(BENCH, "p95 frame time (budget 20)", frames.p95, "ms");
  figure(BENCH, "longest gap between frames (budget 100)", frames.longest, "ms");
  figure(BENCH, "DOM elements, peak during the run (budget 5000)", peakDom, "elements");
  figure(BENCH, "PSS before the run, app + WebKit", before.totalMib, "MiB");
  figure(BENCH, "PSS after the run", after.totalMib, "MiB");
  console.error(`${BENCH}: ${state?.counts ?? "no run"}; processes: ${after.processes.map((p) => `${p.name} ${p.mib.toFixed(1)} MiB`).join(", ")}`);
} finally {
  await closeApp(browser);
  await emulator.stop();
}

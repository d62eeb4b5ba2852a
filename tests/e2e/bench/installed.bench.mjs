// What someone who installs the app notices, measured on the release build (run by
// `cargo xtask bench page`): download sizes, start-up to the first usable screen, and
// idle memory.
//
// - sizes: the release binary (ATHENA_APP) and the .deb (ATHENA_DEB), in MB;
// - start-up: the binary started directly (no WebDriver in between) on the virtual
//   display, until it prints its readiness line (the page rendered its first screen),
//   median and worst of 10 starts on one data folder (the first start makes it);
// - idle memory: PSS summed over the app and its WebKit processes 10 s after the first
//   screen, with each process's share, as the app starts by default and with
//   WEBKIT_DISABLE_COMPOSITING_MODE=1 (no GPU compositing under Xvfb).
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { createInterface } from "node:readline";
import { newDataDir } from "../app.mjs";
import { figure, percentile, pss } from "../perf.mjs";

const app = process.env.ATHENA_APP;
const deb = process.env.ATHENA_DEB;
const READY_LINE = "athena-desktop: first screen ready";
const STARTS = Number(process.env.ATHENA_BENCH_STARTS ?? 10);
const IDLE_MS = 10_000;

const mb = (file) => statSync(file).size / 1_000_000;
figure("installed", "release binary size", mb(app), "MB");
if (deb) figure("installed", ".deb size", mb(deb), "MB");

/** Starts the app; resolves with { child, readyMs } once it printed its readiness line. */
function start(dataDir, env = {}) {
  const started = performance.now();
  const child = spawn(app, ["--data-dir", dataDir], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "ignore"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the app did not signal its first screen within 30 s"));
    }, 30_000);
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve({ child, readyMs: performance.now() - started });
      }
    });
    child.on("exit", (code) => reject(new Error(`the app exited (${code}) before its first screen`)));
  });
}

async function stop(child) {
  const ended = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([ended, new Promise((r) => setTimeout(r, 5_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

const dataDir = newDataDir();
const times = [];
for (let i = 0; i < STARTS; i++) {
  const { child, readyMs } = await start(dataDir);
  times.push(readyMs);
  await stop(child);
}
figure("installed", "start-up to first screen, median of " + STARTS, percentile(times, 0.5), "ms");
figure("installed", "start-up to first screen, worst", Math.max(...times), "ms");

for (const [label, env] of [
  ["default", {}],
  ["WEBKIT_DISABLE_COMPOSITING_MODE=1", { WEBKIT_DISABLE_COMPOSITING_MODE: "1" }],
]) {
  const { child } = await start(dataDir, env);
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const memory = pss(child.pid);
  figure("installed", `idle PSS, ${label}`, memory.totalMib, "MiB");
  for (const p of memory.processes.sort((a, b) => b.mib - a.mib)) {
    figure("installed", `idle PSS, ${label}: ${p.name}`, p.mib, "MiB");
  }
  await stop(child);
}

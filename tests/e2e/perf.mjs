// The page performance recorder any real-window benchmark uses: frame times from
// requestAnimationFrame (WebKit has no Long Tasks API, so the longest gap between two
// frames stands in for the longest task), the DOM's element count, and the memory
// (PSS) of the app with its WebKit processes, read from /proc.
import { readdirSync, readFileSync } from "node:fs";

/** Starts recording a timestamp for every animation frame the page paints. */
export async function startFrames(browser) {
  await browser.execute(() => {
    const w = window;
    w.__athenaFrames = [];
    w.__athenaRecording = true;
    const tick = (t) => {
      if (!w.__athenaRecording) return;
      w.__athenaFrames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Stops recording; returns frame-time statistics in milliseconds. */
export async function stopFrames(browser) {
  const stamps = await browser.execute(() => {
    window.__athenaRecording = false;
    return window.__athenaFrames;
  });
  const gaps = [];
  for (let i = 1; i < stamps.length; i++) gaps.push(stamps[i] - stamps[i - 1]);
  return { frames: stamps.length, p50: percentile(gaps, 0.5), p95: percentile(gaps, 0.95), longest: Math.max(0, ...gaps) };
}

/** The number of elements in the page. */
export async function domCount(browser) {
  return browser.execute(() => document.getElementsByTagName("*").length);
}

export function percentile(values, q) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The process and all its descendants (the app's WebKitWebProcess and WebKitNetworkProcess). */
export function processTree(root) {
  const parents = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** PSS in MiB summed over the process tree, with each process's name and share. */
export function pss(root) {
  const processes = processTree(root).map((pid) => {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const kib = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
      const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      return { pid, name, mib: kib / 1024 };
    } catch {
      return { pid, name: "?", mib: 0 };
    }
  });
  return { totalMib: processes.reduce((sum, p) => sum + p.mib, 0), processes };
}

/** Prints one figure for `cargo xtask bench`'s table. */
export function figure(bench, name, value, unit) {
  const shown = typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : value;
  console.log(`BENCH\t${bench}\t${name}\t${shown}\t${unit}`);
}

// Finds the app's process without the test seams (a release build has none): the
// process whose command line carries this run's unique data folder.
import { readdirSync, readFileSync } from "node:fs";

export function findAppPid(dataDir) {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (args.includes("--data-dir") && args.includes(dataDir) && !args[0].endsWith("node")) return Number(entry);
    } catch {
      // ended meanwhile
    }
  }
  throw new Error(`no app process runs on ${dataDir}`);
}

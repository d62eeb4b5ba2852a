// A standalone emulator started by a test: its own process, paced at any rate, with
// faults and scenarios, outliving app restarts. `cargo xtask e2e` passes its binary.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";

/**
 * Starts `athena-emulator` on a free loopback port with its own key and workspace id,
 * the given scenario agents, and writes its agents file. Resolves once it listens.
 */
export async function startEmulator({ agents = [], tokenDelayMs = 5, tokensPerSecond = null, workspaceId = "workspace:e2e", args = [] } = {}) {
  const binary = process.env.ATHENA_EMULATOR;
  if (!binary) throw new Error("ATHENA_EMULATOR is not set: run the suite with `cargo xtask e2e`");
  const dir = mkdtempSync(path.join(tmpdir(), "athena-emulator-"));
  const key = `eak_e2e_${randomBytes(12).toString("hex")}`;
  const scenario = path.join(dir, "scenario.json");
  const agentsFile = path.join(dir, "agents.json");
  const keyFile = path.join(dir, "key");
  writeFileSync(scenario, JSON.stringify({ agents }));
  writeFileSync(keyFile, key, { mode: 0o600 });
  const child = spawn(
    binary,
    [
      "--port", "0",
      "--api-key", key,
      "--workspace-id", workspaceId,
      "--agents-out", agentsFile,
      "--scenario", scenario,
      "--token-delay-ms", String(tokenDelayMs),
      ...(tokensPerSecond ? ["--tokens-per-second", String(tokensPerSecond)] : []),
      // More flags (`--batch-failure-rate R --seed K`, `--batch-item-delay-ms MS`, ...).
      ...args,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the emulator did not start: ${out}`)), 20_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`the emulator exited with ${code}: ${out}`)));
  });
  child.stdout.resume();
  return {
    url,
    workspaceId,
    keyFile,
    agentsFile,
    /** The app's command line for a workspace on this emulator. */
    appArgs(name = "E2E emulator") {
      return [
        "--base-url", url,
        "--workspace-id", workspaceId,
        "--api-key-file", keyFile,
        "--workspace-name", name,
        "--agents", agentsFile,
      ];
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

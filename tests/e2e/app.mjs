// Starts the built app through tauri-driver (one fresh app per session) and offers the
// few steps the tests share. Set up by `cargo xtask e2e`, which passes these variables.
import { remote } from "webdriverio";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const app = required("ATHENA_APP");
const port = Number(required("TAURI_DRIVER_PORT"));
export const outDir = required("ATHENA_E2E_OUT");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`cargo xtask e2e\``);
  return value;
}

/** A fresh data folder for one app (kept across its restarts). */
export function newDataDir() {
  return mkdtempSync(path.join(tmpdir(), "athena-e2e-"));
}

/**
 * Opens the app with these command-line arguments (for example `--data-dir` and a
 * standalone emulator's workspace) and waits for its readiness signal (never a fixed
 * sleep).
 */
export async function openApp(args = []) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    connectionRetryCount: 0,
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: app, args },
    },
  });
  await waitUntilReady(browser);
  return browser;
}

export async function waitUntilReady(browser) {
  await browser.waitUntil(
    async () => (await browser.execute(() => document.body.dataset.ready)) === "true",
    { timeout: 30_000, interval: 50, timeoutMsg: "the app did not signal its first screen" },
  );
}

/** Types a message in the composer and presses Enter. */
export async function send(browser, text) {
  const composer = await browser.$('[data-testid="composer"]');
  await composer.setValue(text);
  await browser.keys("Enter");
}

/** The rendered text of every element with this test id, in document order. */
export async function texts(browser, testId) {
  return browser.execute(
    (id) => [...document.querySelectorAll(`[data-testid="${id}"]`)].map((e) => e.innerText.trim()),
    testId,
  );
}

export async function screenshot(browser, name) {
  const file = path.join(outDir, `${name}.png`);
  await browser.saveScreenshot(file);
  return file;
}

/** Ends a session whose app may already be gone (killed): never waits long. */
export async function closeApp(browser) {
  if (!browser) return;
  await Promise.race([browser.deleteSession().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
}

/** Picks the agent with this id in the header. */
export async function pickAgent(browser, agentId) {
  const picker = await browser.$('[data-testid="agent-picker"]');
  await picker.selectByAttribute("value", agentId);
}

/**
 * Sends a message and waits until its answer has finished (one more usage line than
 * before): counting from before the send, so an earlier answer never satisfies it.
 */
export async function sendAndWait(browser, text, timeout = 30_000) {
  const before = (await texts(browser, "usage-line")).length;
  await send(browser, text);
  await browser.waitUntil(async () => (await texts(browser, "usage-line")).length > before, {
    timeout,
    timeoutMsg: `the answer to "${text}" did not finish within ${timeout} ms`,
  });
}

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
 * standalone emulator's workspace; a fresh data folder when none is given) and waits
 * for its readiness signal (never a fixed sleep).
 */
export async function openApp(args = []) {
  // Every app gets its own data folder (so its history starts empty and no test reads
  // another's chats, or the user's), unless the test names one to restart on.
  if (!args.includes("--data-dir")) args = ["--data-dir", newDataDir(), ...args];
  return connectApp(port, app, args);
}

/**
 * Starts `application` with `args` through the tauri-driver on `driverPort` and waits
 * for its readiness signal.
 */
export async function connectApp(driverPort, application, args) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: driverPort,
    logLevel: "error",
    connectionRetryCount: 0,
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application, args },
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

/**
 * Shows the page in `theme` ("light" or "dark") as theme.ts does for the user's choice
 * (the look only, not the saved setting), and waits until the colours stop easing
 * over, so a screenshot shows the theme and not the transition.
 */
export async function showTheme(browser, theme) {
  await browser.execute((t) => {
    document.documentElement.dataset.theme = t;
  }, theme);
  await browser.waitUntil(async () => browser.execute(() => document.getAnimations().length === 0), {
    timeout: 5_000,
    interval: 50,
    timeoutMsg: `the ${theme} theme's transitions did not end`,
  });
}

/** Ends a session whose app may already be gone (killed): never waits long. */
export async function closeApp(browser) {
  if (!browser) return;
  await Promise.race([browser.deleteSession().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
}

/**
 * Makes the next message go to this agent. A new or empty chat offers the agent picker:
 * picking there chooses the chat's agent. A chat with messages has its agent fixed, so
 * a new chat is started for the agent.
 */
export async function pickAgent(browser, agentId) {
  const picker = await browser.$('[data-testid="agent-picker"]');
  if (await picker.isExisting()) {
    await picker.selectByAttribute("value", agentId);
    return;
  }
  await newChat(browser, agentId);
}

/** Starts a new chat (New chat in the sidebar), with this agent when given. */
export async function newChat(browser, agentId) {
  await browser.$('[data-testid="new-chat"]').click();
  const picker = await browser.$('[data-testid="agent-picker"]');
  await picker.waitForExist({ timeout: 5_000, timeoutMsg: "New chat did not offer the agent picker" });
  if (agentId) await picker.selectByAttribute("value", agentId);
}

/** The titles in the sidebar's list of active conversations, top to bottom. */
export async function sidebarTitles(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="conversation-item"]')]
      .filter((e) => !e.closest('[data-testid="archived-list"]'))
      .map((e) => e.querySelector('[data-testid="conversation-title"]').innerText.trim()),
  );
}

/** Opens the first conversation in the sidebar with this title and waits for it to load. */
export async function openConversationByTitle(browser, title, timeout = 10_000) {
  const id = await browser.execute(
    (wanted) =>
      [...document.querySelectorAll('[data-testid="conversation-item"]')]
        .find((e) => e.querySelector('[data-testid="conversation-title"]').innerText.trim() === wanted)
        ?.getAttribute("data-conversation-id") ?? null,
    title,
  );
  if (!id) throw new Error(`no conversation titled "${title}" in the sidebar`);
  const item = await browser.$(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);
  await item.click();
  await browser.waitUntil(
    async () =>
      (await item.getAttribute("aria-current")) === "true" && !(await browser.$('[data-testid="loading"]').isExisting()),
    { timeout, timeoutMsg: `the conversation "${title}" did not open` },
  );
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

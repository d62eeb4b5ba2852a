// Keyboard and themes in the real window, against a standalone emulator: a walk that
// never touches the mouse (new chat, send, stop, move between conversations, search,
// the shortcuts help), then the dark theme chosen in the settings, kept across a
// restart and read with computed colours, and the dark theme the OS asks for.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { closeApp, newDataDir, openApp, screenshot, texts } from "./app.mjs";
import { appPid } from "./control.mjs";
import { startDriver } from "./desktop.mjs";
import { startEmulator } from "./emulator.mjs";

const NONCE = randomBytes(4).toString("hex");
const filler = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
const ANSWER = [
  "## Plan",
  "",
  "Some **bold** text, a list and `inline code`:",
  "",
  "- one",
  "- two",
  "",
  "```rust",
  "fn main() {",
  '    println!("hello");',
  "}",
  "```",
  "",
  filler,
].join("\n");

// Two agents: a new chat with an agent archives that agent's previous conversation on
// the server (one active conversation per agent), so two chats that stay in the list
// need two agents.
const AGENTS = [
  { id: "agent:e2e-md", name: "Markdown", description: "Markdown, code, then a long tail.", steps: [{ text: ANSWER }] },
  { id: "agent:e2e-md2", name: "Markdown again", description: "The same, for a second chat.", steps: [{ text: ANSWER }] },
];

/** What has the focus: its test id, id or tag. */
const focused = (browser) =>
  browser.execute(() => {
    const el = document.activeElement;
    return el?.dataset?.testid ?? (el?.id || el?.tagName.toLowerCase());
  });

async function waitFocused(browser, what) {
  await browser.waitUntil(async () => (await focused(browser)) === what, {
    timeout: 5_000,
    timeoutMsg: `the focus is on ${await focused(browser)}, not ${what}`,
  });
}

/**
 * Types into whatever has the focus. Element send keys rather than key actions: under
 * load WebKitWebDriver's key actions can drop a keystroke, and the focused element
 * keeps the focus either way.
 */
async function type(browser, text) {
  const active = await browser.$(await browser.getActiveElement());
  await active.addValue(text);
}

/** The open conversation's answers once the code block is on screen. */
async function waitForCode(browser, count) {
  await browser.waitUntil(
    async () => (await browser.$$('[data-testid="message-assistant"] pre').length) >= count,
    { timeout: 20_000, timeoutMsg: "the answer's code block never appeared" },
  );
}

/**
 * Closes the app and waits until its process is gone, so the next run on the same data
 * folder is not handed over to it as a second instance.
 */
async function closeForRestart(browser, dataDir) {
  const pid = await appPid(dataDir).catch(() => null);
  await closeApp(browser);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; pid && alive() && i < 100; i++) await new Promise((r) => setTimeout(r, 100));
  if (pid && alive()) process.kill(pid, "SIGTERM");
}

function contrast(a, b) {
  const lum = ([r, g, b]) => {
    const f = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** The text colour and the opaque background behind each selector's first match. */
function colours(browser, selectors) {
  return browser.execute((list) => {
    const parse = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const behind = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg.length >= 3 && (bg.length === 3 || bg[3] > 0.9)) return bg.slice(0, 3);
      }
      return parse(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3);
    };
    return list.map((selector) => {
      const el = document.querySelector(selector);
      if (!el) return { selector, missing: true };
      return { selector, text: parse(getComputedStyle(el).color).slice(0, 3), background: behind(el) };
    });
  }, selectors);
}

describe("keyboard and themes", () => {
  let emulator;
  let dataDir;
  let appArgs;
  before(async () => {
    // Slow enough to stop an answer part-way: ~40 ms a token, the tail takes ~16 s.
    emulator = await startEmulator({ agents: AGENTS, tokenDelayMs: 40 });
    dataDir = newDataDir();
    // The workspace offers only the test's agents, the first one first, so a new chat
    // starts with it.
    const offered = JSON.parse(readFileSync(emulator.agentsFile, "utf8"));
    const only = path.join(dataDir, "agents-md.json");
    writeFileSync(only, JSON.stringify({ agents: AGENTS.map((mine) => offered.agents.find((a) => a.id === mine.id)) }));
    appArgs = emulator.appArgs().map((arg) => (arg === emulator.agentsFile ? only : arg));
  });
  after(async () => {
    await emulator?.stop();
  });

  it("walks through chats with the keyboard only", async () => {
    const browser = await openApp(["--data-dir", dataDir, ...appArgs]);
    try {
      // New chat: the focus lands in its message box. Enter sends.
      await browser.keys(["Control", "n"]);
      await waitFocused(browser, "composer");
      await type(browser, `First question ${NONCE}`);
      await browser.keys("Enter");
      await waitForCode(browser, 1);
      // Escape in the message box stops the answer that streams.
      await waitFocused(browser, "composer");
      await browser.keys("Escape");
      const notice = await browser.$('[data-testid="execution-notice"]');
      await notice.waitForDisplayed({ timeout: 10_000 });
      assert.match(await notice.getText(), /You stopped this answer/);
      const first = (await texts(browser, "message-assistant"))[0];
      assert.ok(!first.endsWith("word399"), "the answer ran to its end: the stop did nothing");

      // A second chat with the other agent, stopped with Ctrl+. this time. The agent
      // picker sits before the message box: Shift+Tab, then an arrow picks the next one.
      await browser.keys(["Control", "n"]);
      await waitFocused(browser, "composer");
      // (past the scrollable message list, which takes the focus so it scrolls by keys).
      for (let i = 0; i < 4 && (await focused(browser)) !== "agent-picker"; i++) await browser.keys(["Shift", "Tab"]);
      await waitFocused(browser, "agent-picker");
      await browser.keys("ArrowDown");
      await browser.waitUntil(async () => (await (await browser.$('[data-testid="agent-picker"]')).getValue()) === AGENTS[1].id, {
        timeout: 5_000,
        timeoutMsg: "the arrow did not pick the next agent",
      });
      await browser.keys(["Control", "l"]);
      await waitFocused(browser, "composer");
      await type(browser, `Second question ${NONCE}`);
      await browser.keys("Enter");
      await waitForCode(browser, 1);
      await browser.keys(["Control", "."]);
      await (await browser.$('[data-testid="execution-notice"]')).waitForDisplayed({ timeout: 10_000 });

      // Alt+Down / Alt+Up move down and up the sidebar (most recent first).
      const current = () =>
        browser.execute(() => document.querySelector('[data-testid="conversation-item"][aria-current="true"]')?.textContent ?? "");
      assert.match(await current(), /Second question/);
      await browser.keys(["Alt", "ArrowDown"]);
      await browser.waitUntil(async () => /First question/.test(await current()), { timeout: 5_000 });
      const shown = await texts(browser, "message-user");
      assert.equal(shown.length, 1, JSON.stringify(shown));
      assert.match(shown[0], /^First question/);
      await waitFocused(browser, "composer");
      await browser.keys(["Alt", "ArrowUp"]);
      await browser.waitUntil(async () => /Second question/.test(await current()), { timeout: 5_000 });

      // Search: Ctrl+K, a query, Enter opens the result.
      await browser.keys(["Control", "k"]);
      await waitFocused(browser, "conversation-search");
      await type(browser, "first quest");
      await (await browser.$('[data-testid="search-result"]')).waitForDisplayed({ timeout: 10_000 });
      // (Enter opens the first result; the results stand in for the sidebar's list.)
      await browser.keys("Enter");
      await browser.waitUntil(async () => /^First question/.test((await texts(browser, "message-user"))[0] ?? ""), {
        timeout: 5_000,
        timeoutMsg: "Enter on the search result did not open its conversation",
      });

      // Ctrl+L back to the message box; F1 shows the shortcuts; Escape closes and the
      // focus returns.
      await browser.keys(["Control", "l"]);
      await waitFocused(browser, "composer");
      await browser.keys("F1");
      const help = await browser.$('[data-testid="shortcut-help"]');
      await help.waitForDisplayed({ timeout: 5_000 });
      const listed = await help.getText();
      for (const words of ["New chat", "Ctrl", "Search conversations", "Stop the answer", "Next conversation", "Settings"]) {
        assert.ok(listed.includes(words), `the help does not list ${words}: ${listed}`);
      }
      assert.ok(existsSync(await screenshot(browser, "shortcut-help")));
      await browser.keys("Escape");
      await help.waitForExist({ reverse: true, timeout: 5_000 });
      await waitFocused(browser, "composer");
      // The same list from the header's button.
      await (await browser.$('[data-testid="open-shortcuts"]')).waitForDisplayed();
    } finally {
      await closeForRestart(browser, dataDir);
    }
  });

  it("shows a readable dark theme when chosen, from the first screen of the next run", async () => {
    let browser = await openApp(["--data-dir", dataDir, ...appArgs]);
    try {
      assert.equal(await browser.execute(() => document.documentElement.dataset.theme), "light");
      await browser.keys(["Control", ","]);
      const dark = await browser.$('[data-testid="theme-dark"]');
      await dark.waitForExist({ timeout: 10_000 });
      await dark.click();
      await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.dataset.theme)) === "dark", {
        timeout: 5_000,
      });
      // Saved in the settings file before the app closes.
      const file = path.join(dataDir, "data", "settings.json");
      await browser.waitUntil(async () => existsSync(file) && JSON.parse(readFileSync(file, "utf8")).theme === "dark", {
        timeout: 5_000,
        timeoutMsg: "the dark theme was not saved in settings.json",
      });
      await browser.keys("Escape");
    } finally {
      await closeForRestart(browser, dataDir);
    }

    // The next run starts dark: the choice is applied before the first screen.
    browser = await openApp(["--data-dir", dataDir, ...appArgs]);
    try {
      assert.equal(await browser.execute(() => document.documentElement.dataset.theme), "dark");
      await waitForCode(browser, 1);
      await (await browser.$('[data-testid="conversation-search"]')).waitForDisplayed();
      assert.ok(existsSync(await screenshot(browser, "dark-theme")));
      const checked = await colours(browser, [
        '[data-testid="message-assistant"] p',
        '[data-testid="message-assistant"] li',
        '[data-testid="message-assistant"] h2',
        '[data-testid="message-assistant"] pre code',
        '[data-testid="message-user"]',
        '[data-testid="conversation-title"]',
        ".conversation-meta",
        '[data-testid="composer"]',
        '[data-testid="status-bar"]',
        ".app-header h1",
        '[data-testid="execution-notice"]',
      ]);
      for (const c of checked) {
        assert.ok(!c.missing, `nothing matches ${c.selector}`);
        const ratio = contrast(c.text, c.background);
        assert.ok(ratio >= 4.5, `${c.selector}: ${c.text} on ${c.background} is ${ratio.toFixed(2)}:1`);
      }
      // And the page is dark, not light text on a light page.
      const [page] = await colours(browser, [".app"]);
      assert.ok(page.background.every((v) => v < 60), `the page is not dark: ${page.background}`);
    } finally {
      await closeApp(browser);
    }
  });

  it("follows the OS when it asks for dark (GTK_THEME=Adwaita:dark)", async () => {
    const driver = await startDriver({ GTK_THEME: "Adwaita:dark" });
    let browser;
    try {
      browser = await driver.open(process.env.ATHENA_APP, ["--data-dir", newDataDir(), ...appArgs]);
      const seen = await browser.execute(() => ({
        prefersDark: matchMedia("(prefers-color-scheme: dark)").matches,
        theme: document.documentElement.dataset.theme,
        choice: document.documentElement.dataset.themeChoice,
      }));
      assert.deepEqual(seen, { prefersDark: true, theme: "dark", choice: "system" });
      assert.ok(existsSync(await screenshot(browser, "dark-theme-from-os")));
    } finally {
      await closeApp(browser);
      driver.stop();
    }
  });
});

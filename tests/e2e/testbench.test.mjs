// The test bench itself, in the real window: the app against a standalone emulator
// (streaming, a fault, a restart on the same data folder, a SIGKILL mid-stream), native
// dialogs answered by a script, dropped paths injected, and the session bus.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { closeApp, newDataDir, openApp, pickAgent, screenshot, send, texts, waitUntilReady } from "./app.mjs";
import { answerDialogs, appPid, dialogsShown, dropPaths, openedLinks } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

// Unique to this emulator instance: an answer that carries it came from it.
const NONCE = randomBytes(6).toString("hex");
const LONG_TEXT = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");

const AGENTS = [
  {
    id: "agent:e2e-hello",
    name: "E2E hello",
    description: "Answers with this emulator's nonce.",
    steps: [{ text: `Hello from the standalone emulator ${NONCE}. Docs: https://example.com/docs and https://example.org/other` }],
  },
  {
    id: "agent:e2e-flaky",
    name: "E2E flaky",
    description: "Drops the connection after three events.",
    fault: "close-after=3",
    steps: [{ text: "This answer will be cut off before it ends, because the server drops the line." }],
  },
  { id: "agent:e2e-long", name: "E2E long", description: "A long, slow answer.", steps: [{ text: LONG_TEXT }] },
];

async function waitForUsageLines(browser, count) {
  await browser.waitUntil(async () => (await texts(browser, "usage-line")).length >= count, {
    timeout: 30_000,
    timeoutMsg: `expected ${count} finished answers`,
  });
}

describe("the test bench", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator({ agents: AGENTS, tokenDelayMs: 5 });
  });
  after(async () => {
    await emulator?.stop();
  });

  it("streams from a standalone emulator, shows a fault, and reaches the same emulator after a restart", async () => {
    const dataDir = newDataDir();
    const args = ["--data-dir", dataDir, ...emulator.appArgs()];
    let browser = await openApp(args);
    try {
      const workspace = await browser.$('[data-testid="workspace-picker"]').getValue();
      assert.equal(workspace, `${emulator.url}#workspace:e2e`);
      await pickAgent(browser, "agent:e2e-hello");
      await send(browser, "Hello, standalone emulator");
      await waitForUsageLines(browser, 1);
      const [reply] = await texts(browser, "message-assistant");
      assert.match(reply, new RegExp(`Hello from the standalone emulator ${NONCE}`));

      await pickAgent(browser, "agent:e2e-flaky");
      await send(browser, "Please fail");
      const error = await browser.$('[data-testid="execution-error"]');
      await error.waitForDisplayed({ timeout: 30_000 });
      assert.match(await error.getText(), /stopped arriving/);
      await screenshot(browser, "testbench-standalone-emulator");
    } finally {
      await closeApp(browser);
    }

    browser = await openApp(args);
    try {
      assert.equal(await browser.$('[data-testid="workspace-picker"]').getValue(), `${emulator.url}#workspace:e2e`);
      await pickAgent(browser, "agent:e2e-hello");
      await send(browser, "Hello again after a restart");
      await waitForUsageLines(browser, 1);
      const replies = await texts(browser, "message-assistant");
      assert.match(replies.at(-1), new RegExp(NONCE));
    } finally {
      await closeApp(browser);
    }
  });

  it("answers the native link dialog yes and no from a script, and the opener sees exactly that", async () => {
    const dataDir = newDataDir();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await pickAgent(browser, "agent:e2e-hello");
      await send(browser, "Give me links");
      await waitForUsageLines(browser, 1);
      const links = await browser.$$('[data-testid="chat-link"]');
      assert.ok(links.length >= 2, "the answer has two links");

      await answerDialogs(dataDir, { button: "Open in browser" });
      await links[0].click();
      await browser.waitUntil(async () => (await openedLinks(dataDir)).length === 1, { timeout: 10_000 });

      await answerDialogs(dataDir, { button: "Cancel" });
      await links[1].click();
      await browser.waitUntil(async () => (await dialogsShown(dataDir)).length === 2, { timeout: 10_000 });

      const shown = await dialogsShown(dataDir);
      assert.deepEqual(
        shown.map((d) => [d.kind, d.title, d.buttons, d.answer]),
        [
          ["message", "Open link?", ["Open in browser", "Cancel"], "Open in browser"],
          ["message", "Open link?", ["Open in browser", "Cancel"], "Cancel"],
        ],
      );
      assert.match(shown[0].message, /https:\/\/example\.com\/docs/);
      assert.match(shown[1].message, /https:\/\/example\.org\/other/);
      assert.deepEqual(await openedLinks(dataDir), ["https://example.com/docs"]);
    } finally {
      await closeApp(browser);
    }
  });

  it("hands injected dropped paths to the backend's drop handler", async () => {
    const dataDir = newDataDir();
    const files = path.join(dataDir, "to-drop");
    mkdirSync(files);
    const notes = path.join(files, "notes.txt");
    writeFileSync(notes, "twelve bytes");
    const browser = await openApp(["--data-dir", dataDir]);
    try {
      const items = await dropPaths(dataDir, [notes, files, path.join(files, "missing.png")]);
      assert.deepEqual(
        items.map((i) => [i.kind, i.path, i.size ?? null]),
        [
          ["file", notes, 12],
          ["folder", files, null],
          ["unreadable", path.join(files, "missing.png"), null],
        ],
      );
      // The file logger writes from its own thread: wait for the line, never a fixed sleep.
      const logs = path.join(dataDir, "logs");
      const read = () => readdirSync(logs).map((f) => readFileSync(path.join(logs, f), "utf8")).join("\n");
      let logged = "";
      await browser.waitUntil(
        async () => {
          logged = read();
          return /file dropped on the window/.test(logged);
        },
        { timeout: 10_000, interval: 50, timeoutMsg: "the drop was not logged" },
      );
      assert.ok(logged.includes(notes), "the log names the dropped file");
    } finally {
      await closeApp(browser);
    }
  });

  it("starts cleanly on the same data folder after a SIGKILL mid-stream", async () => {
    const dataDir = newDataDir();
    const args = ["--data-dir", dataDir, ...emulator.appArgs()];
    let browser = await openApp(args);
    const pid = await appPid(dataDir);
    await pickAgent(browser, "agent:e2e-long");
    await send(browser, "Stream for a while");
    await browser.waitUntil(async () => ((await texts(browser, "message-assistant"))[0] ?? "").includes("word20"), {
      timeout: 20_000,
      interval: 20,
    });
    process.kill(pid, "SIGKILL");
    await closeApp(browser);

    browser = await openApp(args);
    try {
      assert.notEqual(await appPid(dataDir), pid, "a new process");
      assert.equal(await browser.$('[data-testid="load-error"]').isExisting(), false);
      assert.equal(await browser.$('[data-testid="chat-load-error"]').isExisting(), false);
      await pickAgent(browser, "agent:e2e-hello");
      await send(browser, "Still working?");
      await browser.waitUntil(
        async () => (await texts(browser, "message-assistant")).some((t) => t.includes(NONCE)),
        { timeout: 30_000 },
      );
      await screenshot(browser, "testbench-after-sigkill");
    } finally {
      await closeApp(browser);
    }
  });

  it("runs the app on the session bus the suite started", async () => {
    const dataDir = newDataDir();
    const browser = await openApp(["--data-dir", dataDir]);
    try {
      const pid = await appPid(dataDir);
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      const address = process.env.DBUS_SESSION_BUS_ADDRESS;
      assert.ok(address, "the suite was given a bus");
      assert.ok(environ.includes(`DBUS_SESSION_BUS_ADDRESS=${address}`), "the app inherited the suite's bus");
      const names = execFileSync(
        "dbus-send",
        ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"],
        { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address }, encoding: "utf8" },
      );
      assert.match(names, /org\.freedesktop\.DBus/);
    } finally {
      await closeApp(browser);
    }
  });
});

// Conversations that persist, in the real window against a standalone emulator that
// outlives the app: two chats streaming at once while the user switches between them,
// the Memory agent remembering across an app restart, a SIGKILL mid-stream that loses
// neither the draft nor the partial answer, and feedback on an answer.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { closeApp, newChat, newDataDir, openApp, screenshot, send, sendAndWait, sidebarTitles, texts } from "./app.mjs";
import { appPid } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

const NONCE = randomBytes(6).toString("hex");
const story = (tag) => Array.from({ length: 300 }, (_, i) => `${tag}${i}`).join(" ");

const AGENTS = [
  { id: "agent:e2e-alpha", name: "Alpha", description: "A long answer of alpha words.", steps: [{ text: story("alpha") }] },
  { id: "agent:e2e-beta", name: "Beta", description: "A long answer of beta words.", steps: [{ text: story("beta") }] },
  { id: "agent:e2e-hello", name: "Hello", description: "A short answer.", steps: [{ text: `Hello ${NONCE}` }] },
  {
    id: "agent:e2e-dropped",
    name: "Dropped",
    description: "The server runs it, but the line drops before any answer.",
    fault: "drop-before-head",
    steps: [{ text: "You will never see this." }],
  },
];

/** The sidebar item of the conversation whose title starts with `title`. */
async function item(browser, title) {
  const id = await browser.execute(
    (wanted) =>
      [...document.querySelectorAll('[data-testid="conversation-item"]')].find((e) => e.textContent.includes(wanted))?.dataset
        .conversationId ?? null,
    title,
  );
  if (!id) throw new Error(`no conversation titled ${title} in ${JSON.stringify(await sidebarTitles(browser))}`);
  return browser.$(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);
}

async function isRunning(browser, title) {
  return (await (await item(browser, title)).getAttribute("data-running")) === "true";
}

/** The assistant texts shown now (the open conversation only). */
const answers = (browser) => texts(browser, "message-assistant");

describe("conversations that persist", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator({ agents: AGENTS, tokenDelayMs: 12 });
  });
  after(async () => {
    await emulator?.stop();
  });

  it("streams in two conversations with different agents at once while the user switches", async () => {
    const browser = await openApp(["--data-dir", newDataDir(), ...emulator.appArgs()]);
    try {
      await newChat(browser, "agent:e2e-alpha");
      await send(browser, "Alpha, tell me everything");
      await browser.waitUntil(async () => ((await answers(browser))[0] ?? "").includes("alpha5"), { timeout: 20_000 });

      await newChat(browser, "agent:e2e-beta");
      await send(browser, "Beta, tell me everything");
      await browser.waitUntil(async () => ((await answers(browser))[0] ?? "").includes("beta5"), { timeout: 20_000 });
      assert.equal(await isRunning(browser, "Alpha, tell me"), true, "alpha still streams in the background");
      assert.equal(await isRunning(browser, "Beta, tell me"), true);
      await screenshot(browser, "conversations-two-streaming");

      // Back to alpha while both stream: its answer has grown meanwhile.
      await (await item(browser, "Alpha, tell me")).click();
      await browser.waitUntil(async () => ((await answers(browser))[0] ?? "").startsWith("alpha0"), { timeout: 10_000 });
      assert.ok(!(await answers(browser)).some((t) => t.includes("beta")), "only alpha's messages are shown");

      await browser.waitUntil(async () => ((await answers(browser))[0] ?? "").includes("alpha299"), { timeout: 60_000 });
      await (await item(browser, "Beta, tell me")).click();
      await browser.waitUntil(async () => ((await answers(browser))[0] ?? "").includes("beta299"), { timeout: 60_000 });
      await browser.waitUntil(async () => !(await isRunning(browser, "Alpha, tell me")) && !(await isRunning(browser, "Beta, tell me")), {
        timeout: 10_000,
        timeoutMsg: "both conversations stop showing the running indicator",
      });
      const titles = await sidebarTitles(browser);
      assert.ok(titles[0].startsWith("Beta, tell me"), `most recent first: ${JSON.stringify(titles)}`);
    } finally {
      await closeApp(browser);
    }
  });

  it("the Memory agent recalls the first message of its conversation after an app restart", async () => {
    const dataDir = newDataDir();
    const args = ["--data-dir", dataDir, ...emulator.appArgs()];
    let browser = await openApp(args);
    try {
      await newChat(browser, "agent:memory");
      await sendAndWait(browser, `My secret word is ${NONCE}`);
    } finally {
      await closeApp(browser);
    }

    browser = await openApp(args);
    try {
      // The most recent conversation opens with its history.
      await browser.waitUntil(async () => (await texts(browser, "message-user")).some((t) => t.includes(NONCE)), {
        timeout: 10_000,
        timeoutMsg: "the conversation came back after the restart",
      });
      assert.ok((await sidebarTitles(browser))[0].startsWith("My secret word is"));
      await sendAndWait(browser, "What did I say first?");
      const replies = await answers(browser);
      assert.match(replies.at(-1), new RegExp(`You first said: "My secret word is ${NONCE}"`));
      await screenshot(browser, "conversations-memory-after-restart");
    } finally {
      await closeApp(browser);
    }
  });

  it("keeps the draft, the conversation and the interrupted partial answer after a SIGKILL mid-stream", async () => {
    const dataDir = newDataDir();
    const args = ["--data-dir", dataDir, ...emulator.appArgs()];
    let browser = await openApp(args);
    const pid = await appPid(dataDir);
    await newChat(browser, "agent:e2e-alpha");
    await send(browser, "Stream, then be killed");
    await browser.waitUntil(async () => ((await answers(browser))[0] ?? "").includes("alpha20"), { timeout: 20_000, interval: 20 });
    const composer = await browser.$('[data-testid="composer"]');
    await composer.setValue(`An unsent thought ${NONCE}`);
    // The draft is saved as typed (debounced): wait for the store to have it, read back
    // through the app's own command, before the kill.
    await browser.waitUntil(
      async () =>
        browser.execute(async (nonce) => {
          const id = document.querySelector('[aria-current="true"][data-testid="conversation-item"], [data-testid="conversation-item"][aria-current="page"]')?.dataset.conversationId;
          if (!id) return false;
          const view = await window.__TAURI_INTERNALS__.invoke("open_conversation", { conversationId: id, before: null, limit: 1 });
          return view.draft.includes(nonce);
        }, NONCE),
      { timeout: 10_000, timeoutMsg: "the draft was saved" },
    );
    process.kill(pid, "SIGKILL");
    await closeApp(browser);

    browser = await openApp(args);
    try {
      assert.notEqual(await appPid(dataDir), pid, "a new process");
      await browser.waitUntil(async () => (await texts(browser, "message-user")).includes("Stream, then be killed"), { timeout: 10_000 });
      assert.equal(await browser.$('[data-testid="composer"]').getValue(), `An unsent thought ${NONCE}`);
      const [partial] = await answers(browser);
      assert.ok(partial.startsWith("alpha0 alpha1"), `the partial answer is kept: ${partial.slice(0, 40)}`);
      assert.ok(!partial.includes("alpha299"), "it is partial");
      const note = await browser.$('[data-testid="interrupted-note"]');
      assert.ok(await note.isDisplayed(), "the partial answer is marked interrupted");
      assert.match(await note.getText(), /Interrupted/);
      assert.equal(await browser.$('[data-testid="resend"]').isExisting(), false, "nothing is offered to re-send it as it is");
      // Nothing is re-sent on its own: still one message and one answer.
      await browser.pause(1_000);
      assert.equal((await texts(browser, "message-user")).length, 1);
      await screenshot(browser, "conversations-after-sigkill");
    } finally {
      await closeApp(browser);
    }
  });

  it("sends feedback on an answer and shows it, also after a restart", async () => {
    const dataDir = newDataDir();
    const args = ["--data-dir", dataDir, ...emulator.appArgs()];
    let browser = await openApp(args);
    try {
      await newChat(browser, "agent:e2e-hello");
      await sendAndWait(browser, "Hello there");
      const up = await browser.$('[data-testid="feedback-up"]');
      await up.click();
      await browser.waitUntil(async () => (await up.getAttribute("aria-pressed")) === "true", {
        timeout: 10_000,
        timeoutMsg: "the thumbs up is shown as given",
      });
      assert.equal(await browser.$('[data-testid="feedback-down"]').getAttribute("aria-pressed"), "false");
      await screenshot(browser, "conversations-feedback");
    } finally {
      await closeApp(browser);
    }
    browser = await openApp(args);
    try {
      const up = await browser.$('[data-testid="feedback-up"]');
      await up.waitForExist({ timeout: 10_000 });
      await browser.waitUntil(async () => (await up.getAttribute("aria-pressed")) === "true", { timeout: 10_000 });
    } finally {
      await closeApp(browser);
    }
  });

  it("reports an unreadable history with its path, keeps it aside and starts a fresh one", async () => {
    const dataDir = newDataDir();
    const data = path.join(dataDir, "data");
    mkdirSync(data, { recursive: true, mode: 0o700 });
    const garbage = randomBytes(8192);
    writeFileSync(path.join(data, "history.sqlite3"), garbage, { mode: 0o600 });
    const browser = await openApp(["--data-dir", dataDir]);
    try {
      const banner = await browser.$('[data-testid="history-banner"]');
      await banner.waitForDisplayed({ timeout: 10_000 });
      const aside = readdirSync(data).find((f) => f.startsWith("history.sqlite3.corrupt-"));
      assert.ok(aside, `the unreadable file was kept aside: ${readdirSync(data)}`);
      assert.deepEqual(readFileSync(path.join(data, aside)), garbage, "byte for byte");
      const said = await banner.getText();
      assert.match(said, /couldn.t be read/);
      assert.ok(said.includes(aside), `the banner names where it went: ${said}`);
      await screenshot(browser, "conversations-history-moved-aside");
      await newChat(browser, "agent:demo-chat");
      await sendAndWait(browser, "Does the fresh history work?");
      assert.equal((await answers(browser)).length, 1);
    } finally {
      await closeApp(browser);
    }
  });

  it("says a message was already received when the line dropped before any answer, and never sends it again", async () => {
    const browser = await openApp(emulator.appArgs());
    try {
      await newChat(browser, "agent:e2e-dropped");
      await send(browser, "Charge me once");
      const error = await browser.$('[data-testid="execution-error"]');
      await error.waitForDisplayed({ timeout: 30_000 });
      assert.match(await error.getText(), /Already received by the server/);
      assert.equal(await browser.$('[data-testid="resend"]').isExisting(), false, "no Resend for a received message");
      await screenshot(browser, "conversations-already-received");
    } finally {
      await closeApp(browser);
    }
  });
});

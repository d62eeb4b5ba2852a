// Tools on this computer in the real window, against a standalone emulator's Tool user
// agent, the native approval dialog answered by the test bench's scripted answerer:
// enable a tool and grant a folder in Settings, approve and see the resumed answer
// quote the file; deny and see the agent told; two tools in one turn; "always allow"
// then no dialog; and a SIGKILL while the dialog waits, finished after the restart.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { closeApp, newChat, newDataDir, openApp, screenshot, send, sendAndWait, texts } from "./app.mjs";
import { answerDialogs, appPid, dialogsShown } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

const TOOL_USER = "agent:client-tools";
const NONCE = randomBytes(6).toString("hex");
const $ = (browser, id) => browser.$(`[data-testid="${id}"]`);

/** A folder named `shared-<nonce>` with notes.txt, to grant. */
function sharedFolder() {
  const folder = path.join(newDataDir(), `shared-${NONCE}`);
  mkdirSync(folder);
  writeFileSync(path.join(folder, "notes.txt"), `The notes say ${NONCE}.`);
  return folder;
}

const invoke = (browser, cmd, args) =>
  browser.execute((c, a) => window.__TAURI_INTERNALS__.invoke(c, a), cmd, args);

/** The active workspace's id (the emulator's, given on the command line). */
const workspaceId = async (browser) => (await invoke(browser, "workspace_overview", {})).workspaceId;

/** Offers these tools to the Tool user, through the app's own command. */
async function enableTools(browser, tools) {
  const ws = await workspaceId(browser);
  for (const toolName of tools) {
    await invoke(browser, "set_tool_enabled", { workspaceId: ws, agentId: TOOL_USER, toolName, enabled: true });
  }
}

/** The status line of every tool card, in order. */
const cardStates = (browser) => texts(browser, "client-tool-status");
/** The answers' text, in order. */
const answers = (browser) => texts(browser, "message-assistant");

async function waitForCard(browser, pattern, timeout = 20_000) {
  await browser.waitUntil(async () => (await cardStates(browser)).some((s) => pattern.test(s)), {
    timeout,
    timeoutMsg: `no tool card matched ${pattern}: ${JSON.stringify(await cardStates(browser))}`,
  });
}

describe("tools on this computer", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator?.stop();
  });

  it("is enabled in Settings, asks in the native dialog, runs on Allow once, and the answer quotes the result", async () => {
    const dataDir = newDataDir();
    const folder = sharedFolder();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      // Settings → Tools: offer read_text_file to the Tool user, grant the folder.
      await (await $(browser, "open-settings")).click();
      const section = await $(browser, "tools-section");
      await section.waitForDisplayed({ timeout: 10_000 });
      await section.scrollIntoView();
      await (await $(browser, "tools-agent")).selectByAttribute("value", TOOL_USER);
      const toggle = await browser.$('[data-testid="tool-item"][data-tool="read_text_file"] [data-testid="tool-enabled"]');
      await toggle.waitForExist({ timeout: 10_000 });
      await toggle.click();
      await browser.waitUntil(async () => (await $(browser, "tools-count")).getText().then((t) => t.startsWith("1 of 32")), {
        timeout: 10_000,
        timeoutMsg: "the tool was not offered",
      });
      await answerDialogs(dataDir, { files: [folder] });
      await (await $(browser, "grant-folder")).click();
      await browser.waitUntil(async () => (await texts(browser, "folder-name")).some((t) => t.endsWith(`shared-${NONCE}`)), {
        timeout: 10_000,
        timeoutMsg: "the folder was not granted",
      }).catch(async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify(await dialogsShown(dataDir))} ${JSON.stringify(await texts(browser, "grants-error"))} ${JSON.stringify(await texts(browser, "tools-section"))}`);
      });
      await screenshot(browser, "client-tools-settings");
      await browser.keys("Escape");
      await section.waitForDisplayed({ reverse: true, timeout: 10_000 });

      await newChat(browser, TOOL_USER);
      await answerDialogs(dataDir, { button: "Allow once" });
      await sendAndWait(browser, `read_text_file {"path": "shared-${NONCE}/notes.txt"}`);
      const [answer] = await answers(browser);
      assert.match(answer, new RegExp(`The notes say ${NONCE}`), "the resumed answer quotes the file");
      assert.match((await cardStates(browser))[0], /Done/);
      assert.match((await cardStates(browser))[0], /allowed by you/);
      const [arguments_] = await texts(browser, "client-tool-arguments");
      assert.match(arguments_, new RegExp(`shared-${NONCE}/notes.txt`));
      const [result] = await texts(browser, "client-tool-result");
      assert.match(result, new RegExp(`The notes say ${NONCE}`));

      const asked = (await dialogsShown(dataDir)).filter((d) => d.kind === "message");
      assert.equal(asked.length, 1);
      assert.deepEqual(asked[0].buttons, ["Allow once", "Always allow", "Deny"]);
      assert.equal(asked[0].answer, "Allow once");
      assert.match(asked[0].message, /Tool user/);
      assert.match(asked[0].message, /read_text_file/);
      assert.match(asked[0].message, /card/, "the dialog says where the full arguments are");
      await screenshot(browser, "client-tools-allowed");
    } finally {
      await closeApp(browser);
    }
  });

  it("runs nothing on Deny and the agent hears why; two tools in one turn are each asked", async () => {
    const dataDir = newDataDir();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await enableTools(browser, ["current_datetime", "list_directory"]);
      await newChat(browser, TOOL_USER);
      await answerDialogs(dataDir, { button: "Deny" });
      await sendAndWait(browser, "current_datetime please");
      assert.match((await answers(browser))[0], /failed: The user denied this call\./);
      assert.match((await cardStates(browser))[0], /Denied by you/);

      // Asked in the order offered: current_datetime, then list_directory.
      await answerDialogs(dataDir, { button: "Allow once" }, "close");
      await sendAndWait(browser, "list_directory and current_datetime");
      const last = (await answers(browser)).at(-1);
      assert.match(last, /I called 2 tool\(s\)/);
      assert.match(last, /current_datetime returned/);
      // Closing the second dialog is a denial.
      assert.match(last, /list_directory failed: The user denied this call\./);
      const states = await cardStates(browser);
      assert.equal(states.length, 3);
      assert.match(states[1], /Done/);
      assert.match(states[2], /Denied by you/);
      await screenshot(browser, "client-tools-denied-and-two");
    } finally {
      await closeApp(browser);
    }
  });

  it("asks once with Always allow, then runs without a dialog", async () => {
    const dataDir = newDataDir();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await enableTools(browser, ["current_datetime"]);
      await newChat(browser, TOOL_USER);
      await answerDialogs(dataDir, { button: "Always allow" });
      await sendAndWait(browser, "current_datetime");
      await sendAndWait(browser, "current_datetime again");
      const asked = (await dialogsShown(dataDir)).filter((d) => d.kind === "message");
      assert.equal(asked.length, 1, "only the first call was asked");
      const states = await cardStates(browser);
      assert.match(states[0], /allowed by you/);
      assert.match(states[1], /allowed by your rule/);
      assert.match((await answers(browser)).at(-1), /current_datetime returned/);
    } finally {
      await closeApp(browser);
    }
  });

  it("finishes a call that was waiting for the user when the app was killed", async () => {
    const dataDir = newDataDir();
    const args = ["--data-dir", dataDir, ...emulator.appArgs()];
    let browser = await openApp(args);
    const pid = await appPid(dataDir);
    await enableTools(browser, ["current_datetime"]);
    await newChat(browser, TOOL_USER);
    await send(browser, `current_datetime ${NONCE}`);
    // No answer is queued: the dialog waits, and the card says so.
    await waitForCard(browser, /Waiting for you/);
    await screenshot(browser, "client-tools-waiting");
    process.kill(pid, "SIGKILL");
    await closeApp(browser);

    browser = await openApp(args);
    try {
      assert.notEqual(await appPid(dataDir), pid, "a new process");
      await answerDialogs(dataDir, { button: "Allow once" });
      await browser.waitUntil(async () => /current_datetime returned/.test((await answers(browser))[0] ?? ""), {
        timeout: 30_000,
        timeoutMsg: `the resumed answer did not arrive: ${JSON.stringify(await answers(browser))} ${JSON.stringify(await browser.execute(async () => { const id = document.querySelector('[data-testid="conversation-item"][aria-current="true"]')?.dataset.conversationId; return window.__TAURI_INTERNALS__.invoke("open_conversation", { conversationId: id, before: null, limit: 5 }); }))}`,
      });
      assert.match((await cardStates(browser))[0], /Done/);
      const asked = (await dialogsShown(dataDir)).filter((d) => d.kind === "message");
      assert.equal(asked.length, 1, "asked again after the restart");
      assert.match(asked[0].message, /current_datetime/);
      await screenshot(browser, "client-tools-after-restart");
    } finally {
      await closeApp(browser);
    }
  });
});

// MCP servers in the real window, against a standalone emulator's Tool user agent:
// add the tiny MCP server (tests/fixtures/mcp) in Settings → Tools by its command
// line, see it run and list its tools, offer one to the Tool user, approve a call in
// the native dialog (the test bench's scripted answerer), see the answer quote the
// server's result, find the call in the audit log (Tool activity), and see the server
// process end when the app quits.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { closeApp, newChat, newDataDir, openApp, screenshot, sendAndWait, texts } from "./app.mjs";
import { answerDialogs, appPid, dialogsShown } from "./control.mjs";
import { run } from "./desktop.mjs";
import { startEmulator } from "./emulator.mjs";

const TOOL_USER = "agent:client-tools";
const NONCE = randomBytes(6).toString("hex");
const SERVER = path.resolve(import.meta.dirname, "../fixtures/mcp/tiny_mcp_server.py");
const $ = (browser, id) => browser.$(`[data-testid="${id}"]`);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const invoke = (browser, cmd, args) =>
  browser.execute((c, a) => window.__TAURI_INTERNALS__.invoke(c, a), cmd, args);

describe("MCP servers", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator?.stop();
  });

  it("are added in Settings, their tool approved and run, audited, and stopped at quit", async () => {
    const dataDir = newDataDir();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    let serverPid;
    let pid;
    try {
      pid = await appPid(dataDir);
      await (await $(browser, "open-settings")).click();
      const section = await $(browser, "mcp-servers");
      await section.waitForDisplayed({ timeout: 10_000 });
      await section.scrollIntoView();

      // Add the server by its command line (quoted path; --linger: it ignores a closed
      // stdin, so only the app's stop ends it quickly), test it, save it.
      await (await $(browser, "mcp-add")).click();
      await (await $(browser, "mcp-name")).setValue("tiny");
      await (await $(browser, "mcp-command-line")).setValue(`python3 '${SERVER}' --linger`);
      // Test starts the program: allowed first in the native dialog, and so is Save.
      await answerDialogs(dataDir, { button: "Allow" }, { button: "Allow" });
      await (await $(browser, "mcp-test")).click();
      const tested = await $(browser, "mcp-test-result");
      await tested.waitForExist({ timeout: 20_000, timeoutMsg: "the test showed nothing" });
      assert.equal(await tested.getAttribute("data-ok"), "true", await tested.getText());
      assert.match(await tested.getText(), /It started and lists 9 tools/);
      await tested.scrollIntoView();
      await screenshot(browser, "mcp-server-tested");
      await (await $(browser, "mcp-save")).click();
      const row = await browser.$('[data-testid="mcp-server"]');
      await row.waitForExist({ timeout: 20_000, timeoutMsg: "the server was not saved" });
      const allowedPrograms = (await dialogsShown(dataDir)).filter((d) => /Allow this MCP server\?/.test(d.title + d.message));
      assert.equal(allowedPrograms.length, 2, "asked before Test and before Save");
      assert.ok(allowedPrograms.every((d) => d.answer === "Allow" && d.message.includes(SERVER)), JSON.stringify(allowedPrograms));
      await browser.waitUntil(async () => (await row.getAttribute("data-status")) === "running", {
        timeout: 20_000,
        timeoutMsg: `the server did not run: ${JSON.stringify(await texts(browser, "mcp-server"))}`,
      });
      assert.match(await (await $(browser, "mcp-status")).getText(), /Running, 9 tools/);
      const listed = await browser.execute(() =>
        [...document.querySelectorAll('[data-testid="mcp-tool"]')].map((e) => [e.dataset.tool, e.dataset.problem]),
      );
      assert.ok(listed.some(([name, problem]) => name === "tiny_echo" && problem === "false"), JSON.stringify(listed));
      assert.ok(listed.some(([name, problem]) => name === "tiny_bad_schema" && problem === "true"), JSON.stringify(listed));
      const id = await row.getAttribute("data-server-id");
      // A sample call from settings skips the agents' approval dialog: it is asked natively.
      await answerDialogs(dataDir, { button: "Cancel" }, { button: "Run once" });
      const declined = await browser.execute(
        (a) => window.__TAURI_INTERNALS__.invoke("call_mcp_tool", a).then(() => null, (error) => error),
        { id, tool: "argv", sample: "{}" },
      );
      assert.equal(declined?.code, "programNotAllowed", JSON.stringify(declined));
      serverPid = (await invoke(browser, "call_mcp_tool", { id, tool: "argv", sample: "{}" })).output.match(/"pid": (\d+)/)?.[1];
      assert.ok(serverPid, "the sample call answered with the server's pid");
      const trials = (await dialogsShown(dataDir)).filter((d) => d.title === "Run this tool once?");
      assert.deepEqual(
        trials.map((d) => d.answer),
        ["Cancel", "Run once"],
      );
      assert.match(trials[1].message, /“argv” of the MCP server “tiny”/);
      serverPid = Number(serverPid);

      // Offer tiny_echo to the Tool user (the agent lists were read again with it).
      const tools = await $(browser, "tools-section");
      await tools.scrollIntoView();
      await (await $(browser, "tools-agent")).selectByAttribute("value", TOOL_USER);
      const toggle = await browser.$('[data-testid="tool-item"][data-tool="tiny_echo"] [data-testid="tool-enabled"]');
      await toggle.waitForExist({ timeout: 20_000, timeoutMsg: "tiny_echo is not among the agent's tools" });
      await toggle.scrollIntoView();
      await toggle.click();
      await browser.waitUntil(async () => (await $(browser, "tools-count")).getText().then((t) => t.startsWith("1 of 32")), {
        timeout: 10_000,
        timeoutMsg: "the tool was not offered",
      });
      await screenshot(browser, "mcp-tool-offered");
      // The server's row, once the lists above have settled.
      await (await $(browser, "mcp-status")).scrollIntoView();
      await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      await screenshot(browser, "mcp-server-running");
      await browser.keys("Escape");
      await section.waitForDisplayed({ reverse: true, timeout: 10_000 });

      // The agent calls it; the native dialog is answered Allow once; the server runs it.
      await newChat(browser, TOOL_USER);
      await answerDialogs(dataDir, { button: "Allow once" });
      await sendAndWait(browser, `tiny_echo {"text": "hello ${NONCE}"}`);
      const [answer] = await texts(browser, "message-assistant");
      assert.match(answer, new RegExp(`hello ${NONCE}`), "the answer quotes the server's result");
      const [card] = await texts(browser, "client-tool-status");
      assert.match(card, /Done/);
      assert.match(card, /allowed by you/);
      const asked = (await dialogsShown(dataDir)).filter((d) => d.kind === "message" && /tiny_echo/.test(d.message));
      assert.equal(asked.length, 1);
      assert.equal(asked[0].answer, "Allow once");
      assert.match(asked[0].message, /tiny_echo/);
      await screenshot(browser, "mcp-call-answered");

      // The audit log (Settings → Tools → Tool activity) has the call.
      await (await $(browser, "open-settings")).click();
      const activity = await browser.$("#tool-activity");
      await activity.waitForExist({ timeout: 10_000, timeoutMsg: "no Tool activity section" });
      await activity.scrollIntoView();
      const refresh = await browser.$("#tool-activity-refresh");
      if (await refresh.isExisting()) await refresh.click();
      const audited = '[data-testid="tool-audit-row"][data-tool="tiny_echo"]';
      await browser.$(audited).waitForExist({ timeout: 10_000, timeoutMsg: "the call is not in the audit log" });
      const entry = await browser.execute((sel) => ({ ...document.querySelector(sel).dataset }), audited);
      assert.equal(entry.decision, "approved", JSON.stringify(entry));
      assert.equal(entry.decidedBy, "you", JSON.stringify(entry));
      assert.equal(entry.outcome, "success", JSON.stringify(entry));
      assert.equal(entry.source, "mcp:tiny", JSON.stringify(entry));
      await browser.$(audited).scrollIntoView();
      await screenshot(browser, "mcp-audit");

      // Quit (Ctrl+Q): the app stops the server, which would otherwise linger.
      assert.ok(alive(serverPid), "the server runs while the app does");
      const found = await run("xdotool", ["search", "--all", "--onlyvisible", "--pid", String(pid), "--name", "^Athena Desktop$"]);
      const window = found.stdout.split("\n").find(Boolean);
      assert.ok(window, `the app's window (${found.stdout}${found.stderr})`);
      await run("xdotool", ["windowfocus", "--sync", window]);
      await run("xdotool", ["key", "--clearmodifiers", "ctrl+q"]);
      await browser.waitUntil(() => !alive(pid), { timeout: 15_000, timeoutMsg: "Ctrl+Q did not quit the app" });
      await browser.waitUntil(() => !alive(serverPid), { timeout: 5_000, timeoutMsg: "the MCP server outlived the app" });
    } finally {
      await closeApp(browser);
      if (serverPid && alive(serverPid)) process.kill(serverPid, "SIGKILL");
    }
  });
});

// The user's own command tool in the real window, against a standalone emulator's
// Tool user agent: added in Settings → Tools with the form, tested with a sample
// call, offered to the Tool user, called by the agent and approved through the test
// bench's scripted dialog answerer, and then found in the Tool activity log.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { closeApp, newChat, newDataDir, openApp, screenshot, sendAndWait, texts } from "./app.mjs";
import { answerDialogs, dialogsShown } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

const TOOL_USER = "agent:client-tools";
const NONCE = randomBytes(6).toString("hex");
const $ = (browser, id) => browser.$(`[data-testid="${id}"]`);

/** A command tool program: echoes the call's arguments back as its result. */
function echoProgram() {
  const file = path.join(newDataDir(), "echo-tool.sh");
  writeFileSync(file, '#!/bin/sh\nprintf \'{"echo": %s}\' "$(cat)"\n');
  chmodSync(file, 0o755);
  return file;
}

async function fill(browser, field, value) {
  const input = await $(browser, `command-tool-${field}`);
  await input.scrollIntoView();
  await input.setValue(value);
}

describe("your own command tools", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator?.stop();
  });

  it("is added and tested in Settings, approved when the agent calls it, and found in the tool activity", async () => {
    const dataDir = newDataDir();
    const program = echoProgram();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await (await $(browser, "open-settings")).click();
      const section = await $(browser, "command-tools");
      await section.waitForDisplayed({ timeout: 10_000 });
      await section.scrollIntoView();
      await (await $(browser, "command-tool-add")).click();
      await fill(browser, "name", "echo_note");
      await fill(browser, "description", "Echoes a note back.");
      await fill(browser, "parameters", '{"type": "object", "properties": {"text": {"type": "string"}}}');
      await fill(browser, "executable", program);
      await fill(browser, "sample", `{"text": "sample ${NONCE}"}`);
      // Testing runs the program: the app asks first, natively, naming it.
      await answerDialogs(dataDir, { button: "Run once" });
      await (await $(browser, "command-tool-test")).click();
      const tested = await $(browser, "command-tool-test-result");
      await tested.waitForDisplayed({ timeout: 15_000 });
      assert.equal(await tested.getAttribute("data-ok"), "true", await tested.getText());
      assert.match(await tested.getText(), new RegExp(`sample ${NONCE}`));
      await screenshot(browser, "own-tools-tested");
      // Saving a new program asks too.
      await answerDialogs(dataDir, { button: "Allow" });
      await (await $(browser, "command-tool-save")).click();
      await (await $(browser, "command-tool-note")).waitForDisplayed({ timeout: 10_000 });
      assert.deepEqual(await texts(browser, "command-tool-left-out"), []);

      // Offer it to the Tool user, in the same Tools settings.
      const tools = await $(browser, "tools-section");
      await tools.scrollIntoView();
      await (await $(browser, "tools-agent")).selectByAttribute("value", TOOL_USER);
      const toggle = await browser.$('[data-testid="tool-item"][data-tool="echo_note"] [data-testid="tool-enabled"]');
      await toggle.waitForExist({ timeout: 10_000 });
      await toggle.scrollIntoView();
      await toggle.click();
      await browser.waitUntil(async () => (await $(browser, "tools-count")).getText().then((t) => t.startsWith("1 of 32")), {
        timeout: 10_000,
        timeoutMsg: "the command tool was not offered",
      });
      await screenshot(browser, "own-tools-settings");
      await browser.keys("Escape");
      await section.waitForDisplayed({ reverse: true, timeout: 10_000 });

      await newChat(browser, TOOL_USER);
      await answerDialogs(dataDir, { button: "Allow once" });
      await sendAndWait(browser, `echo_note {"text": "agent ${NONCE}"}`);
      const answer = (await texts(browser, "message-assistant"))[0];
      assert.match(answer, new RegExp(`agent ${NONCE}`), "the resumed answer uses the result");
      const asked = (await dialogsShown(dataDir)).filter((d) => d.kind === "message");
      assert.deepEqual(
        asked.map((d) => d.title),
        ["Run this program once?", "Allow this program?", asked[2]?.title],
        "the test run, the new program, then the call were asked",
      );
      for (const consent of asked.slice(0, 2)) assert.ok(consent.message.includes(program), consent.message);
      assert.equal(asked.length, 3, "the call was asked");
      assert.match(asked[2].message, /echo_note/);

      // The call in the audit log.
      await (await $(browser, "open-settings")).click();
      const activity = await $(browser, "tool-activity");
      await activity.waitForDisplayed({ timeout: 10_000 });
      await activity.scrollIntoView();
      const row = await browser.$(
        '[data-testid="tool-audit-row"][data-tool="echo_note"][data-decision="approved"][data-decided-by="you"][data-outcome="success"][data-source="command"]',
      );
      await row.waitForExist({ timeout: 10_000 });
      // After the section's rows arrived (the dialog may have moved meanwhile).
      await browser.execute((el) => el.scrollIntoView({ block: "center" }), row);
      await browser.pause(300);
      await screenshot(browser, "own-tools-activity");
      const shown = await browser.execute((el) => el.textContent, row);
      assert.match(shown, new RegExp(`agent ${NONCE}`), "the arguments' preview");
      assert.match(shown, new RegExp(`"echo"`), "the result's preview");
    } finally {
      await closeApp(browser);
    }
  });
});

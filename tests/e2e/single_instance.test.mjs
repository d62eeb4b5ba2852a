// One app per data folder: a second launch hands its arguments to the running app and
// exits, and an athena-desktop:// link among them opens or prefills in the first app's
// window; a hostile link only brings a notice. Runs under its own session bus (the
// instances find each other there) with its own tauri-driver.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { closeApp, newDataDir, screenshot, sendAndWait, texts } from "./app.mjs";
import { appPid } from "./control.mjs";
import { composerText, run, startDriver, startSessionBus } from "./desktop.mjs";

const app = process.env.ATHENA_APP;

describe("a single instance per data folder", () => {
  let bus;
  let driver;
  before(async () => {
    bus = await startSessionBus();
    driver = await startDriver({ DBUS_SESSION_BUS_ADDRESS: bus.address });
  });
  after(() => {
    driver?.stop();
    bus?.stop();
  });

  /** Launches the binary again, as the OS does for a link, and waits for it to end. */
  async function launchAgain(dataDir, link) {
    const started = Date.now();
    const second = await run(app, ["--data-dir", dataDir, link], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
      timeout: 30_000,
    });
    return { ...second, ms: Date.now() - started };
  }

  it("hands a second launch's link to the running app, which prefills or opens and never sends", async () => {
    const dataDir = newDataDir();
    const browser = await driver.open(app, ["--data-dir", dataDir]);
    try {
      const first = await appPid(dataDir);
      // A chat to open by link later.
      await sendAndWait(browser, "A chat to come back to");
      const chatId = await browser.execute(
        () => document.querySelector('[data-testid="conversation-item"][aria-current="true"]')?.getAttribute("data-conversation-id"),
      );
      assert.ok(chatId, "the sent message made a conversation");
      await browser.$('[data-testid="new-chat"]').click();

      const text = "Summarise this, please:\nhttps://example.com/report";
      const link = `athena-desktop://new?agent=agent:demo-echo&text=${encodeURIComponent(text)}`;
      const second = await launchAgain(dataDir, link);
      assert.equal(second.code, 0, `the second launch exits cleanly (${second.stderr})`);
      assert.ok(second.ms < 20_000, "the second launch ends at once");
      await browser.waitUntil(async () => (await composerText(browser)) === text, {
        timeout: 10_000,
        timeoutMsg: "the link did not prefill the composer",
      });
      assert.equal(await browser.$('[data-testid="agent-picker"]').getValue(), "agent:demo-echo");
      assert.equal(await appPid(dataDir), first, "still the first app");
      // Prefilled, not sent: one user message in the whole history (the chat above).
      assert.equal((await texts(browser, "usage-line")).length, 0, "a new chat, nothing sent");
      await screenshot(browser, "single-instance-prefilled");

      const open = await launchAgain(dataDir, `athena-desktop://conversation/${chatId}`);
      assert.equal(open.code, 0);
      await browser.waitUntil(
        async () =>
          (await browser
            .$(`[data-testid="conversation-item"][data-conversation-id="${chatId}"]`)
            .getAttribute("aria-current")) === "true",
        { timeout: 10_000, timeoutMsg: "the link did not open the chat" },
      );
      assert.match((await texts(browser, "message-user")).join("\n"), /A chat to come back to/);

      // Hostile links: refused with a notice, nothing opened, nothing typed or sent.
      await browser.$('[data-testid="new-chat"]').click();
      for (const hostile of [
        "athena-desktop://send?text=hi",
        "athena-desktop://open?u=javascript:alert(1)",
        `athena-desktop://new?text=${"a".repeat(3000)}`,
        "athena-desktop://new?text=%2541",
      ]) {
        const refused = await launchAgain(dataDir, hostile);
        assert.equal(refused.code, 0, "handed over, then refused by the running app");
        const notice = await browser.$('[data-testid="deep-link-notice"]');
        await notice.waitForDisplayed({ timeout: 10_000, timeoutMsg: `no notice for ${hostile.slice(0, 60)}` });
        assert.match(await notice.getText(), /refused/);
        await notice.$("button").click();
        await notice.waitForDisplayed({ reverse: true, timeout: 5_000 });
      }
      assert.equal(await composerText(browser), "");
      assert.equal((await texts(browser, "usage-line")).length, 0);
    } finally {
      await closeApp(browser);
    }
  });

  it("reads a link the app was started with", async () => {
    const dataDir = newDataDir();
    const browser = await driver.open(app, ["--data-dir", dataDir, "athena-desktop://new?text=Started%20by%20a%20link"]);
    try {
      await browser.waitUntil(async () => (await composerText(browser)) === "Started by a link", {
        timeout: 10_000,
        timeoutMsg: "the start-up link did not prefill the composer",
      });
    } finally {
      await closeApp(browser);
    }
  });
});

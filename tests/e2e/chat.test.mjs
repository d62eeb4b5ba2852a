// The tracer bullet in the real window: a message goes out, the reply streams in,
// the usage line follows; a reload mid-stream picks the execution up; an empty message
// is refused before anything is sent.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { openApp, screenshot, send, texts, waitUntilReady } from "./app.mjs";

const PARAGRAPH_END = "Add a profile with your own Athena key to talk to real agents.";
const USAGE_LINE = /^[\d,]+ tokens \([\d,]+ in · [\d,]+ out\) · \$\d+\.\d{4} · \d+\.\d{2} s$/;

describe("chat on the demo workspace", () => {
  let browser;
  before(async () => {
    browser = await openApp();
  });
  after(async () => {
    await browser?.deleteSession();
  });

  it("streams the reply token by token, then shows usage and cost", async () => {
    const message = "Hello from the end-to-end suite";
    await send(browser, message);

    // The reply grows: catch it part-way, then complete.
    const reply = await browser.$('[data-testid="message-assistant"]');
    await reply.waitForExist({ timeout: 20_000 });
    let partial = "";
    await browser.waitUntil(
      async () => {
        partial = await reply.getText();
        return partial.length > 0;
      },
      { timeout: 20_000, interval: 20 },
    );
    const usage = await browser.$('[data-testid="usage-line"]');
    await usage.waitForDisplayed({ timeout: 30_000 });
    const full = await reply.getText();

    assert.ok(full.length > partial.length, `the reply did not grow: "${partial}" -> "${full}"`);
    assert.ok(full.startsWith(`You said: "${message}".`), full);
    assert.ok(full.endsWith(PARAGRAPH_END), full);
    assert.deepEqual(await texts(browser, "message-user"), [message]);
    assert.match(await usage.getText(), USAGE_LINE);
    assert.equal((await browser.$('[data-testid="composer"]').getValue()), "");
    assert.ok(existsSync(await screenshot(browser, "streamed-demo-reply")));
  });

  it("refuses an empty message with a visible reason and sends nothing", async () => {
    const before = (await texts(browser, "message-user")).length;
    await send(browser, "   ");
    const reason = await browser.$('[data-testid="composer-error"]');
    await reason.waitForDisplayed({ timeout: 5_000 });
    assert.match(await reason.getText(), /empty message/i);
    assert.equal((await texts(browser, "message-user")).length, before);
  });

  it("picks a running execution up after a reload mid-stream", async () => {
    const message = "Please keep streaming while I reload the page";
    const sent = (await texts(browser, "message-assistant")).length;
    await send(browser, message);

    // Reload once some, but not all, of the reply is on screen.
    await browser.waitUntil(
      async () => {
        const replies = await texts(browser, "message-assistant");
        const reply = replies[sent] ?? "";
        return reply.length > 0 && !reply.endsWith(PARAGRAPH_END);
      },
      { timeout: 20_000, interval: 10, timeoutMsg: "never saw the reply mid-stream" },
    );
    await browser.refresh();
    await waitUntilReady(browser);

    await browser.waitUntil(
      async () => (await texts(browser, "usage-line")).length === sent + 1,
      { timeout: 30_000, timeoutMsg: "the reply did not complete after the reload" },
    );
    const replies = await texts(browser, "message-assistant");
    const reply = replies[sent];
    assert.ok(reply.startsWith(`You said: "${message}".`), reply);
    assert.ok(reply.endsWith(PARAGRAPH_END), reply);
    assert.equal(reply.split("You said:").length, 2, `text repeated after reload: ${reply}`);
    assert.equal((await texts(browser, "message-user")).at(-1), message);
    await screenshot(browser, "reply-after-reload");
  });
});

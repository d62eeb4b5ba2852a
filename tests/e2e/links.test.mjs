// Links in an answer, in the real window: the webview's own context menu (whose "Open
// Link", "Open in New Window" and "Download Linked File" would skip the "Open link?"
// question) never shows on the chat; the app's menu does, and its "Open link…" goes
// through `open_link`: the native question names the site on a line of its own. One
// question at a time: a link clicked while it is open is refused, not stacked.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { closeApp, newDataDir, openApp, pickAgent, screenshot, send, texts } from "./app.mjs";
import { answerDialogs, dialogsShown, openedLinks } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

const GUIDE = "https://docs.example.co.uk/guide";
const OTHER = "https://example.org/other";

const AGENTS = [
  {
    id: "agent:e2e-links",
    name: "E2E links",
    description: "Answers with two links.",
    steps: [{ text: `Read [the guide](${GUIDE}) and then [the other page](${OTHER}).` }],
  },
];

/** Opens the app on its own data folder and gets the two links on screen. */
async function appWithLinks(emulator) {
  const dataDir = newDataDir();
  const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
  await pickAgent(browser, "agent:e2e-links");
  await send(browser, "Give me links");
  await browser.waitUntil(async () => (await texts(browser, "usage-line")).length >= 1, {
    timeout: 30_000,
    timeoutMsg: "the answer did not finish",
  });
  const links = await browser.$$('[data-testid="chat-link"]');
  assert.equal(links.length, 2, "the answer has two links");
  return { dataDir, browser, links };
}

describe("links in the chat", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator({ agents: AGENTS, tokenDelayMs: 2 });
  });
  after(async () => {
    await emulator?.stop();
  });

  it("a right-click shows the app's menu, not the webview's, and Open link… asks first", async () => {
    const { dataDir, browser, links } = await appWithLinks(emulator);
    try {
      // Added after the app's own listeners, bubbling on the window: it runs last and
      // sees whether anything turned the webview's menu off.
      await browser.execute(() => {
        window.__contextMenus = [];
        window.addEventListener("contextmenu", (event) => {
          window.__contextMenus.push({
            defaultPrevented: event.defaultPrevented,
            href: event.target.closest?.("a")?.getAttribute("href") ?? null,
          });
        });
      });
      await links[0].click({ button: "right" });
      await browser.waitUntil(async () => (await browser.execute(() => window.__contextMenus.length)) === 1, {
        timeout: 5_000,
        timeoutMsg: "no contextmenu event reached the page",
      });
      const [event] = await browser.execute(() => window.__contextMenus);
      assert.deepEqual(event, { defaultPrevented: true, href: GUIDE }, "the webview's own menu was turned off");

      const menu = await browser.$('[data-testid="context-menu"]');
      await menu.waitForDisplayed({ timeout: 5_000 });
      assert.equal(await menu.getAttribute("role"), "menu");
      assert.deepEqual(await texts(browser, "context-menu").then((t) => t[0].split("\n")), ["Copy link", "Open link…"]);
      await screenshot(browser, "links-context-menu");

      await answerDialogs(dataDir, { button: "Cancel" });
      await browser.$('[data-testid="context-menu-open-link"]').click();
      await browser.waitUntil(async () => (await dialogsShown(dataDir)).length === 1, {
        timeout: 10_000,
        timeoutMsg: "Open link… raised no dialog",
      });
      assert.equal(await menu.isExisting(), false, "the menu closed");

      const [dialog] = await dialogsShown(dataDir);
      assert.equal(dialog.title, "Open link?");
      assert.equal(dialog.answer, "Cancel");
      const lines = dialog.message.split("\n");
      assert.ok(lines.includes("example.co.uk"), `the site on a line of its own: ${dialog.message}`);
      assert.ok(lines.includes(GUIDE), `then the whole address: ${dialog.message}`);
      assert.ok(lines.indexOf("example.co.uk") < lines.indexOf(GUIDE));
      assert.deepEqual(await openedLinks(dataDir), [], "nothing opened on Cancel");
    } finally {
      await closeApp(browser);
    }
  });

  it("refuses a second link while the first one's question is open, and asks only once", async () => {
    const { dataDir, browser, links } = await appWithLinks(emulator);
    try {
      // No answer queued yet: the first question stays open until the test answers it.
      await links[0].click();
      await links[1].click();
      const refusal = await browser.$('[data-testid="link-error"]');
      await refusal.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the second link was not refused" });
      assert.equal(
        await refusal.getText(),
        "Another link is waiting for your answer. Answer that question first, then try this link again.",
      );
      assert.deepEqual(await dialogsShown(dataDir), [], "the first question is still open");

      await answerDialogs(dataDir, { button: "Cancel" });
      await browser.waitUntil(async () => (await dialogsShown(dataDir)).length === 1, { timeout: 10_000 });
      const shown = await dialogsShown(dataDir);
      assert.equal(shown.length, 1, "one dialog, never two stacked");
      assert.ok(shown[0].message.split("\n").includes(GUIDE), "the first link's question");
      assert.deepEqual(await openedLinks(dataDir), []);

      // Answered: the next link asks again.
      await answerDialogs(dataDir, { button: "Open in browser" });
      await links[1].click();
      await browser.waitUntil(async () => (await openedLinks(dataDir)).length === 1, { timeout: 10_000 });
      assert.deepEqual(await openedLinks(dataDir), [OTHER]);
      const last = (await dialogsShown(dataDir)).at(-1);
      assert.ok(last.message.split("\n").includes("example.org"));
    } finally {
      await closeApp(browser);
    }
  });
});

// Conversations at scale in the real window, against a standalone emulator: search
// finds a message in another conversation (and deep in an imported one) and opens it
// there, focused; rename and delete survive a restart; archive makes a chat read-only;
// export to JSON and import it back gives the same conversation; Markdown reads.
// The native save and open dialogs are answered through the test bench's seam.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { closeApp, newChat, newDataDir, openApp, screenshot, sendAndWait, sidebarTitles, texts } from "./app.mjs";
import { answerDialogs, dialogsShown } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

const NONCE = randomBytes(4).toString("hex");
/** A word no other message contains. */
const WORD = `quokka${NONCE}`;

const AGENTS = [
  { id: "agent:e2e-notes", name: "Notes", description: "Takes notes.", steps: [{ text: `Noted, ${NONCE}.` }] },
  { id: "agent:e2e-other", name: "Other", description: "Talks about other things.", steps: [{ text: "Something else." }] },
];

/** The sidebar row (li) of the conversation titled `title`, searched in both lists. */
async function rowId(browser, title) {
  const id = await browser.execute(
    (wanted) =>
      [...document.querySelectorAll('[data-testid="conversation-item"]')].find(
        (e) => e.querySelector('[data-testid="conversation-title"]').innerText.trim() === wanted,
      )?.dataset.conversationId ?? null,
    title,
  );
  if (!id) throw new Error(`no conversation titled ${title}: ${JSON.stringify(await sidebarTitles(browser))}`);
  return id;
}

/** Opens the "⋯" menu of a conversation and picks one of its items. */
async function menuPick(browser, title, testId, shot = null) {
  const id = await rowId(browser, title);
  await browser.$(`[data-testid="conversation-item"][data-conversation-id="${id}"]`).moveTo();
  await browser.$(`[data-testid="conversation-row"][data-conversation-id="${id}"] [data-testid="conversation-menu-button"]`).click();
  const menu = await browser.$('[data-testid="conversation-menu"]');
  await menu.waitForDisplayed({ timeout: 5_000 });
  if (shot) await screenshot(browser, shot);
  await menu.$(`[data-testid="${testId}"]`).click();
}

async function heading(browser) {
  return (await texts(browser, "conversation-heading"))[0] ?? "";
}

/** Waits until the open chat's header says `title`. */
async function waitHeading(browser, title, what = "the chat") {
  await browser.waitUntil(async () => (await heading(browser)) === title, {
    timeout: 10_000,
    timeoutMsg: `${what}: the header says ${JSON.stringify(await heading(browser))}, not ${JSON.stringify(title)}`,
  });
}

/** Types a query in the search box and waits for results from `conversationTitle`. */
async function searchFor(browser, query, conversationTitle) {
  const box = await browser.$("#conversation-search");
  await box.setValue(query);
  await browser.waitUntil(async () => (await texts(browser, "search-result")).some((t) => t.startsWith(conversationTitle)), {
    timeout: 10_000,
    timeoutMsg: `no result from "${conversationTitle}" for "${query}": ${JSON.stringify(await texts(browser, "search-result"))}`,
  });
}

/**
 * Waits until the chat shows the message `handle` marked focused and inside the chat's
 * visible area (the chat view marks it for a few seconds).
 */
async function waitFocusedAndVisible(browser, handle) {
  await browser.waitUntil(
    () =>
      browser.execute((h) => {
        const row = document.querySelector(`[data-testid="chat-scroll"] [data-handle="${h}"]`);
        const scroll = document.querySelector('[data-testid="chat-scroll"]');
        if (!row || !scroll || row.dataset.focused !== "true") return false;
        const r = row.getBoundingClientRect();
        const s = scroll.getBoundingClientRect();
        return r.bottom > s.top && r.top < s.bottom;
      }, handle),
    { timeout: 10_000, interval: 50, timeoutMsg: `the message ${handle} was not shown focused` },
  );
}

/** An export of a conversation of `count` messages, the `needle`th mentioning WORD. */
function longExport(count, needle) {
  const messages = Array.from({ length: count }, (_, i) => ({
    handle: `h${i}`,
    position: i + 1,
    sent_at_ms: 1_767_000_000_000 + i * 60_000,
    idempotency_key: `k${i}`,
    seq: 3,
    request: {
      workspace_id: "workspace:elsewhere",
      conversation_id: "c-old",
      agent_id: "agent:e2e-notes",
      message: i === needle ? `Where is the ${WORD} hiding?` : `Message number ${i}`,
    },
    execution_id: null,
    status: "completed",
    parts: [{ part: "text", text: `Answer number ${i}` }],
    usage: null,
    error: null,
    message_id: null,
    feedback: null,
  }));
  return {
    format: "athena-desktop.conversation",
    version: 1,
    exported_at_ms: 1_767_000_000_000,
    conversation: {
      id: "c-old",
      workspace_id: "workspace:elsewhere",
      agent_id: "agent:e2e-notes",
      agent_name: "Notes",
      title: `A long chat ${NONCE}`,
      server_conversation_id: null,
      local_only: false,
      archived: false,
      created_at_ms: 1_767_000_000_000,
      last_activity_ms: 1_767_000_000_000 + count * 60_000,
    },
    messages,
  };
}

describe("conversations at scale", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator({ agents: AGENTS, tokenDelayMs: 2 });
  });
  after(async () => {
    await emulator?.stop();
  });

  it("search finds a message in another conversation, and deep in a long one, and opens it there focused", async () => {
    const dataDir = newDataDir();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await newChat(browser, "agent:e2e-notes");
      await sendAndWait(browser, `Remember the ${WORD} in the garden`);
      await newChat(browser, "agent:e2e-other");
      await sendAndWait(browser, "Tell me about something else");
      await waitHeading(browser, "Tell me about something else");

      // A prefix of the word is enough.
      await searchFor(browser, WORD.slice(0, 9), "Remember the");
      assert.equal((await browser.$$('[data-testid="conversation-item"]')).length, 0, "results replace the lists");
      const marks = await browser.execute(() => [...document.querySelectorAll('[data-testid="search-result"] mark')].map((m) => m.textContent));
      assert.ok(marks.includes(WORD), `the match is highlighted: ${JSON.stringify(marks)}`);
      await screenshot(browser, "conversation-actions-search-results");
      const handle = await browser.$('[data-testid="search-result"][aria-selected="true"]').getAttribute("data-handle");
      await browser.keys("Enter");
      await browser.waitUntil(async () => (await heading(browser)) === `Remember the ${WORD} in the garden`, {
        timeout: 10_000,
        timeoutMsg: "the result's conversation did not open",
      });
      await waitFocusedAndVisible(browser, handle);
      assert.ok((await texts(browser, "message-user")).some((t) => t.includes(WORD)));

      // A long imported conversation: the message is 115 messages back, pages away.
      const file = path.join(dataDir, "long-export.json");
      writeFileSync(file, JSON.stringify(longExport(120, 4)));
      await answerDialogs(dataDir, { files: [file] });
      await browser.$('[data-testid="import-conversation"]').click();
      await browser.waitUntil(async () => (await heading(browser)) === `A long chat ${NONCE}`, {
        timeout: 10_000,
        timeoutMsg: `the import did not open: ${JSON.stringify(await texts(browser, "import-error"))}`,
      });
      await searchFor(browser, `${WORD} hiding`, `A long chat ${NONCE}`);
      assert.equal((await texts(browser, "search-result")).length, 1, "only the long chat's message has both words");
      const deep = await openFirstResultOf(browser, `A long chat ${NONCE}`);
      assert.equal(await deep.$('[data-testid="search-result-archived"]').isExisting(), true, "marked archived");
      const deepHandle = await deep.getAttribute("data-handle");
      await deep.click();
      await waitFocusedAndVisible(browser, deepHandle);
      assert.ok((await texts(browser, "message-user")).some((t) => t.includes(`Where is the ${WORD} hiding?`)));
      assert.equal(await browser.$('[data-testid="archived-bar"]').isExisting(), true, "an import is read-only");
      await screenshot(browser, "conversation-actions-deep-result");
    } finally {
      await closeApp(browser);
    }
  });

  it("rename and delete survive a restart; archive moves a chat to Archived, read-only", async () => {
    const dataDir = newDataDir();
    const args = ["--data-dir", dataDir, ...emulator.appArgs()];
    let browser = await openApp(args);
    try {
      await newChat(browser, "agent:e2e-notes");
      await sendAndWait(browser, "First chat");
      await newChat(browser, "agent:e2e-other");
      await sendAndWait(browser, "Second chat");

      await menuPick(browser, "Second chat", "menu-rename", "conversation-actions-menu");
      const input = await browser.$('[data-testid="rename-input"]');
      await input.waitForDisplayed({ timeout: 5_000 });
      // The field opens focused with the title selected: typing replaces it. (Not
      // setValue: WebDriver's clear leaves the field, and leaving it saves. Not
      // browser.keys either: under load WebKitWebDriver's key actions can drop a
      // keystroke; element send keys, as setValue uses everywhere, does not.)
      assert.equal(await input.getValue(), "Second chat");
      await input.addValue(`Renamed ${NONCE}`);
      const typed = await browser.execute(() => document.querySelector('[data-testid="rename-input"]')?.value ?? null);
      assert.equal(typed, `Renamed ${NONCE}`, "typed into the field");
      await browser.keys("Enter");
      await browser.waitUntil(async () => (await sidebarTitles(browser)).includes(`Renamed ${NONCE}`), {
        timeout: 10_000,
        timeoutMsg: `the new title is not in the sidebar: ${JSON.stringify(await sidebarTitles(browser))} ${JSON.stringify(await texts(browser, "rename-error"))}`,
      });
      await waitHeading(browser, `Renamed ${NONCE}`, "the open chat's header follows");

      // Delete asks first, naming the chat.
      await menuPick(browser, "First chat", "menu-delete");
      const dialog = await browser.$('[data-testid="confirm-delete"]');
      await dialog.waitForDisplayed({ timeout: 5_000 });
      assert.match(await dialog.getText(), /“First chat” and all its messages will be deleted from this computer\. This can't be undone\./);
      await screenshot(browser, "conversation-actions-confirm-delete");
      await browser.$('[data-testid="confirm-delete-button"]').click();
      await browser.waitUntil(async () => !(await sidebarTitles(browser)).includes("First chat"), { timeout: 10_000 });
      assert.equal(await dialog.isExisting(), false);

      // Archive: into Archived, and read-only there.
      await menuPick(browser, `Renamed ${NONCE}`, "menu-archive");
      await browser.waitUntil(async () => !(await sidebarTitles(browser)).includes(`Renamed ${NONCE}`), { timeout: 10_000 });
      await browser.$('[data-testid="archived-toggle"]').click();
      await browser.waitUntil(async () => (await texts(browser, "archived-list"))[0]?.includes(`Renamed ${NONCE}`), { timeout: 10_000 });
      await browser.$(`[data-testid="archived-list"] [data-testid="conversation-item"]`).click();
      await browser.$('[data-testid="archived-bar"]').waitForDisplayed({ timeout: 10_000 });
      assert.equal(await browser.$('[data-testid="composer"]').isExisting(), false, "no composer in an archived chat");
      await screenshot(browser, "conversation-actions-archived");
    } finally {
      await closeApp(browser);
    }

    browser = await openApp(args);
    try {
      await browser.$('[data-testid="archived-toggle"]').click();
      await browser.waitUntil(async () => (await texts(browser, "archived-list"))[0]?.includes(`Renamed ${NONCE}`), {
        timeout: 10_000,
        timeoutMsg: "the renamed, archived chat came back with its title",
      });
      const all = await texts(browser, "conversation-title");
      assert.ok(!all.includes("First chat"), `the deleted chat stays gone: ${JSON.stringify(all)}`);
      await browser.$("#conversation-search").setValue("First");
      await browser.waitUntil(async () => (await texts(browser, "search-empty")).length === 1, {
        timeout: 10_000,
        timeoutMsg: "search still finds the deleted chat",
      });
    } finally {
      await closeApp(browser);
    }
  });

  it("exports to JSON and imports it back field by field; Markdown is readable", async () => {
    const dataDir = newDataDir();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await newChat(browser, "agent:e2e-notes");
      await sendAndWait(browser, `Plan the ${WORD} trip`);
      await sendAndWait(browser, "Pack an umbrella");
      const title = `Plan the ${WORD} trip`;

      const original = path.join(dataDir, "original.json");
      await answerDialogs(dataDir, { save: original });
      await menuPick(browser, title, "menu-export-json");
      await browser.waitUntil(async () => (await texts(browser, "conversation-action-done"))[0] === "Saved as original.json.", {
        timeout: 10_000,
        timeoutMsg: `no "saved" note: ${JSON.stringify(await texts(browser, "conversation-action-error"))}`,
      });
      const save = (await dialogsShown(dataDir)).find((d) => d.kind === "save");
      assert.equal(save.suggestedName, `${title}.json`);
      const userTexts = await texts(browser, "message-user");
      const answerTexts = await texts(browser, "message-assistant");

      await answerDialogs(dataDir, { files: [original] });
      await browser.$('[data-testid="import-conversation"]').click();
      await browser.waitUntil(async () => (await texts(browser, "import-done"))[0]?.startsWith("Imported"), { timeout: 10_000 });
      await browser.$('[data-testid="archived-bar"]').waitForDisplayed({ timeout: 10_000 });
      await waitHeading(browser, title, "the imported chat");
      assert.deepEqual(await texts(browser, "message-user"), userTexts, "the imported chat shows the same messages");
      assert.deepEqual(await texts(browser, "message-assistant"), answerTexts);

      // Both exports, field by field.
      const copy = path.join(dataDir, "copy.json");
      await answerDialogs(dataDir, { save: copy });
      const archivedId = await browser.execute(
        () => document.querySelector('[data-testid="archived-list"] [data-testid="conversation-item"]')?.dataset.conversationId,
      );
      await browser.$(`[data-testid="conversation-item"][data-conversation-id="${archivedId}"]`).moveTo();
      await browser.$(`[data-testid="conversation-row"][data-conversation-id="${archivedId}"] [data-testid="conversation-menu-button"]`).click();
      await browser.$('[data-testid="conversation-menu"] [data-testid="menu-export-json"]').click();
      await browser.waitUntil(() => existsSync(copy), { timeout: 10_000, timeoutMsg: "the import's export was not written" });
      const a = JSON.parse(readFileSync(original, "utf8"));
      const b = JSON.parse(readFileSync(copy, "utf8"));
      for (const field of ["agent_id", "agent_name", "title", "local_only", "created_at_ms", "last_activity_ms"]) {
        assert.deepEqual(b.conversation[field], a.conversation[field], `conversation.${field}`);
      }
      assert.notEqual(b.conversation.id, a.conversation.id, "a new conversation");
      assert.equal(b.conversation.archived, true);
      assert.equal(b.conversation.server_conversation_id, null);
      assert.equal(b.messages.length, 2);
      b.messages.forEach((m, i) => {
        const o = a.messages[i];
        for (const field of ["sent_at_ms", "idempotency_key", "seq", "execution_id", "status", "parts", "usage", "error", "message_id", "feedback"]) {
          assert.deepEqual(m[field], o[field], `messages[${i}].${field}`);
        }
        assert.deepEqual({ ...m.request, conversation_id: null }, { ...o.request, conversation_id: null }, `messages[${i}].request`);
        assert.equal(m.request.conversation_id, b.conversation.id);
        assert.notEqual(m.handle, o.handle);
      });
      // Positions number the store's messages: new ones, in the same order.
      assert.ok(b.messages[0].position < b.messages[1].position);

      // Markdown: a readable file with the title and the messages.
      const markdown = path.join(dataDir, "trip.md");
      await answerDialogs(dataDir, { save: markdown });
      await menuPick(browser, title, "menu-export-markdown");
      await browser.waitUntil(() => existsSync(markdown), { timeout: 10_000, timeoutMsg: "the Markdown was not written" });
      const text = readFileSync(markdown, "utf8");
      assert.ok(text.includes(title), "the title");
      assert.ok(text.includes("Pack an umbrella"), "the user's message");
      assert.ok(text.includes(`Noted, ${NONCE}.`), "the answer");
      assert.ok(!/<script|<div|<span/i.test(text), "no raw HTML");
    } finally {
      await closeApp(browser);
    }
  });
});

/** The search result from `title`. */
async function openFirstResultOf(browser, title) {
  const handle = await browser.execute(
    (wanted) =>
      [...document.querySelectorAll('[data-testid="search-result"]')].find((r) => r.innerText.trim().startsWith(wanted))?.dataset
        .handle ?? null,
    title,
  );
  if (!handle) throw new Error(`no result from ${title}: ${JSON.stringify(await texts(browser, "search-result"))}`);
  return browser.$(`[data-testid="search-result"][data-handle="${handle}"]`);
}

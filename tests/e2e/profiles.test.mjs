// Real workspaces in the real window, against a standalone emulator with its own key:
// add a profile (its key into the keychain of the test bench's Secret Service), add
// and check agents, send and see the credits left follow, a wrong key's 401, the
// wizard's form and its exact cost, switching profiles, a restart that reads the key
// back from the keychain, and the key found nowhere it must not be.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { closeApp, newChat, newDataDir, openApp, screenshot, sendAndWait, sidebarTitles, texts } from "./app.mjs";
import { answerDialogs } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

const AGENTS = [{ id: "agent:e2e-hello", name: "Hello", description: "A short answer.", steps: [{ text: "Hello from the team workspace" }] }];

const $ = (browser, id) => browser.$(`[data-testid="${id}"]`);

async function openSettings(browser) {
  await (await $(browser, "open-settings")).click();
  await (await $(browser, "profile-list")).waitForDisplayed({ timeout: 10_000 });
}

async function closeSettings(browser) {
  await browser.keys("Escape");
  await (await $(browser, "profile-list")).waitForDisplayed({ reverse: true, timeout: 10_000 });
}

/** The profile item (in the open settings) whose text includes `name`. */
async function profileItem(browser, name) {
  await browser.waitUntil(
    async () => (await texts(browser, "profile-item")).some((t) => t.includes(name)),
    { timeout: 10_000, timeoutMsg: `no workspace named ${name}: ${await texts(browser, "profile-item")}` },
  );
  const items = await browser.$$('[data-testid="profile-item"]');
  for (const item of items) if ((await item.getText()).includes(name)) return item;
  throw new Error(`no workspace ${name}`);
}

async function fill(browser, id, value) {
  const input = await $(browser, id);
  await input.waitForDisplayed({ timeout: 10_000 });
  await input.clearValue();
  if (value) await input.setValue(value);
}

async function addProfile(browser, { name, url, workspaceId, key }) {
  await (await $(browser, "add-profile")).click();
  await fill(browser, "profile-name", name);
  await fill(browser, "profile-base-url", url);
  await fill(browser, "profile-workspace-id", workspaceId);
  await fill(browser, "profile-api-key", key);
  await (await $(browser, "save-profile")).click();
  await profileItem(browser, name);
}

/** Makes the workspace named `name` the active one through the header's picker. */
async function selectWorkspace(browser, name) {
  const picker = await $(browser, "workspace-picker");
  await picker.waitForDisplayed({ timeout: 10_000 });
  await picker.selectByVisibleText(name === "Demo workspace" ? "Demo workspace (demo)" : name);
  await browser.waitUntil(async () => (await (await $(browser, "status-workspace")).getText()).includes(name), {
    timeout: 10_000,
    timeoutMsg: `the status bar never named ${name}`,
  });
}

async function addAgent(browser, id, name) {
  await (await $(browser, "add-agent")).click();
  await fill(browser, "agent-id", id);
  await fill(browser, "agent-name", name);
  await (await $(browser, "save-agent")).click();
}

async function creditsLeft(browser) {
  const el = await $(browser, "credits-left");
  if (!(await el.isExisting())) return null;
  return Number((await el.getText()).replace(/[^0-9]/g, ""));
}

async function waitForCredits(browser, predicate, message) {
  let last = null;
  await browser.waitUntil(
    async () => {
      last = await creditsLeft(browser);
      return last !== null && predicate(last);
    },
    { timeout: 20_000, interval: 100, timeoutMsg: `${message} (last seen: ${last})` },
  );
  return last;
}

/** Every file below `dir`. */
function filesBelow(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesBelow(full);
    return [full];
  });
}

describe("real workspaces", () => {
  let emulator;
  let key;
  before(async () => {
    emulator = await startEmulator({ agents: AGENTS, workspaceId: "workspace:team" });
    key = readFileSync(emulator.keyFile, "utf8").trim();
  });
  after(async () => {
    await emulator?.stop();
  });

  it("adds a workspace and its agents, sends, follows credits, runs the wizard at its previewed cost, survives a restart, and leaks the key nowhere", async () => {
    const dataDir = newDataDir();
    let browser = await openApp(["--data-dir", dataDir]);
    try {
      await openSettings(browser);
      await addProfile(browser, { name: "Team", url: emulator.url, workspaceId: "workspace:team", key });
      const team = await profileItem(browser, "Team");
      const keyShown = await team.getText();
      assert.ok(!keyShown.includes(key), "the key itself is never shown");
      assert.match(keyShown, new RegExp(`…${key.slice(-4)}`), "the key's last four characters are shown");
      assert.equal(await (await $(browser, "profile-form")).isExisting(), false, "the form closed after saving");
      await screenshot(browser, "profiles-workspaces");
      await closeSettings(browser);
      await selectWorkspace(browser, "Team");

      // An agent is checked before it is added; the preview's headers give the credits.
      await openSettings(browser);
      await addAgent(browser, "agent:e2e-hello", "Hello");
      await (await $(browser, "agent-added")).waitForDisplayed({ timeout: 15_000 });
      await addAgent(browser, "agent:no-such-agent", "Nobody");
      const check = await $(browser, "agent-check-result");
      await check.waitForDisplayed({ timeout: 15_000 });
      assert.match(await check.getText(), /no agent with this id/);
      await screenshot(browser, "profiles-settings");

      // The emulator's own agents file brings the wizard with its typed variables.
      await answerDialogs(dataDir, { files: [emulator.agentsFile] });
      await (await $(browser, "import-agents")).click();
      await browser.waitUntil(async () => (await texts(browser, "agent-item")).some((t) => t.includes("Outline wizard")), {
        timeout: 15_000,
        timeoutMsg: "the imported wizard is not listed",
      });
      await closeSettings(browser);

      const before = await waitForCredits(browser, () => true, "no credits shown after the agent check");
      await newChat(browser, "agent:e2e-hello");
      await sendAndWait(browser, "hello team");
      assert.match((await texts(browser, "message-assistant")).join("\n"), /Hello from the team workspace/);
      const afterHello = await waitForCredits(browser, (c) => c < before, "the credits left did not go down after the run");

      // The wizard: required fields checked before sending, the cost previewed with its
      // rules, and the run charged exactly that.
      await newChat(browser, "agent:wizard");
      const form = await $(browser, "wizard-form");
      await form.waitForDisplayed({ timeout: 10_000 });
      await (await $(browser, "send")).click();
      await (await $(browser, "problem-topic")).waitForDisplayed({ timeout: 5_000 });
      await fill(browser, "variable-topic", "Quarterly planning");
      await fill(browser, "variable-sections", "4");
      const rush = await $(browser, "variable-rush");
      if (!(await rush.isSelected())) await rush.click();
      await (await $(browser, "preview-cost")).click();
      const preview = await $(browser, "cost-preview");
      await preview.waitForDisplayed({ timeout: 10_000 });
      assert.match(await (await $(browser, "cost-total")).getText(), /\b11\b/);
      const rules = await texts(browser, "cost-rule");
      assert.equal(rules.length, 2, `two rules apply: ${rules}`);
      assert.ok(rules.some((r) => r.includes("per_section") && /\b4\b/.test(r)), `per section: ${rules}`);
      assert.ok(rules.some((r) => r.includes("rush") && /\b5\b/.test(r)), `rush: ${rules}`);
      await screenshot(browser, "profiles-wizard-preview");
      const beforeWizard = await creditsLeft(browser);
      assert.equal(beforeWizard, afterHello);
      await (await $(browser, "send")).click();
      await browser.waitUntil(async () => (await texts(browser, "message-assistant")).join("\n").includes("Section 4 of Quarterly planning"), {
        timeout: 30_000,
        timeoutMsg: "the wizard's outline did not arrive",
      });
      const outline = (await texts(browser, "message-assistant")).join("\n");
      assert.match(outline, /Outline: Quarterly planning/);
      assert.ok(!outline.includes("Section 5 of"), `four sections, as asked: ${outline}`);
      await waitForCredits(browser, (c) => c === beforeWizard - 11, `the wizard run did not cost exactly the preview's 11 credits (before: ${beforeWizard})`);
      await screenshot(browser, "profiles-status-bar");

      // Each workspace has its own conversations.
      const teamChats = await sidebarTitles(browser);
      assert.ok(teamChats.length >= 2, `the team's chats: ${teamChats}`);
      await selectWorkspace(browser, "Demo workspace");
      const demoChats = await sidebarTitles(browser);
      assert.ok(!demoChats.some((t) => teamChats.includes(t)), `the demo shows none of the team's chats: ${demoChats}`);
      await selectWorkspace(browser, "Team");
      assert.deepEqual(await sidebarTitles(browser), teamChats);

      // Export the agents: the file has the definitions and never the key.
      const exported = path.join(dataDir, "exported-agents.json");
      await openSettings(browser);
      await answerDialogs(dataDir, { save: exported });
      await (await $(browser, "export-agents")).click();
      // The file appears before its last byte is written: wait for the whole of it.
      await browser.waitUntil(() => existsSync(exported) && /\]\s*\}\s*$/.test(readFileSync(exported, "utf8")), {
        timeout: 10_000,
        interval: 50,
        timeoutMsg: "the export was not written in full",
      });
      assert.match(readFileSync(exported, "utf8"), /agent:wizard/);
      await closeSettings(browser);

      // What the page can get back never holds the key.
      const returned = await browser.execute(async () => {
        const invoke = window.__TAURI_INTERNALS__.invoke;
        return JSON.stringify([await invoke("list_profiles"), await invoke("workspace_overview"), document.documentElement.outerHTML]);
      });
      assert.ok(!returned.includes(key), "a command or the page holds the key");
    } finally {
      await closeApp(browser);
    }

    // The key survives a restart through the keychain, and works.
    browser = await openApp(["--data-dir", dataDir]);
    try {
      await openSettings(browser);
      const team = await profileItem(browser, "Team");
      assert.match(await team.getText(), /keychain/i);
      await closeSettings(browser);
      await selectWorkspace(browser, "Team");
      await newChat(browser, "agent:e2e-hello");
      await sendAndWait(browser, "hello again");
      assert.match((await texts(browser, "message-assistant")).join("\n"), /Hello from the team workspace/);
    } finally {
      await closeApp(browser);
    }

    // Nowhere on disk: logs, settings, the history database and its WAL, the export.
    for (const file of filesBelow(dataDir)) {
      if (file.endsWith(".sock")) continue;
      assert.ok(!readFileSync(file).includes(key), `the key is in ${file}`);
    }
  });

  it("shows a wrong key's 401 in plain words and breaks nothing else", async () => {
    const browser = await openApp();
    try {
      await openSettings(browser);
      await addProfile(browser, { name: "Wrong key", url: emulator.url, workspaceId: "workspace:team", key: "eak_not_the_right_key" });
      await closeSettings(browser);
      await selectWorkspace(browser, "Wrong key");
      await openSettings(browser);
      await addAgent(browser, "agent:e2e-hello", "Hello");
      const check = await $(browser, "agent-check-result");
      await check.waitForDisplayed({ timeout: 15_000 });
      assert.match(await check.getText(), /refused the key \(HTTP 401\)/);
      await screenshot(browser, "profiles-wrong-key");
      await closeSettings(browser);
      // The demo still works.
      await selectWorkspace(browser, "Demo workspace");
      await newChat(browser, "agent:demo-chat");
      await sendAndWait(browser, "still fine?");
      assert.ok((await texts(browser, "message-assistant")).join("").length > 0);
    } finally {
      await closeApp(browser);
    }
  });
});

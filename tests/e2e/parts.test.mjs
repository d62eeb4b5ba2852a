// Every event on screen, in the real window, against the demo workspace's agents:
// markdown (table, code with a working copy button, formulas), reasoning that opens then
// collapses, a workflow's steps and tool card, media jobs that finish, a structured
// card, Stop, the Inspect view, and axe-core on a chat with every part kind.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { closeApp, openApp, openConversationByTitle, pickAgent, screenshot, send, sendAndWait, texts } from "./app.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** The last exchange's assistant element. */
/** The visible text of each element, in order (wdio's array map is asynchronous). */
async function textsOf(browser, elements) {
  const out = [];
  for (const element of elements) out.push(await browser.execute((el) => el.textContent, element));
  return out;
}

async function lastAnswer(browser) {
  const answers = await browser.$$('[data-testid="message-assistant"]');
  return answers[answers.length - 1];
}

describe("every part kind on screen", () => {
  let browser;
  before(async () => {
    browser = await openApp();
  });
  after(async () => {
    await closeApp(browser);
  });

  it("renders the Markdown writer's table, code block and formulas, with reasoning that opens then collapses", async () => {
    await pickAgent(browser, "agent:markdown");
    // Reasoning streams for a fraction of a second: watch for it open from inside the page.
    await browser.execute(() => {
      window.__sawReasoningOpen = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="reasoning-toggle"][aria-expanded="true"]')) window.__sawReasoningOpen = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-expanded"] });
    });
    await sendAndWait(browser, "streaming answers");
    assert.equal(await browser.execute(() => window.__sawReasoningOpen), true, "the reasoning block was open while it streamed");
    const toggle = await browser.$('[data-testid="part-reasoning"] [data-testid="reasoning-toggle"]');
    assert.equal(await toggle.getAttribute("aria-expanded"), "false", "reasoning collapses once done");
    assert.match(await toggle.getText(), /Thought for/);

    const answer = await lastAnswer(browser);
    const headers = await answer.$$("table th");
    assert.deepEqual(await textsOf(browser, headers), ["mode", "latency", "best for"]);
    assert.equal((await answer.$$("table tbody tr")).length, 3);
    assert.equal(await answer.$("h2").getText(), "Overview");
    assert.ok((await answer.$$(".katex").length) >= 2, "inline and display math are typeset");
    assert.ok(await answer.$(".katex-display").isExisting(), "display math");
    const raw = await answer.getText();
    assert.ok(!raw.includes("|---|") && !raw.includes("```") && !raw.includes("$$"), `no raw markdown: ${raw}`);

    const code = await answer.$('[data-testid="md-code"]');
    assert.match(await code.getText(), /fn cost\(input: u64, output: u64\) -> u64/);
    await code.$("button").click();
    await browser.waitUntil(async () => /Copied/.test(await code.$("button").getText()), { timeout: 5_000 });
    const clipboard = execFileSync("xclip", ["-o", "-selection", "clipboard"], { env: process.env, encoding: "utf8" });
    assert.equal(clipboard.trim(), "fn cost(input: u64, output: u64) -> u64 {\n    3 * input + 15 * output\n}");
    await screenshot(browser, "parts-markdown");
  });

  it("shows the Research workflow's three steps and its web_search tool card", async () => {
    await pickAgent(browser, "agent:workflow");
    await sendAndWait(browser, "How do Athena workflows stream?");
    const answer = await lastAnswer(browser);
    const steps = await answer.$$('[data-testid="workflow-step"]');
    assert.equal(steps.length, 3);
    for (const step of steps) assert.equal(await step.getAttribute("data-state"), "done");
    const labels = (await textsOf(browser, steps)).join("\n");
    for (const label of ["Plan the research", "Search the web", "Write the answer"]) assert.match(labels, new RegExp(label));
    const tool = await answer.$('[data-testid="part-server-tool"]');
    assert.equal(await tool.getAttribute("data-state"), "done");
    assert.equal(await tool.$('[data-testid="tool-name"]').getText(), "web_search");
    const expand = await tool.$("button[aria-expanded]");
    await expand.click();
    assert.equal(await expand.getAttribute("aria-expanded"), "true");
    assert.match(await tool.getText(), /Athena docs: streaming/);
    await screenshot(browser, "parts-workflow");
  });

  it("shows the Text analyser's structured result as a card", async () => {
    await pickAgent(browser, "agent:structured");
    await sendAndWait(browser, "I love this great app, thanks");
    const card = await (await lastAnswer(browser)).$('[data-testid="part-structured"]');
    const table = await card.$('[data-testid="structured-table"]');
    assert.match(await table.getText(), /sentiment/);
    assert.match(await table.getText(), /positive/);
    await card.$('[data-testid="structured-raw-toggle"]').click();
    assert.match(await card.$("pre").getText(), /"sentiment": "positive"/);
    await screenshot(browser, "parts-structured");
  });

  it("stops a running answer and says the server may still finish it", async () => {
    await pickAgent(browser, "agent:demo-chat");
    await send(browser, "Please write slowly so I can stop you");
    const stop = await browser.$('[data-testid="stop-button"]');
    await stop.waitForDisplayed({ timeout: 10_000 });
    await browser.waitUntil(async () => ((await (await lastAnswer(browser)).getText()) ?? "").length > 10, {
      timeout: 10_000,
      interval: 20,
    });
    await stop.click();
    await browser.waitUntil(async () => (await texts(browser, "execution-notice")).some((t) => /stopped this answer/i.test(t)), {
      timeout: 10_000,
      timeoutMsg: "no stopped notice",
    });
    const partial = await (await lastAnswer(browser)).getText();
    assert.ok(!partial.endsWith("to talk to real agents."), "the answer was cut short");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await (await lastAnswer(browser)).getText(), partial, "nothing arrives after Stop");
    assert.equal(await browser.$('[data-testid="stop-button"]').isExisting(), false);
  });

  it("lists the raw events in the Inspect view", async () => {
    // Each agent got its own chat: back to the workflow's.
    await openConversationByTitle(browser, "How do Athena workflows stream?");
    const buttons = await browser.$$('[data-testid="inspect-button"]');
    await buttons[0].click(); // the workflow's answer
    const view = await browser.$('[data-testid="inspect-view"]');
    await view.waitForDisplayed({ timeout: 5_000 });
    await browser.waitUntil(async () => (await view.$$('[data-testid="inspect-event"]')).length > 5, { timeout: 5_000 });
    const rows = await view.$$('[data-testid="inspect-event"]');
    const first = await rows[0].getText();
    assert.match(first, /start/);
    const all = (await view.getText());
    for (const type of ["node_start", "tool_call", "tool_result", "node_complete", "final"]) assert.match(all, new RegExp(type));
    await screenshot(browser, "parts-inspect");
    await browser.keys("Escape");
    await browser.waitUntil(async () => !(await view.isDisplayed().catch(() => false)), { timeout: 5_000 });
  });

  it("shows the Media maker's two jobs generating, then ready", async () => {
    await pickAgent(browser, "agent:media");
    await send(browser, "a lighthouse at dusk");
    await browser.waitUntil(async () => (await browser.$$('[data-testid="part-media-job"][data-state="generating"]')).length === 2, {
      timeout: 10_000,
      timeoutMsg: "two generating jobs",
    });
    await screenshot(browser, "parts-media-generating");
    await browser.waitUntil(async () => (await browser.$$('[data-testid="part-media-job"][data-state="ready"]')).length === 2, {
      timeout: 60_000,
      timeoutMsg: "both jobs ready",
    });
    const jobs = await (await lastAnswer(browser)).$$('[data-testid="part-media-job"]');
    assert.equal(jobs.length, 2);
    for (const job of jobs) assert.equal(await job.getAttribute("data-state"), "ready");
    const words = (await textsOf(browser, jobs)).join("\n");
    await screenshot(browser, "parts-media-ready");
    assert.match(words, /Image ready/);
    assert.match(words, /Video ready/);
  });

  it("has no serious or critical accessibility violation with every part kind on screen (axe-core)", async () => {
    // Open a collapsible of each kind so their contents are checked too.
    for (const toggle of await browser.$$('[data-testid="part-reasoning"] [data-testid="reasoning-toggle"]')) await toggle.click();
    await browser.execute(AXE);
    const result = await browser.executeAsync((done) => {
      window.axe
        .run(document, { resultTypes: ["violations"] })
        .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: v.nodes[0]?.target }))))
        .catch((e) => done([{ id: "axe-failed", impact: "critical", help: String(e) }]));
    });
    const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
    // Opening the toggles scrolled the chat up: the screenshot shows its end.
    await browser.execute(() => {
      const chat = document.querySelector(".chat-scroll");
      chat.scrollTop = chat.scrollHeight;
    });
    await screenshot(browser, "parts-all-kinds");
    assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
  });
});

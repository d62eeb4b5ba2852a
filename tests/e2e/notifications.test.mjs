// OS notifications in the real window: a small recording org.freedesktop.Notifications
// service (notification_server.py) owns the name on the suite's private session bus.
// With the app's window focused (xdotool gives it the X input focus; there is no window
// manager) an answer notifies nothing; with another X window focused (xmessage) an
// answer and a failure each notify once, with the app's name, a plain title and a
// markup-escaped body. A click (the server's ActionInvoked "default") brings the
// conversation it belongs to back on screen. Turned off in Settings, nothing notifies.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { closeApp, newChat, newDataDir, openApp, screenshot, send, sidebarTitles } from "./app.mjs";
import { appPid } from "./control.mjs";
import { run } from "./desktop.mjs";
import { startEmulator } from "./emulator.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

const ANSWER = 'Done: <b>bold</b> & "quoted" <img src=x>';
const FAILURE = "The model <crashed> & burned";
const AGENTS = [
  { id: "agent:e2e-answers", name: "Answers <Bot>", description: "Answers at once.", steps: [{ text: `${ANSWER}\n\nSecond line.` }] },
  { id: "agent:e2e-fails", name: "Fails", description: "Fails at once.", steps: [], end: { error: { code: "model_error", message: FAILURE } } },
];

/** Starts the recording server on the suite's bus; resolves once it owns the name. */
async function startRecorder() {
  const child = spawn("/usr/bin/python3", [path.join(here, "notification_server.py")], { stdio: ["pipe", "pipe", "inherit"] });
  const events = [];
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => events.push(JSON.parse(line)));
  const deadline = Date.now() + 10_000;
  while (!events.some((e) => e.event === "ready")) {
    if (child.exitCode !== null) throw new Error(`the notification server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("the notification server did not start");
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    notified: () => events.filter((e) => e.event === "notify"),
    click: (id) => child.stdin.write(`invoke ${id} default\n`),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await exited;
    },
  };
}

/** The app's top-level X window. */
async function appWindow(pid) {
  const found = await run("xdotool", ["search", "--all", "--onlyvisible", "--pid", String(pid), "--name", "^Athena Desktop$"]);
  const ids = found.stdout.split("\n").filter(Boolean);
  assert.equal(ids.length, 1, `one visible app window (${found.stdout}${found.stderr})`);
  return ids[0];
}

/** The X window that has the input focus now. */
async function focusedWindow() {
  return (await run("xdotool", ["getwindowfocus"])).stdout.trim();
}

describe("notifications", () => {
  let emulator;
  let recorder;
  let elsewhere;
  before(async () => {
    emulator = await startEmulator({ agents: AGENTS, tokenDelayMs: 2 });
    recorder = await startRecorder();
  });
  after(async () => {
    elsewhere?.kill("SIGTERM");
    await recorder?.stop();
    await emulator?.stop();
  });

  it("notify once per answer or failure while the window is not focused, escaped; a click opens the conversation; off in Settings, nothing", async () => {
    const dataDir = newDataDir();
    const browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      const app = await appWindow(await appPid(dataDir));

      // Another window, then the app's, takes the focus: the app hears that it has it
      // again, and an answer notifies nothing.
      elsewhere = spawn("xmessage", ["-geometry", "+900+650", "elsewhere"], { stdio: "ignore" });
      const other = (await run("xdotool", ["search", "--sync", "--name", "^xmessage$"])).stdout.trim().split("\n")[0];
      await run("xdotool", ["windowfocus", "--sync", other]);
      await run("xdotool", ["windowfocus", "--sync", app]);
      assert.equal(await focusedWindow(), String(app));
      await newChat(browser, "agent:e2e-answers");
      await send(browser, "Focused question");
      await browser.$('[data-testid="usage-line"]').waitForDisplayed({ timeout: 20_000 });

      // The other window takes the focus: the app hears that it lost it.
      await run("xdotool", ["windowfocus", "--sync", other]);
      assert.equal(await focusedWindow(), other);

      await newChat(browser, "agent:e2e-answers");
      await send(browser, "Unfocused question");
      await browser.waitUntil(async () => recorder.notified().length >= 1, {
        timeout: 20_000,
        timeoutMsg: "no notification for the answer",
      });
      await newChat(browser, "agent:e2e-fails");
      await send(browser, "Please fail");
      await browser.waitUntil(async () => recorder.notified().length >= 2, {
        timeout: 20_000,
        timeoutMsg: `no notification for the failure: ${JSON.stringify(recorder.notified())}`,
      });

      const [answered, failed] = recorder.notified();
      assert.equal(recorder.notified().length, 2, `one per execution, none while focused: ${JSON.stringify(recorder.notified())}`);
      assert.equal(answered.appName, "athena-desktop");
      assert.equal(answered.summary, "Answers ‹Bot› answered");
      assert.equal(answered.body, "Done: &lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\" &lt;img src=x&gt;");
      assert.equal(failed.appName, "athena-desktop");
      assert.equal(failed.summary, "Fails could not answer");
      assert.equal(failed.body, "The execution failed: The model &lt;crashed&gt; &amp; burned");
      // The click is reported: the plugin offers the "default" action.
      assert.ok(answered.actions.includes("default"), JSON.stringify(answered.actions));

      // A click on the answer's notification opens its conversation (the failed one is
      // open now) and gives the window the focus back.
      const current = () =>
        browser.execute(() => document.querySelector('[data-testid="conversation-item"][aria-current="true"] [data-testid="conversation-title"]')?.innerText.trim() ?? null);
      assert.equal(await current(), "Please fail", `open before the click: ${JSON.stringify(await sidebarTitles(browser))}`);
      recorder.click(answered.id);
      await browser.waitUntil(async () => (await current()) === "Unfocused question", {
        timeout: 10_000,
        timeoutMsg: `the click did not open the conversation: ${await current()}`,
      });
      await browser.waitUntil(async () => (await focusedWindow()) === String(app), {
        timeout: 5_000,
        timeoutMsg: "the click did not give the window the focus",
      });
      await screenshot(browser, "notification-click-opened-conversation");

      // Turned off in Settings: an answer while unfocused notifies nothing. Turned on
      // again, the next one does, and it is the only one since.
      const setNotifications = async (on) => {
        await browser.$('[data-testid="open-settings"]').click();
        const box = await browser.$('[data-testid="notifications-enabled"]');
        await box.waitForEnabled({ timeout: 10_000 });
        await box.scrollIntoView();
        // A click WebKitWebDriver finds "not interactable" (the dialog still settling on
        // a loaded machine) is lost: click again until the box shows the state, saved.
        await browser.waitUntil(
          async () => {
            if ((await box.isEnabled()) && (await box.isSelected()) !== on) await box.click().catch(() => {});
            return (await box.isSelected()) === on && (await box.isEnabled());
          },
          { timeout: 15_000, interval: 1_000, timeoutMsg: `the setting did not become ${on}` },
        );
        if (!on) await screenshot(browser, "notifications-setting-off");
        await browser.keys("Escape");
        await box.waitForExist({ reverse: true, timeout: 5_000 });
      };
      await setNotifications(false);
      await run("xdotool", ["windowfocus", "--sync", other]);
      await newChat(browser, "agent:e2e-answers");
      await send(browser, "Question while notifications are off");
      await browser.$('[data-testid="usage-line"]').waitForDisplayed({ timeout: 20_000 });
      await setNotifications(true);
      await run("xdotool", ["windowfocus", "--sync", other]);
      await newChat(browser, "agent:e2e-fails");
      await send(browser, "Fail again");
      await browser.waitUntil(async () => recorder.notified().length >= 3, {
        timeout: 20_000,
        timeoutMsg: "no notification once turned on again",
      });
      const since = recorder.notified().slice(2);
      assert.deepEqual(
        since.map((n) => n.summary),
        ["Fails could not answer"],
        `nothing while off: ${JSON.stringify(since)}`,
      );
    } finally {
      await closeApp(browser);
    }
  });
});

// The window opens where it was left: moved and resized on the virtual display (xdotool;
// there is no window manager to drag it), saved when it changes, quit with Ctrl+Q, and
// restarted on the same data folder, where X says it sits (xwininfo).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { closeApp, newDataDir, openApp } from "./app.mjs";
import { appPid } from "./control.mjs";
import { run } from "./desktop.mjs";

/** The app's top-level X window: the visible one of its process named like the app. */
async function appWindow(pid) {
  const found = await run("xdotool", ["search", "--all", "--onlyvisible", "--pid", String(pid), "--name", "^Athena Desktop$"]);
  const ids = found.stdout.split("\n").filter(Boolean);
  assert.equal(ids.length, 1, `one visible app window (${found.stdout}${found.stderr})`);
  return ids[0];
}

/** Where X says the window is: { x, y, width, height }. */
async function geometry(id) {
  const { stdout } = await run("xwininfo", ["-id", id]);
  const read = (label) => Number(new RegExp(`${label}:\\s+(-?\\d+)`).exec(stdout)?.[1]);
  return { x: read("Absolute upper-left X"), y: read("Absolute upper-left Y"), width: read("Width"), height: read("Height") };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("window size and position", () => {
  it("are saved when changed and on Ctrl+Q, and restored at the next start", async () => {
    const dataDir = newDataDir();
    const stateFile = path.join(dataDir, "data", "window-state.json");
    const wanted = { x: 140, y: 90, width: 900, height: 640 };
    let browser = await openApp(["--data-dir", dataDir]);
    let pid;
    try {
      pid = await appPid(dataDir);
      const id = await appWindow(pid);
      const before = await geometry(id);
      assert.notDeepEqual(before, wanted, "the window starts elsewhere");

      await run("xdotool", ["windowmove", "--sync", id, String(wanted.x), String(wanted.y)]);
      await run("xdotool", ["windowsize", "--sync", id, String(wanted.width), String(wanted.height)]);
      assert.deepEqual(await geometry(id), wanted, "xdotool moved and resized the window");

      // Saved once the window keeps still, before any quit: a crash now would keep it.
      await browser.waitUntil(
        () => {
          if (!existsSync(stateFile)) return false;
          const main = JSON.parse(readFileSync(stateFile, "utf8")).main;
          return main?.x === wanted.x && main?.y === wanted.y && main?.width === wanted.width;
        },
        { timeout: 10_000, timeoutMsg: `the state was not saved on change: ${existsSync(stateFile) && readFileSync(stateFile, "utf8")}` },
      );

      // Moved again and quit at once with Ctrl+Q (before the settle delay of the save on
      // change has passed): the restart must find the position at quit.
      const moved = { x: 60, y: 40 };
      await run("xdotool", ["windowmove", "--sync", id, String(moved.x), String(moved.y)]);
      wanted.x = moved.x;
      wanted.y = moved.y;
      await run("xdotool", ["windowfocus", "--sync", id]);
      await run("xdotool", ["key", "--clearmodifiers", "ctrl+q"]);
      await browser.waitUntil(() => !alive(pid), { timeout: 10_000, timeoutMsg: "Ctrl+Q did not quit the app" });
      const saved = JSON.parse(readFileSync(stateFile, "utf8")).main;
      assert.deepEqual([saved.x, saved.y, saved.width, saved.height], [wanted.x, wanted.y, wanted.width, wanted.height]);
    } finally {
      await closeApp(browser);
    }

    browser = await openApp(["--data-dir", dataDir]);
    try {
      const id = await appWindow(await appPid(dataDir));
      assert.deepEqual(await geometry(id), wanted, "the window opened where it was left");
    } finally {
      await closeApp(browser);
    }
  });
});

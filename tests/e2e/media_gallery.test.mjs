// Generated media in the real window, against a standalone emulator's Media maker: jobs
// keep running while the user is in another chat and finish into their message; the
// image and the video render from the app's own loopback media server (never the
// emulator's address), the video plays, "Save as" (answered by the scripted dialog)
// writes a file identical to the served one, "Copy image" puts a PNG on the Xvfb
// display's clipboard, and both survive an app restart with the emulator gone.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { closeApp, newChat, newDataDir, openApp, openConversationByTitle, screenshot, send, showTheme, texts } from "./app.mjs";
import { answerDialogs, dialogsShown } from "./control.mjs";
import { startEmulator } from "./emulator.mjs";

const PROMPT = "a lighthouse at dusk";

/** Waits until the image has decoded from the media server and the video has its metadata. */
async function waitForMedia(browser, what) {
  await browser.waitUntil(
    async () =>
      browser.execute(() => {
        const img = document.querySelector('[data-testid="media-image"]');
        const video = document.querySelector('[data-testid="media-video"]');
        return Boolean(img?.complete && img.naturalWidth === 320 && video && video.readyState >= 1);
      }),
    {
      timeout: 60_000,
      interval: 200,
      timeoutMsg: `${what}: the image and video did not render: ${JSON.stringify(await texts(browser, "part-media-job"))}`,
    },
  );
}

/** Plays the inline video (muted) and resolves with how it went. */
async function play(browser) {
  return browser.execute(async () => {
    const video = document.querySelector('[data-testid="media-video"]');
    video.muted = true;
    const advanced = new Promise((resolve) =>
      video.addEventListener("timeupdate", () => video.currentTime > 0.2 && resolve("played")),
    );
    const failed = new Promise((resolve) => video.addEventListener("error", () => resolve(`error ${video.error?.code}`)));
    const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), 15_000));
    try {
      await video.play();
    } catch (e) {
      return { outcome: `play() refused: ${e}` };
    }
    const outcome = await Promise.race([advanced, failed, timeout]);
    video.pause();
    return { outcome, currentTime: video.currentTime, width: video.videoWidth, src: video.currentSrc };
  });
}

/** The `src` of the rendered image and video. */
async function sources(browser) {
  return browser.execute(() => ({
    image: document.querySelector('[data-testid="media-image"]')?.getAttribute("src"),
    video: document.querySelector('[data-testid="media-video"]')?.getAttribute("src"),
  }));
}

/** Every URL the page fetched a resource from. */
async function loadedUrls(browser) {
  return browser.execute(() => performance.getEntriesByType("resource").map((e) => e.name));
}

describe("generated media", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator?.stop();
  });

  it("renders, plays, saves and copies the Media maker's files, and keeps them across a restart", async () => {
    const dataDir = newDataDir();
    let browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await newChat(browser, "agent:media");
      await send(browser, PROMPT);
      // While the jobs generate (20 s on the emulator), the user goes to another chat:
      // the jobs keep running and finish into their message.
      await browser.waitUntil(async () => (await texts(browser, "part-media-job")).length === 2, {
        timeout: 30_000,
        timeoutMsg: "the placeholder cards did not show",
      });
      assert.equal(await browser.$('[data-testid="media-image"]').isExisting(), false, "still generating when left");
      await newChat(browser);
      assert.deepEqual(await texts(browser, "part-media-job"), [], "another chat is showing");
      await openConversationByTitle(browser, PROMPT);
      await waitForMedia(browser, "after switching back");
      const served = await sources(browser);
      for (const src of [served.image, served.video]) {
        assert.match(src, /^http:\/\/127\.0\.0\.1:\d+\/m\/[0-9a-f]{64}\/[0-9a-f]{32}\.(png|webm)$/, src);
      }
      const urls = await loadedUrls(browser);
      assert.equal(urls.filter((u) => u.startsWith(emulator.url)).length, 0, `the page loaded from the server: ${urls}`);
      const played = await play(browser);
      assert.equal(played.outcome, "played", JSON.stringify(played));
      assert.equal(played.width, 320);
      await browser.execute(() => document.querySelector('[data-testid="media-image"]').scrollIntoView({ block: "start" }));
      await screenshot(browser, "media-gallery");
      // The same cards in the dark theme (set on the page only: the look, not the setting).
      await showTheme(browser, "dark");
      await screenshot(browser, "media-gallery-dark");
      await showTheme(browser, "light");

      // A wrong secret is not served.
      const wrong = served.image.replace(/\/m\/[0-9a-f]{8}/, "/m/00000000");
      assert.equal((await fetch(wrong)).status, 404);

      // Save as: the scripted dialog answers; the file is the served one, byte for byte.
      const target = path.join(dataDir, "saved-image.png");
      await answerDialogs(dataDir, { save: target });
      await browser.$('[data-testid="media-save-as"]').click();
      await browser.waitUntil(async () => (await texts(browser, "media-action-note")).includes("Saved as saved-image.png"), {
        timeout: 10_000,
        timeoutMsg: `no "saved" note: ${JSON.stringify(await texts(browser, "media-action-note"))}`,
      });
      assert.ok(existsSync(target));
      const bytes = Buffer.from(await (await fetch(served.image)).arrayBuffer());
      assert.ok(readFileSync(target).equals(bytes), "the saved file is the served one");
      const original = Buffer.from(await (await fetch(`${emulator.url}/media/demo-image.png`)).arrayBuffer());
      assert.ok(bytes.equals(original), "the served file is the emulator's image");
      const save = (await dialogsShown(dataDir)).find((d) => d.kind === "save");
      assert.equal(save.suggestedName, "generated-image.png");

      // Copy image: a PNG of the same size on the X clipboard.
      await browser.$('[data-testid="media-copy-image"]').click();
      await browser.waitUntil(async () => (await texts(browser, "media-action-note")).includes("Image copied"), {
        timeout: 10_000,
        timeoutMsg: `no "copied" note: ${JSON.stringify(await texts(browser, "media-action-note"))}`,
      });
      const targets = execFileSync("xclip", ["-selection", "clipboard", "-t", "TARGETS", "-o"], { timeout: 10_000 }).toString();
      assert.match(targets, /image\/png/, targets);
      const png = execFileSync("xclip", ["-selection", "clipboard", "-t", "image/png", "-o"], { timeout: 10_000 });
      assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), "a PNG");
      assert.equal(png.readUInt32BE(16), 320, "width");
      assert.equal(png.readUInt32BE(20), 240, "height");

      // Open full size.
      await browser.$('[data-testid="media-open-full"]').click();
      const modal = await browser.$('[data-testid="media-full"]');
      await modal.waitForDisplayed({ timeout: 5_000 });
      await screenshot(browser, "media-full-size");
      await browser.keys("Escape");
      await modal.waitForExist({ reverse: true, timeout: 5_000 });
    } finally {
      await closeApp(browser);
    }

    // The next start, with the emulator gone: the files come from disk.
    await emulator.stop();
    browser = await openApp(["--data-dir", dataDir, ...emulator.appArgs()]);
    try {
      await openConversationByTitle(browser, PROMPT);
      await waitForMedia(browser, "after the restart");
      const again = await sources(browser);
      assert.match(again.image, /^http:\/\/127\.0\.0\.1:\d+\/m\//);
      const played = await play(browser);
      assert.equal(played.outcome, "played", JSON.stringify(played));
      assert.equal((await texts(browser, "media-failure")).length, 0);
      await screenshot(browser, "media-gallery-after-restart");
    } finally {
      await closeApp(browser);
    }
  });
});

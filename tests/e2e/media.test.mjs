// Generated video plays in the app's WebKitGTK under Xvfb: the emulator's committed
// WebM clip (VP9), handed to the page as a blob: URL (the CSP allows media from the
// app and blob: only), decodes and advances.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApp } from "./app.mjs";

const clip = readFileSync(
  fileURLToPath(new URL("../../crates/athena-emulator/assets/demo-clip.webm", import.meta.url)),
);

describe("video in the window", () => {
  let browser;
  before(async () => {
    browser = await openApp();
  });
  after(async () => {
    await browser?.deleteSession();
  });

  it("plays the demo WebM clip from a blob: URL", async () => {
    const result = await browser.execute(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const video = document.createElement("video");
      video.muted = true;
      video.src = URL.createObjectURL(new Blob([bytes], { type: "video/webm" }));
      document.body.append(video);
      const error = new Promise((resolve) => video.addEventListener("error", () => resolve(`error ${video.error?.code}`)));
      const advanced = new Promise((resolve) => {
        video.addEventListener("timeupdate", () => {
          if (video.currentTime > 0.2) resolve("played");
        });
      });
      const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), 15_000));
      try {
        await video.play();
      } catch (e) {
        return { outcome: `play() refused: ${e}` };
      }
      const outcome = await Promise.race([advanced, error, timeout]);
      return { outcome, width: video.videoWidth, height: video.videoHeight, canPlay: video.canPlayType('video/webm; codecs="vp9"') };
    }, clip.toString("base64"));
    assert.equal(result.outcome, "played", JSON.stringify(result));
    assert.equal(result.width, 320);
    assert.equal(result.height, 240);
  });
});

import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MediaFileView } from "../../../bindings";
import { MediaJobPart } from "../MediaJobPart";
import { media, mediaReady } from "../samples";
import { MediaApiContext, MessageHandleContext, type MediaApi } from "./api";
import { mergeFile } from "./useMediaFiles";

afterEach(cleanup);

const URL = "http://127.0.0.1:4321/m/secret/0123456789abcdef0123456789abcdef.png";

function file(local: MediaFileView["local"], index = 0): MediaFileView {
  return { handle: "h1", jobId: "job_1", index, local };
}

const downloaded = file({ state: "downloaded", url: URL, contentType: "image/png", sizeBytes: 1234 });

/** A fake backend: answers `mediaFiles` with `files`, and lets the test emit changes. */
function fakeApi(files: MediaFileView[]) {
  let listener: ((f: MediaFileView) => void) | null = null;
  const api: MediaApi = {
    mediaFiles: vi.fn(async () => ({ status: "ok" as const, data: files })),
    retryMediaDownload: vi.fn(async () => ({ status: "ok" as const, data: null })),
    saveMediaAs: vi.fn(async () => ({ status: "ok" as const, data: { saved: true, fileName: "lighthouse.png" } })),
    copyMediaImage: vi.fn(async () => ({ status: "ok" as const, data: null })),
    onMediaFileChanged: vi.fn(async (l: (f: MediaFileView) => void) => {
      listener = l;
      return () => {
        listener = null;
      };
    }),
  };
  return { api, emit: (f: MediaFileView) => listener?.(f), listening: () => listener !== null };
}

function show(api: MediaApi, part = mediaReady, handle: string | null = "h1") {
  return render(
    <MediaApiContext.Provider value={api}>
      <MessageHandleContext.Provider value={handle}>
        <MediaJobPart part={part} running={false} />
      </MessageHandleContext.Provider>
    </MediaApiContext.Provider>,
  );
}

describe("MediaGallery", () => {
  it("shows a downloaded image from the app's loopback URL, never the server's", async () => {
    const { api } = fakeApi([downloaded]);
    const { container } = show(api);
    const img = await screen.findByTestId("media-image");
    expect(img.getAttribute("src")).toBe(URL);
    expect(img.getAttribute("alt")).toBe("Generated image: a lighthouse");
    expect(container.innerHTML).not.toContain(mediaReady.media[0]!.url);
    expect(api.mediaFiles).toHaveBeenCalledWith("h1", "job_1");
  });

  it("plays a video inline with controls and offers no Copy image for it", async () => {
    const video = file({ state: "downloaded", url: URL.replace(".png", ".webm"), contentType: "video/webm", sizeBytes: 9 });
    const { api } = fakeApi([video]);
    show(api, { ...mediaReady, mediaKind: "video" });
    const el = (await screen.findByTestId("media-video")) as HTMLVideoElement;
    expect(el.controls).toBe(true);
    expect(screen.queryByTestId("media-copy-image")).toBeNull();
    expect(screen.getByTestId("media-save-as")).toBeTruthy();
  });

  it("asks nothing while the job generates, or outside a message", () => {
    const { api } = fakeApi([downloaded]);
    show(api, media);
    cleanup();
    show(api, mediaReady, null);
    expect(api.mediaFiles).not.toHaveBeenCalled();
    expect(screen.queryByTestId("media-gallery")).toBeNull();
  });

  it("follows a pending file to downloaded through the change event", async () => {
    const fake = fakeApi([file({ state: "pending" })]);
    show(fake.api);
    await screen.findByTestId("media-downloading");
    await waitFor(() => expect(fake.listening()).toBe(true));
    act(() => fake.emit(downloaded));
    expect((await screen.findByTestId("media-image")).getAttribute("src")).toBe(URL);
    // Another message's change is not this one's.
    act(() => fake.emit({ ...file({ state: "pending" }), handle: "other" }));
    expect(screen.getByTestId("media-image")).toBeTruthy();
  });

  it("says why a download failed and retries it", async () => {
    const fake = fakeApi([file({ state: "failed", failure: { code: "status", status: 403 } })]);
    show(fake.api);
    const failure = await screen.findByTestId("media-failure");
    expect(failure.textContent).toContain("no longer offers this file (HTTP 403)");
    fireEvent.click(screen.getByTestId("media-retry"));
    await waitFor(() => expect(fake.api.retryMediaDownload).toHaveBeenCalledWith("h1", "job_1", 0));
  });

  it("names each kind of failure", async () => {
    const failures: MediaFileView[] = [
      file({ state: "failed", failure: { code: "tooLarge", limitBytes: 512 * 1024 * 1024 } }, 0),
      file({ state: "failed", failure: { code: "wrongContentType", expected: "image/png", served: "text/html" } }, 1),
      file({ state: "failed", failure: { code: "redirectRefused", location: "http://evil.example/x" } }, 2),
      file({ state: "failed", failure: { code: "insecureUrl" } }, 3),
    ];
    show(fakeApi(failures).api);
    await waitFor(() => expect(screen.getAllByTestId("media-failure")).toHaveLength(4));
    const texts = screen.getAllByTestId("media-failure").map((e) => e.textContent);
    expect(texts[0]).toContain("512 MiB");
    expect(texts[1]).toContain("text/html instead of image/png");
    expect(texts[2]).toContain("http://evil.example/x");
    expect(texts[3]).toContain("only https");
  });

  it("saves as, copies the image and opens it full size", async () => {
    const fake = fakeApi([downloaded]);
    show(fake.api);
    fireEvent.click(await screen.findByTestId("media-save-as"));
    await waitFor(() => expect(screen.getByTestId("media-action-note").textContent).toBe("Saved as lighthouse.png"));
    expect(fake.api.saveMediaAs).toHaveBeenCalledWith("h1", "job_1", 0);
    fireEvent.click(screen.getByTestId("media-copy-image"));
    await waitFor(() => expect(screen.getByTestId("media-action-note").textContent).toBe("Image copied"));
    fireEvent.click(screen.getByTestId("media-open-full"));
    const dialog = await screen.findByTestId("media-full");
    expect(dialog.querySelector("img")?.getAttribute("src")).toBe(URL);
  });

  it("shows a failed copy as a problem", async () => {
    const fake = fakeApi([downloaded]);
    fake.api.copyMediaImage = vi.fn(async () => ({
      status: "error" as const,
      error: { code: "clipboardFailed" as const, reason: "no display" },
    }));
    show(fake.api);
    fireEvent.click(await screen.findByTestId("media-copy-image"));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("no display"));
  });
});

describe("mergeFile", () => {
  it("replaces a file by its index and keeps the order", () => {
    const a = file({ state: "pending" }, 0);
    const b = file({ state: "pending" }, 1);
    expect(mergeFile([a, b], { ...b, local: downloaded.local }).map((f) => f.local.state)).toEqual([
      "pending",
      "downloaded",
    ]);
    expect(mergeFile([b], a).map((f) => f.index)).toEqual([0, 1]);
  });
});

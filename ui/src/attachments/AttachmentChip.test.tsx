import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AttachmentState } from "./api";
import { AttachmentChip } from "./AttachmentChip";
import { staged } from "./testFakes";

afterEach(cleanup);

function chip(state: AttachmentState, more = {}) {
  const handlers = { onCancel: vi.fn(), onRetry: vi.fn(), onRemove: vi.fn() };
  render(
    <ul>
      <AttachmentChip attachment={staged("a", state, more)} {...handlers} />
    </ul>,
  );
  return handlers;
}

const buttons = () => screen.queryAllByRole("button").map((b) => b.textContent);

describe("an attachment chip", () => {
  it("shows a labelled progress bar while uploading, and Cancel cancels", () => {
    const h = chip({ kind: "uploading", sent: 768, total: 2048 }, { filename: "photo.png" });
    const bar = screen.getByRole("progressbar", { name: "Uploading photo.png" });
    expect(bar.getAttribute("aria-valuenow")).toBe("37");
    expect(bar.getAttribute("aria-valuemin")).toBe("0");
    expect(bar.getAttribute("aria-valuemax")).toBe("100");
    expect(screen.getByTestId("attachment-status").textContent).toBe("Uploading… 37%");
    expect(buttons()).toEqual(["Cancel", "Remove"]);
    fireEvent.click(screen.getByRole("button", { name: "Cancel uploading photo.png" }));
    expect(h.onCancel).toHaveBeenCalledWith("a");
  });

  it("offers Retry after a failed upload, with the error in words", () => {
    const h = chip({ kind: "failed", error: { code: "unreachable" } });
    expect(screen.queryByRole("progressbar")).toBeNull();
    expect(screen.getByRole("alert").textContent).toMatch(/^Upload failed: .*reach/i);
    expect(buttons()).toEqual(["Retry", "Remove"]);
    fireEvent.click(screen.getByRole("button", { name: "Upload a.png again" }));
    expect(h.onRetry).toHaveBeenCalledWith("a");
  });

  it("says why a file was refused and offers only Remove", () => {
    const h = chip(
      { kind: "refused", reason: { code: "tooLarge", limit: 52_428_800, actual: 53_477_376 } },
      { filename: "huge.pdf", contentType: null, size: 53_477_376 },
    );
    expect(screen.getByRole("alert").textContent).toBe("Can't be attached: too large: 51 MiB, the limit is 50 MiB");
    expect(screen.getByText("51 MiB")).toBeTruthy();
    expect(buttons()).toEqual(["Remove"]);
    fireEvent.click(screen.getByRole("button", { name: "Remove huge.pdf" }));
    expect(h.onRemove).toHaveBeenCalledWith("a");
    cleanup();
    chip({ kind: "refused", reason: { code: "unsupportedType", extension: "exe" } }, { filename: "setup.exe", size: 0 });
    expect(document.querySelector(".attachment-meta")).toBeNull();
    expect(screen.getByRole("alert").textContent).toBe("Can't be attached: not a supported type (.exe)");
  });

  it("shows the backend's thumbnail for an image and a document icon otherwise", () => {
    chip({ kind: "uploaded" }, { thumbnail: "data:image/png;base64,AAAA" });
    expect(screen.getByTestId("attachment-thumb").getAttribute("src")).toBe("data:image/png;base64,AAAA");
    expect(screen.getByTestId("attachment-status").textContent).toBe("Ready");
    cleanup();
    chip({ kind: "uploaded" }, { filename: "notes.md", contentType: "text/markdown", size: 300 });
    expect(screen.queryByTestId("attachment-thumb")).toBeNull();
    expect(screen.getByRole("img", { name: "Document" })).toBeTruthy();
    expect(screen.getByText("Markdown · 300 bytes")).toBeTruthy();
  });
});

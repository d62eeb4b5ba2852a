import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SentAttachment } from "./api";
import { AttachmentViewsContext, SentAttachments, type AttachmentViews } from "./SentAttachments";

afterEach(cleanup);

const photo: SentAttachment = { id: "s1", filename: "photo.png", contentType: "image/png", size: 4096, isImage: true };
const report: SentAttachment = { id: "s2", filename: "report.pdf", contentType: "application/pdf", size: 1_572_864, isImage: false };

function setup(views: AttachmentViews | null) {
  render(
    <AttachmentViewsContext.Provider value={views}>
      <button type="button">before</button>
      <SentAttachments attachments={[photo, report]} />
    </AttachmentViewsContext.Provider>,
  );
}

function fakeViews(): AttachmentViews & { fullView: ReturnType<typeof vi.fn>; thumbnail: ReturnType<typeof vi.fn> } {
  return {
    fullView: vi.fn(async () => ({ status: "ok" as const, data: "data:image/png;base64,FULL" })),
    thumbnail: vi.fn(async (id: string) => ({ status: "ok" as const, data: id === "s1" ? "data:image/png;base64,THUMB" : null })),
  };
}

describe("a sent message's attachments", () => {
  it("show an image's thumbnail and a document's icon, name, type and size", async () => {
    const views = fakeViews();
    setup(views);
    await act(async () => undefined);
    expect(views.thumbnail).toHaveBeenCalledWith("s1");
    expect(views.thumbnail).not.toHaveBeenCalledWith("s2");
    expect(screen.getByTestId("sent-attachment-thumb").getAttribute("src")).toBe("data:image/png;base64,THUMB");
    expect(screen.getAllByTestId("sent-attachment-name").map((e) => e.textContent)).toEqual(["photo.png", "report.pdf"]);
    expect(screen.getByText("PDF · 1.5 MiB")).toBeTruthy();
    // Only the image opens.
    expect(screen.getAllByRole("button").map((b) => b.getAttribute("aria-label") ?? b.textContent)).toEqual([
      "before",
      "Show photo.png full size",
    ]);
  });

  it("open an image full size in a dialog that Escape closes, the focus going back", async () => {
    const views = fakeViews();
    setup(views);
    await act(async () => undefined);
    const open = screen.getByRole("button", { name: "Show photo.png full size" });
    open.focus();
    await act(async () => fireEvent.click(open));
    const dialog = screen.getByRole("dialog", { name: "photo.png" });
    expect(views.fullView).toHaveBeenCalledWith("s1");
    expect((screen.getByTestId("attachment-full-image") as HTMLImageElement).src).toBe("data:image/png;base64,FULL");
    expect(dialog.contains(document.activeElement)).toBe(true);
    await act(async () => fireEvent.keyDown(document, { key: "Escape" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(open);
  });

  it("say so when the full-size image can't be made", async () => {
    const views = fakeViews();
    views.fullView.mockResolvedValue({ status: "error", error: { code: "internal" } });
    setup(views);
    await act(async () => undefined);
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Show photo.png full size" })));
    expect(screen.getByRole("alert").textContent).toMatch(/^The image couldn't be shown: /);
  });

  it("without the backend's views, show every attachment as a chip that does not open", () => {
    setup(null);
    expect(screen.getAllByTestId("sent-attachment").every((e) => e.tagName === "DIV")).toBe(true);
  });
});

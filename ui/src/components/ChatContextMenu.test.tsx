import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppError } from "../bindings";
import type { Result } from "../result";
import { ChatContextMenu, keepsNativeMenu } from "./ChatContextMenu";
import { Markdown } from "./markdown";
import { OpenLinkContext, type OpenLink } from "./openLink";

afterEach(() => {
  cleanup();
  window.getSelection()?.removeAllRanges();
});

function clipboard() {
  const writeText = vi.fn(async (_text: string) => undefined);
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  return writeText;
}

function opens(result: Result<boolean, AppError> = { status: "ok", data: false }) {
  return vi.fn<OpenLink>(async () => result);
}

/** The chat with one answer that has a link, the composer, and a sidebar outside it. */
function renderChat(openLink: OpenLink = opens()) {
  render(
    <div>
      <nav data-testid="sidebar">
        <button type="button">New chat</button>
      </nav>
      <OpenLinkContext.Provider value={openLink}>
        <ChatContextMenu>
          <section data-testid="chat">
            <Markdown streaming={false} source="Read [the docs](https://docs.example.co.uk/guide) first." />
            <textarea data-testid="composer" defaultValue="draft" />
          </section>
        </ChatContextMenu>
      </OpenLinkContext.Provider>
    </div>,
  );
  return { link: screen.getByRole("link"), openLink };
}

/** Right-clicks `element`; true when the webview's own menu would have shown. */
function rightClick(element: Element, at = { clientX: 40, clientY: 60 }): boolean {
  return fireEvent.contextMenu(element, at);
}

function items(): string[] {
  return screen.getAllByRole("menuitem").map((item) => item.textContent ?? "");
}

describe("the chat's context menu", () => {
  it("replaces the webview's menu on a link: Copy link and Open link…", () => {
    const { link } = renderChat();
    expect(rightClick(link)).toBe(false);
    const menu = screen.getByRole("menu");
    expect(menu.dataset.testid).toBe("context-menu");
    expect(items()).toEqual(["Copy link", "Open link…"]);
    expect(screen.getByTestId("context-menu-copy-link")).toBe(document.activeElement);
    expect(menu.style.left).toBe("40px");
    expect(menu.style.top).toBe("60px");
  });

  it("opens the link through open_link (and so its question), then gives focus back", async () => {
    const { link, openLink } = renderChat();
    link.focus();
    rightClick(link);
    fireEvent.click(screen.getByTestId("context-menu-open-link"));
    expect(openLink).toHaveBeenCalledWith("https://docs.example.co.uk/guide");
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(link);
    await act(async () => undefined);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says why a link was not opened, such as another link waiting for an answer", async () => {
    const { link } = renderChat(
      opens({ status: "error", error: { code: "linkRefused", reason: "busy", scheme: null } }),
    );
    rightClick(link);
    fireEvent.click(screen.getByTestId("context-menu-open-link"));
    await waitFor(() =>
      expect(screen.getByTestId("context-menu-error").textContent).toBe(
        "Another link is waiting for your answer. Answer that question first, then try this link again.",
      ),
    );
    expect(screen.getByTestId("context-menu-error").getAttribute("role")).toBe("alert");
  });

  it("copies the link's address", async () => {
    const writeText = clipboard();
    const { link } = renderChat();
    rightClick(link);
    fireEvent.click(screen.getByTestId("context-menu-copy-link"));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith("https://docs.example.co.uk/guide"));
  });

  it("copies the selection, and offers Copy alone off a link", async () => {
    const writeText = clipboard();
    renderChat();
    const paragraph = screen.getByText(/first\./);
    const range = document.createRange();
    range.selectNodeContents(paragraph);
    window.getSelection()?.addRange(range);
    rightClick(paragraph);
    expect(items()).toEqual(["Copy"]);
    fireEvent.click(screen.getByTestId("context-menu-copy"));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith("Read the docs (docs.example.co.uk) first."));
  });

  it("shows nothing, not even the webview's menu, where it offers nothing", () => {
    renderChat();
    expect(rightClick(screen.getByText(/first\./))).toBe(false);
    expect(screen.queryByRole("menu")).toBeNull();
    expect(rightClick(screen.getByTestId("sidebar"))).toBe(false);
    expect(screen.queryByRole("menu")).toBeNull();
  });

  it("keeps the webview's menu in text fields, where the user pastes", () => {
    renderChat();
    expect(rightClick(screen.getByTestId("composer"))).toBe(true);
    expect(screen.queryByRole("menu")).toBeNull();
    expect(keepsNativeMenu(screen.getByTestId("composer"))).toBe(true);
    expect(keepsNativeMenu(screen.getByRole("link"))).toBe(false);
  });

  it("moves with the arrow keys, Home and End, and closes with Escape, giving focus back", () => {
    const { link } = renderChat();
    link.focus();
    rightClick(link);
    const [copyLink, openLink] = screen.getAllByRole("menuitem");
    expect(document.activeElement).toBe(copyLink);
    const menu = screen.getByRole("menu");
    fireEvent.keyDown(menu, { key: "ArrowDown" });
    expect(document.activeElement).toBe(openLink);
    fireEvent.keyDown(menu, { key: "ArrowDown" });
    expect(document.activeElement).toBe(copyLink);
    fireEvent.keyDown(menu, { key: "ArrowUp" });
    expect(document.activeElement).toBe(openLink);
    fireEvent.keyDown(menu, { key: "Home" });
    expect(document.activeElement).toBe(copyLink);
    fireEvent.keyDown(menu, { key: "End" });
    expect(document.activeElement).toBe(openLink);
    fireEvent.keyDown(menu, { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(link);
  });

  it("opens from the keyboard under the focused link, and closes on a click elsewhere", () => {
    const { link } = renderChat();
    link.focus();
    // Shift+F10 or the Menu key: a contextmenu event without a pointer position.
    expect(rightClick(link, { clientX: 0, clientY: 0 })).toBe(false);
    expect(screen.getByRole("menu")).toBeTruthy();
    fireEvent.mouseDown(screen.getByTestId("sidebar"));
    expect(screen.queryByRole("menu")).toBeNull();
  });

  it("turns the webview's menu off only while the chat is shown", () => {
    const { unmount } = render(
      <ChatContextMenu>
        <p>chat</p>
      </ChatContextMenu>,
    );
    expect(rightClick(document.body)).toBe(false);
    unmount();
    expect(rightClick(document.body)).toBe(true);
  });
});

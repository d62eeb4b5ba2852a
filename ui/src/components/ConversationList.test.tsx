import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { conversation } from "../testFixtures";
import { PAGE_SIZE, conversationChanged, emptyConversations, forWorkspace, pageLoaded } from "../store/conversations";
import { ConversationList } from "./ConversationList";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

function listed(rows = [conversation("c1", { title: "Lisbon", lastActivityMs: NOW - 120_000 }), conversation("c2", { title: "", lastActivityMs: NOW - 86_400_000 * 40 })], limit = PAGE_SIZE) {
  return pageLoaded(forWorkspace(emptyConversations, "demo"), "demo", false, rows, limit);
}

function renderList(state = listed(), streaming = new Map<string, boolean>()) {
  const props = { onSelect: vi.fn(), onNewChat: vi.fn(), onLoad: vi.fn() };
  const view = render(<ConversationList conversations={state} selectedId="c1" streaming={streaming} nowMs={NOW} {...props} />);
  return { ...props, view };
}

afterEach(cleanup);

describe("ConversationList", () => {
  it("lists titles (New chat when untitled), agents and relative times; the selected one is current", () => {
    const { onSelect } = renderList();
    const items = screen.getAllByTestId("conversation-item");
    expect(items.map((i) => i.querySelector('[data-testid="conversation-title"]')!.textContent)).toEqual(["Lisbon", "New chat"]);
    expect(items[0]!.textContent).toContain("Helper · 2 min ago");
    expect(items[1]!.textContent).toContain("Dec 6, 2025");
    expect(items[0]!.getAttribute("aria-current")).toBe("true");
    expect(items[1]!.hasAttribute("aria-current")).toBe(false);
    expect(items[0]!.tagName).toBe("BUTTON");
    fireEvent.click(items[1]!);
    expect(onSelect).toHaveBeenCalledWith("c2");
  });

  it("shows a running indicator named 'answering' from the executions, else from the listing", () => {
    const state = listed([conversation("c1", { running: true }), conversation("c2", { running: true }), conversation("c3")]);
    renderList(state, new Map([["c1", false], ["c3", true]]));
    const running = screen.getAllByTestId("conversation-item").map((i) => [i.dataset.conversationId, i.dataset.running]);
    // c1: its known executions have ended; c2: none known, the listing says running.
    expect(running).toEqual([
      ["c3", "true"],
      ["c2", "true"],
      ["c1", "false"],
    ]);
    expect(screen.getAllByRole("img", { name: "answering" })).toHaveLength(2);
  });

  it("offers More while pages remain, and asks for the next one", () => {
    const rows = Array.from({ length: 3 }, (_, i) => conversation(`c${i}`));
    const { onLoad } = renderList(listed(rows, 3));
    fireEvent.click(screen.getByTestId("conversations-more"));
    expect(onLoad).toHaveBeenCalledWith(false, true);
    cleanup();
    renderList(listed(rows, 50));
    expect(screen.queryByTestId("conversations-more")).toBeNull();
  });

  it("loads Archived when it is first opened and lists archived conversations there", () => {
    const state = conversationChanged(listed(), conversation("c1", { title: "Lisbon", archived: true }));
    const { onLoad, onNewChat } = renderList(state);
    const toggle = screen.getByTestId("archived-toggle");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(screen.getAllByTestId("conversation-item")).toHaveLength(1);
    fireEvent.click(toggle);
    expect(onLoad).toHaveBeenCalledWith(true, false);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(within(screen.getByTestId("archived-list")).getByText("Lisbon")).toBeTruthy();
    fireEvent.click(screen.getByTestId("new-chat"));
    expect(onNewChat).toHaveBeenCalled();
  });
});

import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppError, ConversationSummary, SearchResult } from "../bindings";
import type { Result } from "../result";
import { conversation } from "../testFixtures";
import { PAGE_SIZE, conversationChanged, emptyConversations, forWorkspace, pageLoaded } from "../store/conversations";
import type { ConversationActions } from "./conversationActions";
import { ConversationList } from "./ConversationList";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

function listed(rows = [conversation("c1", { title: "Lisbon", lastActivityMs: NOW - 120_000 }), conversation("c2", { title: "", lastActivityMs: NOW - 86_400_000 * 40 })], limit = PAGE_SIZE) {
  return pageLoaded(forWorkspace(emptyConversations, "demo"), "demo", false, rows, limit);
}

const ok = <T,>(data: T): Result<T, AppError> => ({ status: "ok", data });
const failed = (error: AppError): Result<never, AppError> => ({ status: "error", error });

function fakeActions(): { [K in keyof ConversationActions]: ReturnType<typeof vi.fn<ConversationActions[K]>> } {
  return {
    search: vi.fn<ConversationActions["search"]>(async () => ok([])),
    rename: vi.fn<ConversationActions["rename"]>(async (id, title) => ok(conversation(id, { title }))),
    archive: vi.fn<ConversationActions["archive"]>(async (id) => ok(conversation(id, { archived: true }))),
    remove: vi.fn<ConversationActions["remove"]>(async () => ok(null)),
    exportTo: vi.fn<ConversationActions["exportTo"]>(async () => ok({ saved: true, fileName: "Lisbon.json" })),
    importFile: vi.fn<ConversationActions["importFile"]>(async () => ok(null)),
  };
}

function renderList(state = listed(), streaming = new Map<string, boolean>(), actions = fakeActions()) {
  const props = { onSelect: vi.fn(), onNewChat: vi.fn(), onLoad: vi.fn(), onOpenResult: vi.fn(), onDeleted: vi.fn(), onImported: vi.fn() };
  const view = render(
    <ConversationList conversations={state} selectedId="c1" streaming={streaming} nowMs={NOW} actions={actions} {...props} />,
  );
  return { ...props, actions, view };
}

function hit(id: string, fields: Partial<SearchResult> = {}): SearchResult {
  return {
    conversationId: id,
    conversationTitle: `Chat ${id}`,
    archived: false,
    handle: `h-${id}`,
    position: 3,
    sentAtMs: NOW - 3_600_000,
    snippet: [
      { text: "the ", highlighted: false },
      { text: "zebra", highlighted: true },
      { text: " <b>ran</b>", highlighted: false },
    ],
    ...fields,
  };
}

function row(conversationId: string): HTMLElement {
  return screen.getAllByTestId("conversation-row").find((r) => r.dataset.conversationId === conversationId)!;
}

function openMenu(conversationId: string): HTMLElement {
  fireEvent.click(within(row(conversationId)).getByTestId("conversation-menu-button"));
  return screen.getByTestId("conversation-menu");
}

function search(text: string) {
  fireEvent.change(screen.getByTestId("conversation-search"), { target: { value: text } });
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

describe("search", () => {
  it("searches once typing pauses and shows results in place of the lists, matches as <mark> text", async () => {
    const actions = fakeActions();
    actions.search.mockResolvedValue(ok([hit("c2", { conversationTitle: "", archived: true }), hit("c1")]));
    renderList(listed(), new Map(), actions);
    const box = screen.getByTestId("conversation-search");
    expect(box.id).toBe("conversation-search");
    expect(box.getAttribute("type")).toBe("search");
    search("ze");
    search("zeb");
    expect(actions.search).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(2));
    expect(actions.search).toHaveBeenCalledOnce();
    expect(actions.search).toHaveBeenCalledWith("zeb");
    expect(screen.queryByTestId("conversation-item")).toBeNull();

    const [first, second] = screen.getAllByTestId("search-result");
    expect(first!.textContent).toContain("New chat");
    expect(within(first!).getByTestId("search-result-archived").textContent).toBe("Archived");
    expect(within(first!).getByText("1 h ago", { exact: false })).toBeTruthy();
    expect(within(second!).queryByTestId("search-result-archived")).toBeNull();
    const snippet = within(first!).getByTestId("search-result-snippet");
    expect(Array.from(snippet.querySelectorAll("mark")).map((m) => m.textContent)).toEqual(["zebra"]);
    // Markup in a message is text, never elements.
    expect(snippet.querySelector("b")).toBeNull();
    expect(snippet.textContent).toBe("the zebra <b>ran</b>");
  });

  it("moves through results with the arrows, opens with Enter or a click, and Escape brings the lists back", async () => {
    const actions = fakeActions();
    actions.search.mockResolvedValue(ok([hit("c1"), hit("c2"), hit("c3")]));
    const { onOpenResult } = renderList(listed(), new Map(), actions);
    const box = screen.getByTestId("conversation-search");
    search("zebra");
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(3));
    const selected = () => screen.getAllByTestId("search-result").findIndex((r) => r.getAttribute("aria-selected") === "true");
    expect(selected()).toBe(0);
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(selected()).toBe(2);
    expect(box.getAttribute("aria-activedescendant")).toBe(screen.getAllByTestId("search-result")[2]!.id);
    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(selected()).toBe(0);
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(selected()).toBe(2);
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onOpenResult).toHaveBeenLastCalledWith(expect.objectContaining({ conversationId: "c3", handle: "h-c3" }));
    fireEvent.click(screen.getAllByTestId("search-result")[1]!);
    expect(onOpenResult).toHaveBeenLastCalledWith(expect.objectContaining({ conversationId: "c2" }));

    fireEvent.keyDown(box, { key: "Escape" });
    expect((box as HTMLInputElement).value).toBe("");
    expect(screen.queryByTestId("search-results")).toBeNull();
    expect(screen.getAllByTestId("conversation-item")).toHaveLength(2);
  });

  it("says when nothing matches and when the search failed", async () => {
    const actions = fakeActions();
    renderList(listed(), new Map(), actions);
    search("  quokka  ");
    await waitFor(() => expect(screen.getByTestId("search-empty").textContent).toBe("No messages match “quokka”."));
    actions.search.mockResolvedValue(failed({ code: "storage" }));
    search("quokkas");
    await waitFor(() => expect(screen.getByTestId("search-error").textContent).toMatch(/^Couldn't search your chats\. Couldn't read or write/));
    // Only spaces: no search, the lists.
    search("   ");
    expect(screen.queryByTestId("search-results")).toBeNull();
  });

  it("drops an answer that arrives after a newer query's", async () => {
    const actions = fakeActions();
    let releaseOld: (r: Result<SearchResult[], AppError>) => void = () => undefined;
    actions.search.mockImplementationOnce(() => new Promise((resolve) => (releaseOld = resolve)));
    actions.search.mockResolvedValueOnce(ok([hit("c2")]));
    renderList(listed(), new Map(), actions);
    search("old");
    await waitFor(() => expect(actions.search).toHaveBeenCalledWith("old"));
    search("new");
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(1));
    await act(async () => releaseOld(ok([hit("c1"), hit("c3")])));
    expect(screen.getAllByTestId("search-result").map((r) => r.dataset.conversationId)).toEqual(["c2"]);
  });
});

describe("a conversation's menu", () => {
  it("offers rename, archive, exports and delete; an archived chat is not offered Archive", () => {
    renderList(conversationChanged(listed(), conversation("c9", { title: "Old", archived: true })));
    const menu = openMenu("c1");
    expect(within(menu).getAllByRole("menuitem").map((b) => b.textContent)).toEqual([
      "Rename",
      "Archive",
      "Export as JSON…",
      "Export as Markdown…",
      "Delete…",
    ]);
    fireEvent.keyDown(menu, { key: "Escape" });
    expect(screen.queryByTestId("conversation-menu")).toBeNull();
    expect(document.activeElement).toBe(within(row("c1")).getByTestId("conversation-menu-button"));
    fireEvent.click(screen.getByTestId("archived-toggle"));
    const archivedMenu = openMenu("c9");
    expect(within(archivedMenu).queryByTestId("menu-archive")).toBeNull();
  });

  it("opens on a right-click too", () => {
    renderList();
    fireEvent.contextMenu(within(row("c2")).getByTestId("conversation-item"), { clientX: 40, clientY: 60 });
    expect(screen.getByTestId("conversation-menu").style.left).toBe("40px");
  });

  it("renames in place: Enter saves, Escape cancels, an error stays under the field", async () => {
    const actions = fakeActions();
    renderList(listed(), new Map(), actions);
    fireEvent.click(within(openMenu("c1")).getByTestId("menu-rename"));
    let input = screen.getByTestId("rename-input") as HTMLInputElement;
    expect(input.value).toBe("Lisbon");
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: "Porto" } });
    fireEvent.keyDown(input, { key: "Escape" });
    expect(screen.queryByTestId("rename-input")).toBeNull();
    expect(actions.rename).not.toHaveBeenCalled();

    actions.rename.mockResolvedValueOnce(failed({ code: "validation", field: "title", rule: "tooLong", limit: 200, actual: 201 }));
    fireEvent.click(within(openMenu("c1")).getByTestId("menu-rename"));
    input = screen.getByTestId("rename-input") as HTMLInputElement;
    fireEvent.change(input, { target: { value: "x".repeat(201) } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(screen.getByTestId("rename-error").textContent).toBe("title: at most 200 characters (this one has 201)"));
    expect((screen.getByTestId("rename-input") as HTMLInputElement).value).toHaveLength(201);

    fireEvent.change(screen.getByTestId("rename-input"), { target: { value: "Porto" } });
    fireEvent.keyDown(screen.getByTestId("rename-input"), { key: "Enter" });
    await waitFor(() => expect(screen.queryByTestId("rename-input")).toBeNull());
    expect(actions.rename).toHaveBeenLastCalledWith("c1", "Porto");
    expect(screen.queryByTestId("rename-error")).toBeNull();
  });

  it("leaves the title as it was when the field is emptied", () => {
    const actions = fakeActions();
    renderList(listed(), new Map(), actions);
    fireEvent.click(within(openMenu("c1")).getByTestId("menu-rename"));
    fireEvent.change(screen.getByTestId("rename-input"), { target: { value: "   " } });
    fireEvent.keyDown(screen.getByTestId("rename-input"), { key: "Enter" });
    expect(screen.queryByTestId("rename-input")).toBeNull();
    expect(actions.rename).not.toHaveBeenCalled();
  });

  it("says under the row when an archive was refused, and what an export saved", async () => {
    const actions = fakeActions();
    actions.archive.mockResolvedValue(failed({ code: "conversationRunning" }));
    renderList(listed(), new Map(), actions);
    fireEvent.click(within(openMenu("c1")).getByTestId("menu-archive"));
    await waitFor(() => expect(within(row("c1")).getByTestId("conversation-action-error").textContent).toMatch(/still coming in\. Stop it/));

    fireEvent.click(within(openMenu("c2")).getByTestId("menu-export-markdown"));
    await waitFor(() => expect(within(row("c2")).getByTestId("conversation-action-done").textContent).toBe("Saved as Lisbon.json."));
    expect(actions.exportTo).toHaveBeenCalledWith("c2", "markdown");

    actions.exportTo.mockResolvedValue(ok({ saved: false, fileName: null }));
    fireEvent.click(within(openMenu("c2")).getByTestId("menu-export-json"));
    await waitFor(() => expect(actions.exportTo).toHaveBeenLastCalledWith("c2", "json"));
    expect(within(row("c2")).queryByTestId("conversation-action-done")).toBeNull();
  });

  it("asks before deleting, naming the chat; Cancel keeps it, Delete removes it and moves the focus on", async () => {
    const actions = fakeActions();
    let release: (r: Result<null, AppError>) => void = () => undefined;
    actions.remove.mockImplementation(() => new Promise((resolve) => (release = resolve)));
    const { onDeleted, view } = renderList(listed(), new Map(), actions);
    const menuButton = within(row("c1")).getByTestId("conversation-menu-button");
    fireEvent.click(within(openMenu("c1")).getByTestId("menu-delete"));
    const dialog = screen.getByRole("dialog", { name: "Delete this chat?" });
    expect(within(dialog).getByTestId("confirm-delete-body").textContent).toBe(
      "“Lisbon” and all its messages will be deleted from this computer. This can't be undone.",
    );
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(actions.remove).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(menuButton);

    fireEvent.click(within(openMenu("c1")).getByTestId("menu-delete"));
    fireEvent.click(screen.getByTestId("confirm-delete-button"));
    expect(actions.remove).toHaveBeenCalledWith("c1");
    expect((screen.getByTestId("confirm-delete-button") as HTMLButtonElement).disabled).toBe(true);
    await act(async () => release(failed({ code: "conversationRunning" })));
    expect(screen.getByTestId("delete-error").textContent).toMatch(/still coming in/);
    expect(onDeleted).not.toHaveBeenCalled();

    actions.remove.mockResolvedValue(ok(null));
    fireEvent.click(screen.getByTestId("confirm-delete-button"));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(onDeleted).toHaveBeenCalledWith("c1");
    // The store removes the row; the focus lands on the first chat left.
    view.rerender(
      <ConversationList
        conversations={listed([conversation("c2", { title: "" })])}
        selectedId={null}
        streaming={new Map()}
        nowMs={NOW}
        actions={actions}
        onSelect={vi.fn()}
        onNewChat={vi.fn()}
        onLoad={vi.fn()}
        onOpenResult={vi.fn()}
        onDeleted={onDeleted}
        onImported={vi.fn()}
      />,
    );
    await waitFor(() => expect(document.activeElement?.getAttribute("data-conversation-id")).toBe("c2"));
  });
});

describe("import", () => {
  it("imports into the workspace, says so and opens it; a refused file is explained at the button", async () => {
    const actions = fakeActions();
    const imported: ConversationSummary = conversation("c7", { title: "From Ana", archived: true });
    actions.importFile.mockResolvedValueOnce(ok(imported));
    const { onImported, onLoad } = renderList(listed(), new Map(), actions);
    fireEvent.click(screen.getByTestId("import-conversation"));
    await waitFor(() => expect(onImported).toHaveBeenCalledWith(imported));
    expect(screen.getByTestId("import-done").textContent).toBe("Imported “From Ana” (read only, in Archived).");
    expect(onLoad).toHaveBeenCalledWith(true, false);
    expect(screen.getByTestId("archived-toggle").getAttribute("aria-expanded")).toBe("true");

    actions.importFile.mockResolvedValueOnce(failed({ code: "importTooLarge", limit: 33554432, actual: 41943040 }));
    fireEvent.click(screen.getByTestId("import-conversation"));
    await waitFor(() => expect(screen.getByTestId("import-error").textContent).toMatch(/at most 32 MiB/));

    actions.importFile.mockResolvedValueOnce(ok(null));
    fireEvent.click(screen.getByTestId("import-conversation"));
    await waitFor(() => expect(screen.queryByTestId("import-error")).toBeNull());
    expect(onImported).toHaveBeenCalledOnce();
  });
});

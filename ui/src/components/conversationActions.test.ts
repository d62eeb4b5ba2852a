import { describe, expect, it, vi } from "vitest";
import type { AppError, ConversationSummary, ConversationView } from "../bindings";
import type { Result } from "../result";
import { conversation, snapshot } from "../testFixtures";
import { findConversation } from "../store/conversations";
import { createChatStore, type SyncCommands } from "../store/sync";
import { conversationActions, loadUntil } from "./conversationActions";
import { conversationActionsFakes } from "./conversationActionsFakes";

const ok = <T>(data: T): Result<T, AppError> => ({ status: "ok", data });

/**
 * A backend with one conversation of `pages` pages of two messages each (handles
 * h0 oldest ... h{2*pages-1} newest), and two listed conversations.
 */
function backend(pages = 3) {
  const rows: ConversationSummary[] = [conversation("c1", { lastActivityMs: 2_000 }), conversation("c2", { lastActivityMs: 1_000 })];
  const page = (before: number | null): ConversationView => {
    const end = before ?? pages * 2;
    const start = Math.max(0, end - 2);
    const messages = Array.from({ length: end - start }, (_, i) =>
      snapshot(`h${start + i}`, { conversationId: "c1", message: `m${start + i}` }),
    );
    return { conversation: rows[0]!, draft: "", messages, moreBefore: start > 0, before: start > 0 ? start : null };
  };
  const commands = {
    executionSnapshot: vi.fn(),
    listConversations: vi.fn(async () => ok(rows)),
    startConversation: vi.fn(),
    openConversation: vi.fn(async (_id: string, before: number | null) => ok(page(before))),
    saveDraft: vi.fn(async () => null),
    sendMessage: vi.fn(),
    resendMessage: vi.fn(),
    regenerateMessage: vi.fn(),
    giveFeedback: vi.fn(),
    stopExecution: vi.fn(),
    inspectExecution: vi.fn(),
  } as unknown as SyncCommands;
  const chat = createChatStore(commands, {
    executionUpdate: { listen: async () => () => undefined },
    conversationChanged: { listen: async () => () => undefined },
  });
  return { chat, commands };
}

describe("loadUntil", () => {
  it("loads older pages until the message is there, and no further", async () => {
    const { chat, commands } = backend(4);
    await chat.open("c1");
    expect(chat.getState().chat.entries.has("h2")).toBe(false);
    expect(await loadUntil(chat, "c1", "h2")).toBe(true);
    expect(chat.getState().chat.entries.has("h2")).toBe(true);
    expect(chat.getState().chat.entries.has("h1")).toBe(false);
    // The newest page, then the two before it.
    expect(vi.mocked(commands.openConversation).mock.calls.map((c) => c[1])).toEqual([null, 6, 4]);
  });

  it("asks for nothing when the message is loaded, and gives up at the oldest page", async () => {
    const { chat, commands } = backend(2);
    await chat.open("c1");
    expect(await loadUntil(chat, "c1", "h3")).toBe(true);
    expect(commands.openConversation).toHaveBeenCalledTimes(1);
    expect(await loadUntil(chat, "c1", "gone")).toBe(false);
    expect(chat.getState().loaded.get("c1")?.moreBefore).toBe(false);
  });

  it("waits for a page the chat view is already loading instead of giving up", async () => {
    const { chat } = backend(3);
    await chat.open("c1");
    const scrolled = chat.loadEarlier("c1");
    const found = loadUntil(chat, "c1", "h0");
    await scrolled;
    expect(await found).toBe(true);
  });
});

describe("conversationActions", () => {
  it("keeps the store's lists in line: rename and archive move the row, delete removes it, import adds it", async () => {
    const { chat } = backend();
    chat.showWorkspace("demo");
    await chat.loadConversations(false);
    const api = conversationActionsFakes();
    api.renameConversation.mockImplementation(async (id, title) => ok(conversation(id, { title, lastActivityMs: 2_000 })));
    api.archiveConversation.mockImplementation(async (id) => ok(conversation(id, { archived: true, lastActivityMs: 1_000 })));
    api.importConversation.mockResolvedValue(ok(conversation("c9", { archived: true, title: "Imported" })));
    const actions = conversationActions(api, chat, "demo");
    const lists = () => ({
      active: chat.getState().conversations.active.items.map((c) => c.id),
      archived: chat.getState().conversations.archived.items.map((c) => c.id),
    });

    await actions.rename("c1", "Lisbon");
    expect(findConversation(chat.getState().conversations, "c1")?.title).toBe("Lisbon");
    await actions.archive("c2");
    expect(lists()).toEqual({ active: ["c1"], archived: ["c2"] });
    await actions.remove("c1");
    expect(api.deleteConversation).toHaveBeenCalledWith("c1");
    expect(lists()).toEqual({ active: [], archived: ["c2"] });
    const imported = await actions.importFile();
    expect(api.importConversation).toHaveBeenCalledWith("demo");
    expect(imported.status).toBe("ok");
    expect(lists().archived).toContain("c9");

    await actions.search("zebra");
    expect(api.searchConversations).toHaveBeenCalledWith("demo", "zebra", 50);
  });

  it("changes nothing when the backend refuses, and turns a failed call into the internal error", async () => {
    const { chat } = backend();
    chat.showWorkspace("demo");
    await chat.loadConversations(false);
    const api = conversationActionsFakes();
    api.deleteConversation.mockResolvedValue({ status: "error", error: { code: "conversationRunning" } });
    api.exportConversation.mockRejectedValue(new Error("IPC down"));
    const actions = conversationActions(api, chat, "demo");
    expect(await actions.remove("c1")).toEqual({ status: "error", error: { code: "conversationRunning" } });
    expect(findConversation(chat.getState().conversations, "c1")).toBeDefined();
    expect(await actions.exportTo("c1", "json")).toEqual({ status: "error", error: { code: "internal" } });
  });
});

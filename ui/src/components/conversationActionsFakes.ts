// Fakes of the conversation-action commands for tests (not imported by the app).

import { vi } from "vitest";
import type { ConversationActionsApi } from "./conversationActions";

/** Every command answers "nothing happened": no results, cancelled dialogs. */
export function conversationActionsFakes() {
  return {
    searchConversations: vi.fn<ConversationActionsApi["searchConversations"]>(async () => ({ status: "ok", data: [] })),
    renameConversation: vi.fn<ConversationActionsApi["renameConversation"]>(async (conversationId) => ({
      status: "error",
      error: { code: "unknownConversation", conversationId },
    })),
    archiveConversation: vi.fn<ConversationActionsApi["archiveConversation"]>(async (conversationId) => ({
      status: "error",
      error: { code: "unknownConversation", conversationId },
    })),
    deleteConversation: vi.fn<ConversationActionsApi["deleteConversation"]>(async () => ({ status: "ok", data: null })),
    exportConversation: vi.fn<ConversationActionsApi["exportConversation"]>(async () => ({
      status: "ok",
      data: { saved: false, fileName: null },
    })),
    importConversation: vi.fn<ConversationActionsApi["importConversation"]>(async () => ({ status: "ok", data: null })),
  } satisfies ConversationActionsApi;
}

// What the sidebar does to whole conversations: search, rename, archive, delete,
// export and import, bound to the backend's commands and the store. The backend owns
// the truth; each result that changes a conversation is handed to the store so the
// lists follow without a reload.

import { useMemo } from "react";
import type { AppError, ConversationSummary, ExportFormat, ExportOutcome, SearchResult } from "../bindings";
import type { Result } from "../result";
import type { ChatStore } from "../store/sync";

/** The commands used here (a subset of `commands` in bindings.ts). */
export interface ConversationActionsApi {
  searchConversations(workspaceId: string, query: string, limit: number): Promise<Result<SearchResult[], AppError>>;
  renameConversation(conversationId: string, title: string): Promise<Result<ConversationSummary, AppError>>;
  archiveConversation(conversationId: string): Promise<Result<ConversationSummary, AppError>>;
  deleteConversation(conversationId: string): Promise<Result<null, AppError>>;
  exportConversation(conversationId: string, format: ExportFormat): Promise<Result<ExportOutcome, AppError>>;
  importConversation(workspaceId: string): Promise<Result<ConversationSummary | null, AppError>>;
}

/** What the sidebar can do, for the workspace it shows. */
export type ConversationActions = {
  search(query: string): Promise<Result<SearchResult[], AppError>>;
  rename(conversationId: string, title: string): Promise<Result<ConversationSummary, AppError>>;
  archive(conversationId: string): Promise<Result<ConversationSummary, AppError>>;
  remove(conversationId: string): Promise<Result<null, AppError>>;
  exportTo(conversationId: string, format: ExportFormat): Promise<Result<ExportOutcome, AppError>>;
  /** Imports into the shown workspace; ok(null) when the user cancelled. */
  importFile(): Promise<Result<ConversationSummary | null, AppError>>;
};

/** How many results one search shows. */
export const SEARCH_LIMIT = 50;

const internal: AppError = { code: "internal" };

/** A command that threw (an IPC failure) as the `internal` error. */
async function settle<T>(call: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await call();
  } catch {
    return { status: "error", error: internal };
  }
}

/** The actions for `workspaceId`, each telling the store what changed. */
export function conversationActions(
  api: ConversationActionsApi,
  chat: ChatStore,
  workspaceId: string | null,
): ConversationActions {
  const updated = (result: Result<ConversationSummary, AppError>) => {
    if (result.status === "ok") chat.conversationUpdated(result.data);
    return result;
  };
  return {
    search: (query) =>
      workspaceId === null
        ? Promise.resolve({ status: "ok", data: [] })
        : settle(() => api.searchConversations(workspaceId, query, SEARCH_LIMIT)),
    rename: async (id, title) => updated(await settle(() => api.renameConversation(id, title))),
    archive: async (id) => updated(await settle(() => api.archiveConversation(id))),
    async remove(id) {
      const result = await settle(() => api.deleteConversation(id));
      if (result.status === "ok") chat.conversationRemoved(id);
      return result;
    },
    exportTo: (id, format) => settle(() => api.exportConversation(id, format)),
    async importFile() {
      if (workspaceId === null) return { status: "error", error: internal };
      const result = await settle(() => api.importConversation(workspaceId));
      if (result.status === "ok" && result.data) chat.conversationUpdated(result.data);
      return result;
    },
  };
}

export function useConversationActions(
  api: ConversationActionsApi,
  chat: ChatStore,
  workspaceId: string | null,
): ConversationActions {
  return useMemo(() => conversationActions(api, chat, workspaceId), [api, chat, workspaceId]);
}

/** How long to wait for another page load to finish before asking again. */
const PAGE_WAIT_MS = 50;

/**
 * Loads a conversation's older pages until the message `handle` is among the loaded
 * ones (or there is nothing older). The conversation must be open. Returns whether
 * the message is loaded.
 */
export async function loadUntil(chat: ChatStore, conversationId: string, handle: string): Promise<boolean> {
  for (;;) {
    const state = chat.getState();
    if (state.chat.entries.has(handle)) return true;
    const info = state.loaded.get(conversationId);
    if (!info || !info.moreBefore) return false;
    if (info.loadingEarlier) {
      // The chat view is loading a page already (scrolled near the top): wait for it.
      await new Promise((resolve) => setTimeout(resolve, PAGE_WAIT_MS));
      continue;
    }
    const result = await chat.loadEarlier(conversationId);
    if (result === null) {
      // Nothing to ask for (no cursor), unless a load started meanwhile.
      if (!chat.getState().loaded.get(conversationId)?.loadingEarlier) return chat.getState().chat.entries.has(handle);
    } else if (result.status === "error") {
      return false;
    }
  }
}

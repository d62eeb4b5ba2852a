// The sidebar's conversations as the UI sees them: a pure reducer over pages the
// backend listed, `conversationChanged` events and messages the user sent. No React,
// no Tauri. The backend owns the truth; this only keeps the list in line between pages.
//
// Invariants: a conversation is in at most one of the two lists; each list is sorted by
// last activity, most recent first (ties: by id, as the backend's cursor orders them).

import type { ConversationCursor, ConversationNotice, ConversationSummary } from "../bindings";

/** One list (active or archived), loaded a page at a time. */
export type ConversationList = {
  readonly items: readonly ConversationSummary[];
  /** idle: never asked; loading: a page is on its way. */
  readonly phase: "idle" | "loading" | "loaded" | "failed";
  /** Where the last page the backend gave ended (null before the first). */
  readonly cursor: ConversationCursor | null;
  /** No more pages. */
  readonly complete: boolean;
};

export type ConversationsState = {
  /** The workspace the lists belong to. */
  readonly workspaceId: string | null;
  readonly active: ConversationList;
  readonly archived: ConversationList;
  /** What to tell the user about a conversation, by its id (from `conversationChanged`). */
  readonly notices: ReadonlyMap<string, ConversationNotice>;
  /** The server's status for a local-only conversation, when a notice said it. */
  readonly localOnlyStatus: ReadonlyMap<string, number>;
};

/** How many conversations one page asks for. */
export const PAGE_SIZE = 50;

export const emptyList: ConversationList = { items: [], phase: "idle", cursor: null, complete: false };

export const emptyConversations: ConversationsState = {
  workspaceId: null,
  active: emptyList,
  archived: emptyList,
  notices: new Map(),
  localOnlyStatus: new Map(),
};

/** A conversation's last activity in Unix ms (0 when unknown: the IPC type allows null). */
export function activityOf(conversation: ConversationSummary): number {
  return conversation.lastActivityMs ?? 0;
}

/** Most recent activity first; ties by id, descending. */
function byActivity(a: ConversationSummary, b: ConversationSummary): number {
  if (activityOf(a) !== activityOf(b)) return activityOf(b) - activityOf(a);
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function sorted(items: ConversationSummary[]): ConversationSummary[] {
  return items.sort(byActivity);
}

function without(list: ConversationList, id: string): ConversationList {
  if (!list.items.some((c) => c.id === id)) return list;
  return { ...list, items: list.items.filter((c) => c.id !== id) };
}

function withItem(list: ConversationList, conversation: ConversationSummary): ConversationList {
  return { ...list, items: sorted([...list.items.filter((c) => c.id !== conversation.id), conversation]) };
}

/** The lists of another workspace: empty, nothing asked yet. */
export function forWorkspace(state: ConversationsState, workspaceId: string): ConversationsState {
  if (state.workspaceId === workspaceId) return state;
  return { ...state, workspaceId, active: emptyList, archived: emptyList };
}

/** A page is being asked for. */
export function pageRequested(state: ConversationsState, archived: boolean): ConversationsState {
  const key = archived ? "archived" : "active";
  return { ...state, [key]: { ...state[key], phase: "loading" } };
}

/** The page could not be read. */
export function pageFailed(state: ConversationsState, archived: boolean): ConversationsState {
  const key = archived ? "archived" : "active";
  return { ...state, [key]: { ...state[key], phase: "failed" } };
}

/**
 * A page the backend listed. Rows already known (an event told of them first) are
 * replaced; the next page starts after the page's last row.
 */
export function pageLoaded(
  state: ConversationsState,
  workspaceId: string,
  archived: boolean,
  rows: readonly ConversationSummary[],
  limit: number,
): ConversationsState {
  if (state.workspaceId !== workspaceId) return state;
  const key = archived ? "archived" : "active";
  const other = archived ? "active" : "archived";
  const ids = new Set(rows.map((r) => r.id));
  const list = state[key];
  const items = sorted([...list.items.filter((c) => !ids.has(c.id)), ...rows]);
  const last = rows[rows.length - 1];
  // A row listed here is not also in the other list.
  let otherList = state[other];
  for (const id of ids) otherList = without(otherList, id);
  return {
    ...state,
    [key]: {
      items,
      phase: "loaded",
      cursor: last ? { lastActivityMs: last.lastActivityMs, id: last.id } : list.cursor,
      complete: rows.length < limit,
    },
    [other]: otherList,
  };
}

/** Finds a conversation in either list. */
export function findConversation(state: ConversationsState, id: string): ConversationSummary | undefined {
  return state.active.items.find((c) => c.id === id) ?? state.archived.items.find((c) => c.id === id);
}

/**
 * A conversation as it now is (started, or a `conversationChanged` event): replaces or
 * inserts it, in Archived when it is archived. Another workspace's is ignored (its
 * notice is kept for when it is shown).
 */
export function conversationChanged(
  state: ConversationsState,
  conversation: ConversationSummary,
  notice: ConversationNotice | null = null,
): ConversationsState {
  let next = state;
  if (notice) {
    const notices = new Map(state.notices);
    notices.set(conversation.id, notice);
    next = { ...next, notices };
    if (notice.kind === "localOnly") {
      const localOnlyStatus = new Map(state.localOnlyStatus);
      localOnlyStatus.set(conversation.id, notice.status);
      next = { ...next, localOnlyStatus };
    }
  }
  if (conversation.workspaceId !== state.workspaceId) return next;
  const known = findConversation(state, conversation.id);
  // A title the list already has (from the first message) is not taken back by a row
  // written before it.
  const merged = known && conversation.title === "" && known.title !== "" ? { ...conversation, title: known.title } : conversation;
  if (merged.archived) {
    return { ...next, active: without(next.active, merged.id), archived: withItem(next.archived, merged) };
  }
  return { ...next, archived: without(next.archived, merged.id), active: withItem(next.active, merged) };
}

/** A conversation was deleted: it leaves both lists (and its notices). */
export function conversationRemoved(state: ConversationsState, id: string): ConversationsState {
  if (!findConversation(state, id) && !state.notices.has(id) && !state.localOnlyStatus.has(id)) return state;
  const notices = new Map(state.notices);
  notices.delete(id);
  const localOnlyStatus = new Map(state.localOnlyStatus);
  localOnlyStatus.delete(id);
  return { ...state, active: without(state.active, id), archived: without(state.archived, id), notices, localOnlyStatus };
}

/** The title a message gives its conversation (as core's `title_from`). */
export function titleFrom(message: string): string {
  const line = message
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!line) return "";
  const chars = Array.from(line);
  if (chars.length <= 60) return line;
  return `${chars.slice(0, 60).join("").trimEnd()}…`;
}

/**
 * The user sent a message in a conversation: it moves to the top (its last activity is
 * now) and takes its title from the message if it had none.
 */
export function messageSent(
  state: ConversationsState,
  conversationId: string,
  message: string,
  nowMs: number,
): ConversationsState {
  const known = state.active.items.find((c) => c.id === conversationId);
  if (!known) return state;
  const title = known.title === "" ? titleFrom(message) : known.title;
  const lastActivityMs = Math.max(nowMs, activityOf(known));
  return { ...state, active: withItem(state.active, { ...known, title, lastActivityMs }) };
}

// The chat as the UI sees it: a pure fold of backend updates and snapshots.
// No React, no Tauri. The backend owns the truth; this is a view that can always be
// brought back in line with a snapshot.
//
// The fold of one change is the same as Rust's `ExecutionSnapshot::apply`
// (crates/athena-core/src/execution.rs); the golden fixtures in tests/fixtures/fold
// keep the two equal (fold.fixtures.test.ts).
//
// Structural sharing: a change makes new objects only on the path to what it changed
// (the state, the entry, the parts array, the one part). Unchanged parts keep their
// identity, so memoised part components skip re-rendering.

import type {
  ExecutionChange,
  ExecutionSnapshot,
  ExecutionUpdate,
  Part,
} from "../bindings";

/** One exchange: the user's request and what the agent has produced so far. */
export type ChatEntry = ExecutionSnapshot;

/**
 * The executions of every conversation (updates of all of them arrive), keyed by
 * handle. Views select one conversation's by `request.conversationId`.
 */
export type ChatState = {
  /**
   * Execution handles in order: a conversation's handles keep their message order
   * relative to each other; handles of different conversations interleave freely.
   */
  readonly order: readonly string[];
  readonly entries: ReadonlyMap<string, ChatEntry>;
};

export type ApplyResult = {
  state: ChatState;
  /** Set when the update could not be applied (a gap): fetch this handle's snapshot. */
  needsSnapshot: string | null;
};

export const emptyChat: ChatState = { order: [], entries: new Map() };

/** The entries in order (every conversation). */
export function chatEntries(state: ChatState): ChatEntry[] {
  const out: ChatEntry[] = [];
  for (const handle of state.order) {
    const entry = state.entries.get(handle);
    if (entry) out.push(entry);
  }
  return out;
}

/** One conversation's entries, oldest first. */
export function conversationEntries(state: ChatState, conversationId: string): ChatEntry[] {
  return chatEntries(state).filter((e) => e.request.conversationId === conversationId);
}

/** Whether an entry's answer is streaming now. */
export function isStreaming(entry: ChatEntry): boolean {
  return entry.status === "running" && entry.error === null;
}

/**
 * For every conversation with at least one known execution: whether one of them
 * streams now. Conversations absent from the map have no known execution.
 */
export function streamingByConversation(state: ChatState): ReadonlyMap<string, boolean> {
  const out = new Map<string, boolean>();
  for (const entry of state.entries.values()) {
    const id = entry.request.conversationId;
    if (id === "") continue;
    out.set(id, (out.get(id) ?? false) || isStreaming(entry));
  }
  return out;
}

/** An execution before its first update (Rust's `ExecutionSnapshot::new`). */
export function newEntry(handle: string): ChatEntry {
  return {
    handle,
    seq: 0,
    request: { workspaceId: "", conversationId: "", agentId: "", message: "", variables: [] },
    executionId: null,
    parts: [],
    status: "running",
    usage: null,
    error: null,
    messageId: null,
    feedback: null,
  };
}

function withEntry(state: ChatState, entry: ChatEntry): ChatState {
  const entries = new Map(state.entries);
  const isNew = !entries.has(entry.handle);
  entries.set(entry.handle, entry);
  return { order: isNew ? [...state.order, entry.handle] : state.order, entries };
}

/** A copy of `parts` with the part at `index` replaced (the others shared). */
function replacePart(parts: Part[], index: number, part: Part): Part[] {
  const next = parts.slice();
  next[index] = part;
  return next;
}

function hasIndex(parts: Part[], index: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < parts.length;
}

/** Appends streamed text to a text or reasoning part; other kinds ignore it. */
function appendTo(part: Part, delta: string): Part {
  switch (part.kind) {
    case "text":
      return { ...part, text: part.text + delta };
    case "reasoning":
      return { ...part, text: part.text + delta };
    default:
      return part;
  }
}

/** Folds one change in, as `ExecutionSnapshot::apply` does. Never mutates `entry`. */
export function foldChange(entry: ChatEntry, seq: number, change: ExecutionChange): ChatEntry {
  switch (change.type) {
    case "accepted":
      return { ...entry, seq, request: change.request };
    case "started":
      return { ...entry, seq, executionId: change.executionId };
    case "partAdded":
      return { ...entry, seq, parts: [...entry.parts, change.part] };
    case "partAppended": {
      if (!hasIndex(entry.parts, change.index)) return { ...entry, seq };
      const part = entry.parts[change.index]!;
      const appended = appendTo(part, change.delta);
      if (appended === part) return { ...entry, seq };
      return { ...entry, seq, parts: replacePart(entry.parts, change.index, appended) };
    }
    case "partUpdated":
      if (!hasIndex(entry.parts, change.index)) return { ...entry, seq };
      return { ...entry, seq, parts: replacePart(entry.parts, change.index, change.part) };
    case "finished":
      return { ...entry, seq, status: change.status, usage: change.usage, messageId: change.messageId };
    case "failed":
      return { ...entry, seq, status: "failed", error: change.error };
    case "stopped":
      return { ...entry, seq, status: "stopped" };
    case "resent":
      return { ...entry, seq, status: "running", error: null };
    case "feedbackChanged":
      return { ...entry, seq, feedback: change.feedback };
  }
}

/**
 * Folds one live update into the state.
 * - Stale or duplicate (seq <= entry.seq): ignored, same state returned.
 * - Gap (seq > entry.seq + 1, or anything but `accepted` for an unknown handle): not
 *   applied; `needsSnapshot` names the handle whose snapshot the caller must fetch.
 */
export function applyUpdate(state: ChatState, update: ExecutionUpdate): ApplyResult {
  const { handle, seq, change } = update;
  const entry = state.entries.get(handle);
  if (!entry) {
    if (change.type === "accepted" && seq === 1) {
      return { state: withEntry(state, foldChange(newEntry(handle), seq, change)), needsSnapshot: null };
    }
    return { state, needsSnapshot: handle };
  }
  if (seq <= entry.seq) return { state, needsSnapshot: null };
  if (seq > entry.seq + 1) return { state, needsSnapshot: handle };
  return { state: withEntry(state, foldChange(entry, seq, change)), needsSnapshot: null };
}

/**
 * Applies one execution's snapshot: it replaces the local entry unless the local one is
 * already further along (higher seq). An unknown handle is appended (it is the newest).
 */
export function applyExecutionSnapshot(state: ChatState, snapshot: ExecutionSnapshot): ChatState {
  const local = state.entries.get(snapshot.handle);
  if (local && local.seq > snapshot.seq) return state;
  return withEntry(state, snapshot);
}

/**
 * Merges a page of one conversation's messages (oldest first), as `openConversation`
 * returned them. A snapshot replaces the local entry unless the local one is further
 * along (higher seq): updates folded while the page was read are kept.
 *
 * Order within the conversation:
 * - `older` (a page before the loaded ones): the page goes before the known messages.
 * - `latest` (the newest page): the page's order holds; a known message that is not in
 *   the page keeps its place after the message it followed, or goes first when it came
 *   before every message of the page. Known messages that share nothing with the page
 *   are newer (they arrived live while it was read) and go last.
 */
export function applyConversationPage(
  state: ChatState,
  conversationId: string,
  page: readonly ExecutionSnapshot[],
  position: "latest" | "older",
): ChatState {
  const entries = new Map(state.entries);
  const pageOrder: string[] = [];
  const inPage = new Set<string>();
  for (const exec of page) {
    if (inPage.has(exec.handle)) continue;
    inPage.add(exec.handle);
    pageOrder.push(exec.handle);
    const local = entries.get(exec.handle);
    if (!local || local.seq <= exec.seq) entries.set(exec.handle, exec);
  }
  const belongs = (handle: string) =>
    inPage.has(handle) || state.entries.get(handle)?.request.conversationId === conversationId;
  const known = state.order.filter((h) => state.entries.get(h)?.request.conversationId === conversationId);

  let merged: string[];
  if (position === "older") {
    merged = [...pageOrder.filter((h) => !known.includes(h)), ...known];
  } else {
    const firstAnchor = known.findIndex((h) => inPage.has(h));
    if (firstAnchor < 0) {
      merged = [...pageOrder, ...known];
    } else {
      merged = [...known.slice(0, firstAnchor), ...pageOrder];
      for (let i = firstAnchor + 1; i < known.length; i++) {
        const handle = known[i]!;
        if (inPage.has(handle)) continue;
        merged.splice(merged.indexOf(known[i - 1]!) + 1, 0, handle);
      }
    }
  }

  // The conversation's handles take the place of its first one; others keep theirs.
  const order: string[] = [];
  let placed = false;
  for (const handle of state.order) {
    if (belongs(handle)) {
      if (!placed) order.push(...merged);
      placed = true;
    } else {
      order.push(handle);
    }
  }
  if (!placed) order.push(...merged);
  return { order, entries };
}

/** The answer's markdown: every text part, in order, as separate paragraphs. */
export function answerMarkdown(parts: readonly Part[]): string {
  const texts: string[] = [];
  for (const part of parts) if (part.kind === "text" && part.text.length > 0) texts.push(part.text);
  return texts.join("\n\n");
}

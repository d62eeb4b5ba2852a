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
  ChatSnapshot,
  ExecutionChange,
  ExecutionSnapshot,
  ExecutionUpdate,
  Part,
} from "../bindings";

/** One exchange: the user's request and what the agent has produced so far. */
export type ChatEntry = ExecutionSnapshot;

export type ChatState = {
  /** Execution handles in send order (first appearance). */
  readonly order: readonly string[];
  readonly entries: ReadonlyMap<string, ChatEntry>;
};

export type ApplyResult = {
  state: ChatState;
  /** Set when the update could not be applied (a gap): fetch this handle's snapshot. */
  needsSnapshot: string | null;
};

export const emptyChat: ChatState = { order: [], entries: new Map() };

/** The entries in send order. */
export function chatEntries(state: ChatState): ChatEntry[] {
  const out: ChatEntry[] = [];
  for (const handle of state.order) {
    const entry = state.entries.get(handle);
    if (entry) out.push(entry);
  }
  return out;
}

/** An execution before its first update (Rust's `ExecutionSnapshot::new`). */
export function newEntry(handle: string): ChatEntry {
  return {
    handle,
    seq: 0,
    request: { workspaceId: "", conversationId: null, agentId: "", message: "" },
    executionId: null,
    parts: [],
    status: "running",
    usage: null,
    error: null,
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
      return { ...entry, seq, status: change.status, usage: change.usage };
    case "failed":
      return { ...entry, seq, status: "failed", error: change.error };
    case "stopped":
      return { ...entry, seq, status: "stopped" };
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
 * Applies the whole chat's snapshot. Entries in the snapshot replace local ones whose
 * seq is not higher; missing ones are added. Order follows the snapshot; entries only
 * known locally (newer than the snapshot) keep their place after their local predecessor.
 */
export function applySnapshot(state: ChatState, snapshot: ChatSnapshot): ChatState {
  const entries = new Map(state.entries);
  const order: string[] = [];
  const seen = new Set<string>();
  for (const exec of snapshot.executions) {
    if (seen.has(exec.handle)) continue;
    seen.add(exec.handle);
    order.push(exec.handle);
    const local = entries.get(exec.handle);
    if (!local || local.seq <= exec.seq) entries.set(exec.handle, exec);
  }
  let previous: string | null = null;
  for (const handle of state.order) {
    if (!seen.has(handle)) {
      const at = previous === null ? 0 : order.indexOf(previous) + 1;
      order.splice(at, 0, handle);
      seen.add(handle);
    }
    previous = handle;
  }
  return { order, entries };
}

/** The answer's markdown: every text part, in order, as separate paragraphs. */
export function answerMarkdown(parts: readonly Part[]): string {
  const texts: string[] = [];
  for (const part of parts) if (part.kind === "text" && part.text.length > 0) texts.push(part.text);
  return texts.join("\n\n");
}

// The chat as the UI sees it: a pure fold of backend updates and snapshots.
// No React, no Tauri. The backend owns the truth; this is a view that can always be
// brought back in line with a snapshot.

import type {
  ChatSnapshot,
  ExecutionChange,
  ExecutionSnapshot,
  ExecutionUpdate,
} from "../bindings";

/** One exchange: the user's message and what the agent has answered so far. */
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

function withEntry(state: ChatState, entry: ChatEntry): ChatState {
  const entries = new Map(state.entries);
  const isNew = !entries.has(entry.handle);
  entries.set(entry.handle, entry);
  return { order: isNew ? [...state.order, entry.handle] : state.order, entries };
}

function fold(entry: ChatEntry, seq: number, change: ExecutionChange): ChatEntry {
  switch (change.type) {
    case "accepted":
      // Only ever seq 1; a repeat carries nothing new.
      return { ...entry, seq };
    case "started":
      return { ...entry, seq, executionId: change.executionId };
    case "text":
      return { ...entry, seq, text: entry.text + change.delta };
    case "finished":
      return { ...entry, seq, status: change.status, text: change.text, usage: change.usage };
    case "failed":
      return { ...entry, seq, status: "failed", error: change.error };
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
      const created: ChatEntry = {
        handle,
        seq,
        agentId: change.agentId,
        message: change.message,
        executionId: null,
        text: "",
        status: "running",
        usage: null,
        error: null,
      };
      return { state: withEntry(state, created), needsSnapshot: null };
    }
    return { state, needsSnapshot: handle };
  }
  if (seq <= entry.seq) return { state, needsSnapshot: null };
  if (seq > entry.seq + 1) return { state, needsSnapshot: handle };
  return { state: withEntry(state, fold(entry, seq, change)), needsSnapshot: null };
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

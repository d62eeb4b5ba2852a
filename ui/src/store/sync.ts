// Keeps a ChatState in line with the backend: live updates, plus snapshots whenever the
// live stream cannot be trusted (start-up, reload, a gap). Tauri events are not
// buffered by the backend, so the order at start matters: subscribe first (buffering),
// then take the snapshot, then replay what arrived meanwhile.

import type {
  AppError,
  ChatSnapshot,
  ExecutionSnapshot,
  ExecutionUpdate,
  InspectedEvents,
  SendRequest,
} from "../bindings";
import type { Result } from "../result";
import {
  applyExecutionSnapshot,
  applySnapshot,
  applyUpdate,
  emptyChat,
  type ChatState,
} from "./chat";

/** The commands the sync layer uses (a subset of `commands` in bindings.ts). */
export interface SyncCommands {
  chatSnapshot(): Promise<ChatSnapshot>;
  executionSnapshot(handle: string): Promise<Result<ExecutionSnapshot, AppError>>;
  sendMessage(request: SendRequest): Promise<Result<string, AppError>>;
  stopExecution(handle: string): Promise<Result<null, AppError>>;
  inspectExecution(handle: string): Promise<Result<InspectedEvents, AppError>>;
}

/** The events the sync layer uses (a subset of `events` in bindings.ts). */
export interface SyncEvents {
  executionUpdate: {
    listen(cb: (event: { payload: ExecutionUpdate }) => void): Promise<() => void>;
  };
}

export interface ChatStore {
  /** Subscribes, loads the snapshot, replays buffered updates. Idempotent. */
  start(): Promise<void>;
  /** Unsubscribes for good: later updates are ignored and listeners dropped. */
  close(): void;
  getState(): ChatState;
  subscribe(listener: () => void): () => void;
  /** Sends a message. The chat entry appears from the `accepted` update, not from here. */
  send(request: SendRequest): Promise<Result<string, AppError>>;
  /** Stops a running execution; the `stopped` update follows as usual. */
  stop(handle: string): Promise<Result<null, AppError>>;
  /** The raw events of one execution, for the Inspect view. */
  inspect(handle: string): Promise<Result<InspectedEvents, AppError>>;
}

/** How many times in a row one handle's snapshot is re-fetched because gaps persist. */
const MAX_SNAPSHOT_ATTEMPTS = 3;

/**
 * When listeners hear of a change. Updates are folded as they arrive, but React need
 * render at most once a frame: the backend may deliver several updates per frame, and
 * rendering each would starve the page of frames (WebKit runs queued event handlers
 * before painting). The default tells listeners at once (tests); the app passes
 * `everyFrame`.
 */
export type RenderScheduler = (render: () => void) => void;

/** Tells listeners once per animation frame, however many changes came in it. */
export function everyFrame(): RenderScheduler {
  let queued = false;
  return (render) => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      render();
    });
  };
}

const immediately: RenderScheduler = (render) => render();

export function createChatStore(
  commands: SyncCommands,
  events: SyncEvents,
  schedule: RenderScheduler = immediately,
): ChatStore {
  let state: ChatState = emptyChat;
  const listeners = new Set<() => void>();
  let started: Promise<void> | null = null;
  let unlisten: (() => void) | null = null;
  let closed = false;
  /** Updates received before the chat snapshot was applied. */
  let startBuffer: ExecutionUpdate[] | null = null;
  /** Handles whose snapshot is being fetched, with the updates that arrived meanwhile. */
  const refetching = new Map<string, ExecutionUpdate[]>();

  function notifyNow(): void {
    for (const listener of listeners) listener();
  }

  function notify(): void {
    schedule(notifyNow);
  }

  function setState(next: ChatState): void {
    if (next === state) return;
    state = next;
    notify();
  }

  function receive(update: ExecutionUpdate): void {
    if (closed) return;
    if (startBuffer) {
      startBuffer.push(update);
      return;
    }
    const pending = refetching.get(update.handle);
    if (pending) {
      pending.push(update);
      return;
    }
    const result = applyUpdate(state, update);
    setState(result.state);
    if (result.needsSnapshot) void refetch(result.needsSnapshot, [update]);
  }

  /** Fetches one execution's snapshot, applies it, replays updates that came meanwhile. */
  async function refetch(handle: string, initial: ExecutionUpdate[], attempt = 1): Promise<void> {
    if (refetching.has(handle)) return;
    const pending = [...initial];
    refetching.set(handle, pending);
    let snapshot: Result<ExecutionSnapshot, AppError> | null = null;
    try {
      snapshot = await commands.executionSnapshot(handle);
    } catch {
      snapshot = null;
    }
    refetching.delete(handle);
    if (closed) return;
    let next = state;
    if (snapshot?.status === "ok") next = applyExecutionSnapshot(next, snapshot.data);
    let gap = false;
    for (const update of pending) {
      const result = applyUpdate(next, update);
      next = result.state;
      if (result.needsSnapshot) gap = true;
    }
    setState(next);
    // A snapshot older than the updates it should cover: ask again, a bounded number
    // of times. An unknown execution on the backend is not retried.
    if (gap && snapshot?.status === "ok" && attempt < MAX_SNAPSHOT_ATTEMPTS) {
      const stillPending = pending.filter((u) => applyUpdate(state, u).needsSnapshot !== null);
      void refetch(handle, stillPending, attempt + 1);
    }
  }

  async function run(): Promise<void> {
    startBuffer = [];
    unlisten = await events.executionUpdate.listen((event) => receive(event.payload));
    let failure: unknown = null;
    try {
      const snapshot = await commands.chatSnapshot();
      state = applySnapshot(state, snapshot);
    } catch (e) {
      failure = e;
    }
    const buffered = startBuffer;
    startBuffer = null;
    // Updates already covered by the snapshot have seq <= the entry's seq: ignored.
    for (const update of buffered) receive(update);
    notify();
    if (failure !== null) throw failure;
  }

  return {
    start() {
      if (!started) started = run();
      return started;
    },
    close() {
      closed = true;
      unlisten?.();
      unlisten = null;
      listeners.clear();
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async send({ agentId, message }) {
      const result = await commands.sendMessage({ agentId, message });
      // Normally the `accepted` update has arrived by now or is on its way. If this page
      // missed it (it listened late), the execution's snapshot fills the entry in.
      if (
        result.status === "ok" &&
        !startBuffer &&
        !state.entries.has(result.data) &&
        !refetching.has(result.data)
      ) {
        void refetch(result.data, []);
      }
      return result;
    },
    stop: (handle) => commands.stopExecution(handle),
    inspect: (handle) => commands.inspectExecution(handle),
  };
}

// Keeps the UI's view in line with the backend: live updates of every conversation's
// executions, conversation pages as they are opened, and the sidebar's lists.
//
// Tauri events are not buffered by the backend, so the order matters: subscribe first
// (start), then open a conversation while buffering its updates, merge the page (by
// handle, the higher seq wins), then replay what arrived meanwhile. A gap in one
// execution's updates is filled from its snapshot. Updates of conversations that are
// not open are folded too: switching back is instant and the sidebar knows which
// conversations are answering.

import type {
  ConversationChanged,
  ConversationCursor,
  ConversationSummary,
  ConversationView,
  ExecutionSnapshot,
  ExecutionUpdate,
  InspectedEvents,
} from "../bindings";
import type { AppError } from "../bindings";
import type { Result } from "../result";
import {
  applyConversationPage,
  applyExecutionSnapshot,
  applyUpdate,
  emptyChat,
  type ChatState,
} from "./chat";
import {
  PAGE_SIZE,
  conversationChanged,
  conversationRemoved,
  emptyConversations,
  forWorkspace,
  messageSent,
  pageFailed,
  pageLoaded,
  pageRequested,
  type ConversationsState,
} from "./conversations";

/** A message to send: the composer's text and a wizard agent's values (null: none). */
export type SendInput = {
  conversationId: string;
  message: string;
  variables: { [key in string]: string } | null;
  /** Staged attachments to send with it (each uploaded). */
  attachmentIds?: string[];
};

/** The commands the sync layer uses (a subset of `commands` in bindings.ts). */
export interface SyncCommands {
  executionSnapshot(handle: string): Promise<Result<ExecutionSnapshot, AppError>>;
  listConversations(
    workspaceId: string,
    archived: boolean,
    after: ConversationCursor | null,
    limit: number,
  ): Promise<Result<ConversationSummary[], AppError>>;
  startConversation(workspaceId: string, agentId: string): Promise<Result<ConversationSummary, AppError>>;
  openConversation(conversationId: string, before: number | null, limit: number): Promise<Result<ConversationView, AppError>>;
  saveDraft(conversationId: string, text: string): Promise<unknown>;
  sendMessage(
    conversationId: string,
    message: string,
    variables: { [key in string]: string } | null,
    attachmentIds?: string[],
  ): Promise<Result<string, AppError>>;
  resendMessage(handle: string): Promise<Result<null, AppError>>;
  regenerateMessage(handle: string): Promise<Result<string, AppError>>;
  giveFeedback(handle: string, up: boolean): Promise<Result<null, AppError>>;
  stopExecution(handle: string): Promise<Result<null, AppError>>;
  inspectExecution(handle: string): Promise<Result<InspectedEvents, AppError>>;
}

type Listen<T> = { listen(cb: (event: { payload: T }) => void): Promise<() => void> };

/** The events the sync layer uses (a subset of `events` in bindings.ts). */
export interface SyncEvents {
  executionUpdate: Listen<ExecutionUpdate>;
  conversationChanged: Listen<ConversationChanged>;
}

/** What the store knows of an opened conversation's pages. */
export type LoadedConversation = {
  /** Older messages exist. */
  readonly moreBefore: boolean;
  /** Pass to `openConversation` for the page before the loaded ones. */
  readonly before: number | null;
  /** An older page is on its way. */
  readonly loadingEarlier: boolean;
};

export type StoreState = {
  /** Executions of every conversation. */
  readonly chat: ChatState;
  /** The sidebar's lists, for the shown workspace. */
  readonly conversations: ConversationsState;
  /** Conversations opened at least once, by id. */
  readonly loaded: ReadonlyMap<string, LoadedConversation>;
};

export interface ChatStore {
  /** Subscribes to the backend's events. Idempotent; call before anything else. */
  start(): Promise<void>;
  /** Unsubscribes for good: later updates are ignored and listeners dropped. */
  close(): void;
  getState(): StoreState;
  subscribe(listener: () => void): () => void;
  /** The sidebar shows this workspace's conversations (its lists start empty). */
  showWorkspace(workspaceId: string): void;
  /** Loads the first page of a list, or the next one with `more`. */
  loadConversations(archived: boolean, more?: boolean): Promise<Result<ConversationSummary[], AppError>>;
  /** Starts an empty conversation; it joins the list. */
  startConversation(workspaceId: string, agentId: string): Promise<Result<ConversationSummary, AppError>>;
  /** A conversation as a command returned it (renamed, archived, imported): the lists follow. */
  conversationUpdated(conversation: ConversationSummary): void;
  /** A conversation was deleted: it leaves the lists. */
  conversationRemoved(conversationId: string): void;
  /** Loads a conversation's newest messages (and its draft), merged with what is known. */
  open(conversationId: string): Promise<Result<ConversationView, AppError>>;
  /** Loads the page of messages before the loaded ones. */
  loadEarlier(conversationId: string): Promise<Result<ConversationView, AppError> | null>;
  /** Keeps a conversation's draft (errors are dropped: a draft is best effort). */
  saveDraft(conversationId: string, text: string): Promise<void>;
  /** Sends a message. The chat entry appears from the `accepted` update, not from here. */
  send(request: SendInput): Promise<Result<string, AppError>>;
  resend(handle: string): Promise<Result<null, AppError>>;
  regenerate(handle: string): Promise<Result<string, AppError>>;
  feedback(handle: string, up: boolean): Promise<Result<null, AppError>>;
  /** Stops a running execution; the `stopped` update follows as usual. */
  stop(handle: string): Promise<Result<null, AppError>>;
  /** The raw events of one execution, for the Inspect view. */
  inspect(handle: string): Promise<Result<InspectedEvents, AppError>>;
}

/** How many times in a row one handle's snapshot is re-fetched because gaps persist. */
const MAX_SNAPSHOT_ATTEMPTS = 3;

/** How many messages one page of a conversation holds. */
export const MESSAGE_PAGE = 50;

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

export type StoreOptions = {
  schedule?: RenderScheduler;
  /** The clock (Unix ms) that dates a sent message in the sidebar. */
  now?: () => number;
};

/** A command that threw (an IPC failure) as the `internal` error. */
async function settle<T>(call: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await call();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}

export function createChatStore(commands: SyncCommands, events: SyncEvents, options: StoreOptions = {}): ChatStore {
  const schedule = options.schedule ?? immediately;
  const now = options.now ?? (() => Date.now());
  let state: StoreState = { chat: emptyChat, conversations: emptyConversations, loaded: new Map() };
  const listeners = new Set<() => void>();
  let started: Promise<void> | null = null;
  const unlisten: Array<() => void> = [];
  let closed = false;
  /** Conversations being opened, with their updates that arrived meanwhile. */
  const opening = new Map<string, ExecutionUpdate[]>();
  const openCalls = new Map<string, Promise<Result<ConversationView, AppError>>>();
  /** Handles whose snapshot is being fetched, with the updates that arrived meanwhile. */
  const refetching = new Map<string, ExecutionUpdate[]>();

  function notifyNow(): void {
    for (const listener of listeners) listener();
  }

  function setState(next: Partial<StoreState>): void {
    const merged = { ...state, ...next };
    if (
      merged.chat === state.chat &&
      merged.conversations === state.conversations &&
      merged.loaded === state.loaded
    ) {
      return;
    }
    state = merged;
    schedule(notifyNow);
  }

  function setLoaded(conversationId: string, info: LoadedConversation): void {
    const loaded = new Map(state.loaded);
    loaded.set(conversationId, info);
    setState({ loaded });
  }

  /** Folds one update; a newly accepted message moves its conversation up the list. */
  function fold(update: ExecutionUpdate): void {
    const result = applyUpdate(state.chat, update);
    let conversations = state.conversations;
    if (result.state !== state.chat && update.change.type === "accepted") {
      const { conversationId, message } = update.change.request;
      conversations = messageSent(conversations, conversationId, message, now());
    }
    setState({ chat: result.state, conversations });
    if (result.needsSnapshot) void refetch(result.needsSnapshot, [update]);
  }

  function receive(update: ExecutionUpdate): void {
    if (closed) return;
    const buffer = opening.get(update.conversationId);
    if (buffer) {
      buffer.push(update);
      return;
    }
    const pending = refetching.get(update.handle);
    if (pending) {
      pending.push(update);
      return;
    }
    fold(update);
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
    let next = state.chat;
    if (snapshot?.status === "ok") next = applyExecutionSnapshot(next, snapshot.data);
    let gap = false;
    for (const update of pending) {
      const result = applyUpdate(next, update);
      next = result.state;
      if (result.needsSnapshot) gap = true;
    }
    setState({ chat: next });
    // A snapshot older than the updates it should cover: ask again, a bounded number
    // of times. An unknown execution on the backend is not retried.
    if (gap && snapshot?.status === "ok" && attempt < MAX_SNAPSHOT_ATTEMPTS) {
      const stillPending = pending.filter((u) => applyUpdate(state.chat, u).needsSnapshot !== null);
      void refetch(handle, stillPending, attempt + 1);
    }
  }

  function changed(event: ConversationChanged): void {
    if (closed) return;
    setState({ conversations: conversationChanged(state.conversations, event.conversation, event.notice) });
  }

  async function run(): Promise<void> {
    unlisten.push(await events.executionUpdate.listen((event) => receive(event.payload)));
    unlisten.push(await events.conversationChanged.listen((event) => changed(event.payload)));
  }

  async function openNow(conversationId: string): Promise<Result<ConversationView, AppError>> {
    await (started ?? store.start());
    opening.set(conversationId, []);
    const result = await settle(() => commands.openConversation(conversationId, null, MESSAGE_PAGE));
    const buffered = opening.get(conversationId) ?? [];
    opening.delete(conversationId);
    if (closed) return result;
    if (result.status === "ok") {
      const view = result.data;
      const loaded = new Map(state.loaded);
      loaded.set(conversationId, { moreBefore: view.moreBefore, before: view.before, loadingEarlier: false });
      setState({
        chat: applyConversationPage(state.chat, conversationId, view.messages, "latest"),
        conversations: conversationChanged(state.conversations, view.conversation),
        loaded,
      });
    }
    // Updates already covered by the page have seq <= the entry's seq: ignored.
    for (const update of buffered) receive(update);
    return result;
  }

  const store: ChatStore = {
    start() {
      if (!started) started = run();
      return started;
    },
    close() {
      closed = true;
      for (const stop of unlisten.splice(0)) stop();
      listeners.clear();
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    showWorkspace(workspaceId) {
      setState({ conversations: forWorkspace(state.conversations, workspaceId) });
    },
    async loadConversations(archived, more = false) {
      const workspaceId = state.conversations.workspaceId;
      if (workspaceId === null) return { status: "ok", data: [] };
      const list = archived ? state.conversations.archived : state.conversations.active;
      const after = more ? list.cursor : null;
      setState({ conversations: pageRequested(state.conversations, archived) });
      const result = await settle(() => commands.listConversations(workspaceId, archived, after, PAGE_SIZE));
      if (closed) return result;
      setState({
        conversations:
          result.status === "ok"
            ? pageLoaded(state.conversations, workspaceId, archived, result.data, PAGE_SIZE)
            : pageFailed(state.conversations, archived),
      });
      return result;
    },
    async startConversation(workspaceId, agentId) {
      const result = await settle(() => commands.startConversation(workspaceId, agentId));
      if (result.status === "ok" && !closed) {
        setState({ conversations: conversationChanged(state.conversations, result.data) });
      }
      return result;
    },
    conversationUpdated(conversation) {
      if (closed) return;
      setState({ conversations: conversationChanged(state.conversations, conversation) });
    },
    conversationRemoved(conversationId) {
      if (closed) return;
      const loaded = new Map(state.loaded);
      loaded.delete(conversationId);
      setState({ conversations: conversationRemoved(state.conversations, conversationId), loaded });
    },
    open(conversationId) {
      const inFlight = openCalls.get(conversationId);
      if (inFlight) return inFlight;
      const call = openNow(conversationId).finally(() => openCalls.delete(conversationId));
      openCalls.set(conversationId, call);
      return call;
    },
    async loadEarlier(conversationId) {
      const info = state.loaded.get(conversationId);
      if (!info || !info.moreBefore || info.loadingEarlier || info.before === null) return null;
      setLoaded(conversationId, { ...info, loadingEarlier: true });
      const result = await settle(() => commands.openConversation(conversationId, info.before, MESSAGE_PAGE));
      if (closed) return result;
      if (result.status === "ok") {
        const view = result.data;
        const loaded = new Map(state.loaded);
        loaded.set(conversationId, { moreBefore: view.moreBefore, before: view.before, loadingEarlier: false });
        setState({ chat: applyConversationPage(state.chat, conversationId, view.messages, "older"), loaded });
      } else {
        setLoaded(conversationId, { ...info, loadingEarlier: false });
      }
      return result;
    },
    async saveDraft(conversationId, text) {
      try {
        await commands.saveDraft(conversationId, text);
      } catch {
        // A draft that could not be kept is still in the composer.
      }
    },
    async send(request) {
      const { conversationId, message, variables, attachmentIds } = request;
      // A message without attachments is sent exactly as before they existed.
      const result =
        attachmentIds && attachmentIds.length > 0
          ? await commands.sendMessage(conversationId, message, variables, attachmentIds)
          : await commands.sendMessage(conversationId, message, variables);
      // Normally the `accepted` update has arrived by now or is on its way. If this page
      // missed it (it listened late), the execution's snapshot fills the entry in.
      if (
        result.status === "ok" &&
        !opening.has(request.conversationId) &&
        !state.chat.entries.has(result.data) &&
        !refetching.has(result.data)
      ) {
        void refetch(result.data, []);
      }
      return result;
    },
    resend: (handle) => commands.resendMessage(handle),
    async regenerate(handle) {
      const result = await commands.regenerateMessage(handle);
      if (result.status === "ok" && !state.chat.entries.has(result.data) && !refetching.has(result.data)) {
        void refetch(result.data, []);
      }
      return result;
    },
    feedback: (handle, up) => commands.giveFeedback(handle, up),
    stop: (handle) => commands.stopExecution(handle),
    inspect: (handle) => commands.inspectExecution(handle),
  };
  return store;
}

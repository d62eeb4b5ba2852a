import { describe, expect, it } from "vitest";
import type { AppError, ConversationChanged, ConversationSummary, ConversationView, ExecutionSnapshot, ExecutionUpdate } from "../bindings";
import type { Result } from "../result";
import { accepted, addText, answerOf, append, conversation, snapshot, update } from "../testFixtures";
import { answerMarkdown, chatEntries, conversationEntries } from "./chat";
import { createChatStore, type SyncCommands, type SyncEvents } from "./sync";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

type D<T> = ReturnType<typeof deferred<T>>;

function view(id: string, messages: ExecutionSnapshot[], fields: Partial<ConversationView> = {}): ConversationView {
  return { conversation: conversation(id), draft: "", messages, moreBefore: false, before: null, ...fields };
}

/** A fake backend: records calls in order; the test decides when commands answer. */
function fakeBackend() {
  const calls: string[] = [];
  let emit: ((u: ExecutionUpdate) => void) | null = null;
  let emitChanged: ((c: ConversationChanged) => void) | null = null;
  let unlistened = 0;
  const execSnapshots = new Map<string, D<Result<ExecutionSnapshot, AppError>>>();
  const opens: Array<D<Result<ConversationView, AppError>>> = [];
  const lists: Array<D<Result<ConversationSummary[], AppError>>> = [];
  const sends: Array<D<Result<string, AppError>>> = [];

  const commands: SyncCommands = {
    executionSnapshot(handle) {
      calls.push(`executionSnapshot:${handle}`);
      const d = deferred<Result<ExecutionSnapshot, AppError>>();
      execSnapshots.set(handle, d);
      return d.promise;
    },
    listConversations(workspaceId, archived, after, limit) {
      calls.push(`listConversations:${workspaceId}:${archived}:${after ? after.id : "-"}:${limit}`);
      const d = deferred<Result<ConversationSummary[], AppError>>();
      lists.push(d);
      return d.promise;
    },
    async startConversation(workspaceId, agentId) {
      calls.push(`startConversation:${workspaceId}:${agentId}`);
      return { status: "ok", data: conversation("new", { workspaceId, agentId, title: "", lastActivityMs: 9_000 }) };
    },
    openConversation(id, before, limit) {
      calls.push(`openConversation:${id}:${before ?? "-"}:${limit}`);
      const d = deferred<Result<ConversationView, AppError>>();
      opens.push(d);
      return d.promise;
    },
    async saveDraft(id, text) {
      calls.push(`saveDraft:${id}:${text}`);
      return null;
    },
    sendMessage(conversationId, message) {
      calls.push(`sendMessage:${conversationId}:${message}`);
      const d = deferred<Result<string, AppError>>();
      sends.push(d);
      return d.promise;
    },
    async resendMessage(handle) {
      calls.push(`resendMessage:${handle}`);
      return { status: "ok", data: null };
    },
    async regenerateMessage(handle) {
      calls.push(`regenerateMessage:${handle}`);
      return { status: "ok", data: `${handle}-again` };
    },
    async giveFeedback(handle, up) {
      calls.push(`giveFeedback:${handle}:${up}`);
      return { status: "ok", data: null };
    },
    async stopExecution(handle) {
      calls.push(`stopExecution:${handle}`);
      return handle === "gone"
        ? { status: "error", error: { code: "unknownExecution", handle } }
        : { status: "ok", data: null };
    },
    async inspectExecution(handle) {
      calls.push(`inspectExecution:${handle}`);
      return { status: "ok", data: { events: [{ number: 1, atMs: 4, eventType: "start", json: "{}" }], cut: 0 } };
    },
  };
  const events: SyncEvents = {
    executionUpdate: {
      async listen(cb) {
        calls.push("listen");
        emit = (u) => cb({ payload: u });
        return () => {
          unlistened++;
        };
      },
    },
    conversationChanged: {
      async listen(cb) {
        calls.push("listenConversations");
        emitChanged = (c) => cb({ payload: c });
        return () => {
          unlistened++;
        };
      },
    },
  };
  return {
    commands,
    events,
    calls,
    execSnapshots,
    opens,
    lists,
    sends,
    emit(u: ExecutionUpdate) {
      if (!emit) throw new Error("nobody is listening");
      emit(u);
    },
    changed(c: ConversationChanged) {
      if (!emitChanged) throw new Error("nobody is listening");
      emitChanged(c);
    },
    get unlistened() {
      return unlistened;
    },
  };
}

/** A started store with conversation c1 open (empty unless given). */
async function opened(messages: ExecutionSnapshot[] = [], clock = () => 50_000) {
  const b = fakeBackend();
  const store = createChatStore(b.commands, b.events, { now: clock });
  await store.start();
  const o = store.open("c1");
  await flush();
  b.opens[0]!.resolve({ status: "ok", data: view("c1", messages) });
  await o;
  return { b, store };
}

const entriesOf = (store: ReturnType<typeof createChatStore>, id = "c1") => conversationEntries(store.getState().chat, id);

describe("start and open", () => {
  it("subscribes to both events before opening a conversation", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const o = store.open("c1");
    await flush();
    expect(b.calls).toEqual(["listen", "listenConversations", "openConversation:c1:-:50"]);
    b.opens[0]!.resolve({ status: "ok", data: view("c1", []) });
    await o;
  });

  it("buffers the conversation's updates during the open and replays only those the page does not cover", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    await store.start();
    const o = store.open("c1");
    await flush();
    // Arrive while the page is being read: seq 2 and 3 are in the page, 4 is not.
    b.emit(addText("a", 2, "Hel"));
    b.emit(append("a", 3, "lo"));
    b.emit(append("a", 4, ", world"));
    expect(store.getState().chat.order).toEqual([]); // nothing applied before the page
    b.opens[0]!.resolve({ status: "ok", data: view("c1", [snapshot("a", { seq: 3, text: "Hello" })]) });
    await o;
    expect(entriesOf(store)[0]?.seq).toBe(4);
    expect(answerOf(entriesOf(store)[0])).toBe("Hello, world");
    expect(b.calls.filter((c) => c.startsWith("executionSnapshot"))).toEqual([]); // no gap, no extra fetch
  });

  it("merges the page by handle: an execution further along locally keeps its updates", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    await store.start();
    b.emit(accepted("a", "hi"));
    b.emit(addText("a", 2, "live"));
    b.emit(append("a", 3, " and more"));
    const o = store.open("c1");
    await flush();
    b.opens[0]!.resolve({ status: "ok", data: view("c1", [snapshot("old", { seq: 5, message: "earlier", status: "completed" }), snapshot("a", { seq: 2, message: "hi", text: "live" })]) });
    await o;
    expect(entriesOf(store).map((e) => [e.request.message, answerOf(e), e.seq])).toEqual([
      ["earlier", "", 5],
      ["hi", "live and more", 3],
    ]);
  });

  it("folds updates of a conversation that is not open, without showing them in the open one", async () => {
    const { b, store } = await opened([snapshot("a", { seq: 2, status: "completed" })]);
    b.emit(accepted("x", "elsewhere", "agent-1", "c2"));
    b.emit(addText("x", 2, "streaming", "c2"));
    expect(entriesOf(store).map((e) => e.handle)).toEqual(["a"]);
    expect(entriesOf(store, "c2").map((e) => answerOf(e))).toEqual(["streaming"]);
  });

  it("fills in a running execution of another conversation from its snapshot", async () => {
    const { b, store } = await opened();
    b.emit(append("y", 7, "!", 0, "c2"));
    expect(b.calls).toContain("executionSnapshot:y");
    b.execSnapshots.get("y")!.resolve({ status: "ok", data: snapshot("y", { seq: 7, conversationId: "c2", text: "all!" }) });
    await flush();
    expect(entriesOf(store, "c2").map((e) => answerOf(e))).toEqual(["all!"]);
  });

  it("loads earlier messages with `before` and puts them above", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const o = store.open("c1");
    await flush();
    b.opens[0]!.resolve({ status: "ok", data: view("c1", [snapshot("c", { message: "C" })], { moreBefore: true, before: 17 }) });
    await o;
    expect(store.getState().loaded.get("c1")).toEqual({ moreBefore: true, before: 17, loadingEarlier: false });
    const earlier = store.loadEarlier("c1");
    await flush();
    expect(b.calls[b.calls.length - 1]).toBe("openConversation:c1:17:50");
    expect(store.getState().loaded.get("c1")?.loadingEarlier).toBe(true);
    b.opens[1]!.resolve({ status: "ok", data: view("c1", [snapshot("a", { message: "A" }), snapshot("b", { message: "B" })], { moreBefore: false, before: null }) });
    await earlier;
    expect(entriesOf(store).map((e) => e.request.message)).toEqual(["A", "B", "C"]);
    expect(store.getState().loaded.get("c1")).toEqual({ moreBefore: false, before: null, loadingEarlier: false });
    await expect(store.loadEarlier("c1")).resolves.toBeNull(); // nothing more to ask
  });

  it("reports a failed open as an error result and still folds its buffered updates", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    await store.start();
    const o = store.open("c1");
    await flush();
    b.emit(accepted("a", "buffered"));
    b.opens[0]!.resolve({ status: "error", error: { code: "storage" } });
    await expect(o).resolves.toEqual({ status: "error", error: { code: "storage" } });
    expect(entriesOf(store).map((e) => e.request.message)).toEqual(["buffered"]);
  });
});

describe("conversation list", () => {
  async function listed(rows: ConversationSummary[]) {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events, { now: () => 99_000 });
    await store.start();
    store.showWorkspace("demo");
    const p = store.loadConversations(false);
    await flush();
    b.lists[0]!.resolve({ status: "ok", data: rows });
    await p;
    return { b, store };
  }
  const titles = (store: ReturnType<typeof createChatStore>) => store.getState().conversations.active.items.map((c) => c.title);

  it("lists the workspace's conversations and pages on with the last row's cursor", async () => {
    const rows = Array.from({ length: 50 }, (_, i) => conversation(`c${i}`, { lastActivityMs: 10_000 - i }));
    const { b, store } = await listed(rows);
    expect(b.calls[b.calls.length - 1]).toBe("listConversations:demo:false:-:50");
    expect(store.getState().conversations.active.complete).toBe(false);
    const more = store.loadConversations(false, true);
    await flush();
    expect(b.calls[b.calls.length - 1]).toBe("listConversations:demo:false:c49:50");
    b.lists[1]!.resolve({ status: "ok", data: [conversation("c50", { lastActivityMs: 1 })] });
    await more;
    expect(store.getState().conversations.active.items).toHaveLength(51);
    expect(store.getState().conversations.active.complete).toBe(true);
  });

  it("moves a conversation to the top and titles it when a message is accepted", async () => {
    const { b, store } = await listed([
      conversation("c1", { title: "First", lastActivityMs: 5_000 }),
      conversation("c2", { title: "", lastActivityMs: 4_000 }),
    ]);
    b.emit(accepted("h", "  \nWhat is the tallest mountain on Earth, and how was its height measured?\nMore", "agent-1", "c2"));
    expect(titles(store)).toEqual(["What is the tallest mountain on Earth, and how was its heigh…", "First"]);
    expect(store.getState().conversations.active.items[0]!.lastActivityMs).toBe(99_000);
  });

  it("moves a conversation that was archived into Archived, with its notice", async () => {
    const { b, store } = await listed([conversation("c1", { title: "Old" }), conversation("c2", { title: "Other" })]);
    b.changed({ conversation: conversation("c1", { title: "Old", archived: true }), notice: null });
    b.changed({
      conversation: conversation("c3", { title: "", lastActivityMs: 20_000 }),
      notice: { kind: "previousArchived", previousId: "c1" },
    });
    expect(titles(store)).toEqual(["", "Other"]);
    expect(store.getState().conversations.archived.items.map((c) => c.id)).toEqual(["c1"]);
    expect(store.getState().conversations.notices.get("c3")).toEqual({ kind: "previousArchived", previousId: "c1" });
  });

  it("adds a started conversation to the list", async () => {
    const { store } = await listed([conversation("c1", { lastActivityMs: 5_000 })]);
    await store.startConversation("demo", "agent-2");
    expect(store.getState().conversations.active.items.map((c) => c.id)).toEqual(["new", "c1"]);
  });
});

describe("gaps", () => {
  async function started() {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    await store.start();
    return { b, store };
  }

  it("fetches the execution's snapshot on a gap, then replays what arrived meanwhile", async () => {
    const { b, store } = await started();
    b.emit(accepted("a"));
    b.emit(append("a", 3, "C")); // seq 2 was lost
    expect(b.calls).toContain("executionSnapshot:a");
    b.emit(append("a", 4, "D")); // arrives during the fetch
    expect(answerOf(store.getState().chat.entries.get("a"))).toBe("");
    b.execSnapshots.get("a")!.resolve({ status: "ok", data: snapshot("a", { seq: 3, text: "ABC" }) });
    await flush();
    expect(store.getState().chat.entries.get("a")?.seq).toBe(4);
    expect(answerOf(store.getState().chat.entries.get("a"))).toBe("ABCD");
    expect(b.calls.filter((c) => c.startsWith("executionSnapshot"))).toHaveLength(1);
  });

  it("asks only once per handle while a fetch is in flight", async () => {
    const { b } = await started();
    b.emit(append("x", 5, "1"));
    b.emit(append("x", 6, "2"));
    b.emit(append("x", 8, "3"));
    expect(b.calls.filter((c) => c === "executionSnapshot:x")).toHaveLength(1);
  });

  it("fills in an execution whose `accepted` this page missed", async () => {
    const { b, store } = await started();
    b.emit(append("m", 3, "tail"));
    b.execSnapshots
      .get("m")!
      .resolve({ status: "ok", data: snapshot("m", { seq: 3, message: "missed", text: "head+tail" }) });
    await flush();
    const entries = chatEntries(store.getState().chat);
    expect(entries).toEqual([expect.objectContaining({ handle: "m", seq: 3 })]);
    expect([entries[0]!.request.message, answerOf(entries[0])]).toEqual(["missed", "head+tail"]);
  });
});

describe("send", () => {
  async function started() {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    await store.start();
    return { b, store };
  }

  it("creates the entry from `accepted` even when it arrives before sendMessage resolves", async () => {
    const { b, store } = await started();
    const sent = store.send({ conversationId: "c1", message: "hi", variables: null });
    b.emit(accepted("h1", "hi"));
    expect(chatEntries(store.getState().chat).map((e) => e.request.message)).toEqual(["hi"]);
    b.sends[0]!.resolve({ status: "ok", data: "h1" });
    await expect(sent).resolves.toEqual({ status: "ok", data: "h1" });
    expect(b.calls).toEqual(["listen", "listenConversations", "sendMessage:c1:hi"]);
    expect(store.getState().chat.order).toEqual(["h1"]);
  });

  it("does not create an entry from an error result", async () => {
    const { b, store } = await started();
    const sent = store.send({ conversationId: "c1", message: "hi", variables: null });
    b.sends[0]!.resolve({ status: "error", error: { code: "unreachable" } });
    await expect(sent).resolves.toEqual({ status: "error", error: { code: "unreachable" } });
    expect(store.getState().chat.order).toEqual([]);
  });

  it("asks for the snapshot when the command resolves and `accepted` never came", async () => {
    const { b, store } = await started();
    const sent = store.send({ conversationId: "c1", message: "hi", variables: null });
    b.sends[0]!.resolve({ status: "ok", data: "h9" });
    await sent;
    expect(b.calls).toContain("executionSnapshot:h9");
    b.emit(accepted("h9", "hi")); // late: buffered until the snapshot lands
    b.execSnapshots.get("h9")!.resolve({ status: "ok", data: snapshot("h9", { seq: 2, message: "hi", executionId: "e" }) });
    await flush();
    expect(chatEntries(store.getState().chat)).toEqual([expect.objectContaining({ handle: "h9", seq: 2, executionId: "e" })]);
  });
});

describe("stop and inspect", () => {
  it("pass the handle through to the backend and return its answer", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    await expect(store.stop("h1")).resolves.toEqual({ status: "ok", data: null });
    await expect(store.stop("gone")).resolves.toEqual({
      status: "error",
      error: { code: "unknownExecution", handle: "gone" },
    });
    const inspected = await store.inspect("h1");
    expect(inspected.status === "ok" && inspected.data.events.map((e) => e.eventType)).toEqual(["start"]);
    expect(b.calls).toEqual(["stopExecution:h1", "stopExecution:gone", "inspectExecution:h1"]);
  });

  it("leave the chat to the updates: stopping changes nothing until `stopped` arrives", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    await store.start();
    b.emit(accepted("h1"));
    const before = store.getState();
    await store.stop("h1");
    expect(store.getState()).toBe(before);
    b.emit(update("h1", 2, { type: "stopped" }));
    expect(store.getState().chat.entries.get("h1")?.status).toBe("stopped");
  });
});

describe("close", () => {
  it("unsubscribes and ignores later updates", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    await store.start();
    store.close();
    expect(b.unlistened).toBe(2);
    b.emit(accepted("late"));
    expect(store.getState().chat.order).toEqual([]);
  });
});

describe("resend, regenerate and feedback", () => {
  it("pass the handle through and fill in a regenerated execution whose `accepted` was missed", async () => {
    const { b, store } = await opened([snapshot("h1", { seq: 3, status: "completed" })]);
    await expect(store.resend("h1")).resolves.toEqual({ status: "ok", data: null });
    await expect(store.feedback("h1", false)).resolves.toEqual({ status: "ok", data: null });
    await expect(store.regenerate("h1")).resolves.toEqual({ status: "ok", data: "h1-again" });
    expect(b.calls.slice(-4)).toEqual(["resendMessage:h1", "giveFeedback:h1:false", "regenerateMessage:h1", "executionSnapshot:h1-again"]);
  });
});

describe("render scheduling", () => {
  it("folds every update at once but tells listeners once per scheduled frame", async () => {
    const frames: Array<() => void> = [];
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events, { schedule: (render) => frames.push(render) });
    await store.start();
    frames.splice(0).forEach((f) => f());
    let renders = 0;
    store.subscribe(() => renders++);
    b.emit(accepted("h", "hi"));
    b.emit(addText("h", 2, "a"));
    b.emit(append("h", 3, "b"));
    expect(renders).toBe(0);
    expect(frames.length).toBeGreaterThan(0);
    // The fold is already done; only the render waits for the frame.
    expect(answerMarkdown(store.getState().chat.entries.get("h")!.parts)).toBe("ab");
    frames.splice(0).forEach((f) => f());
    expect(renders).toBeGreaterThanOrEqual(1);
  });
});

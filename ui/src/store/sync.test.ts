import { describe, expect, it } from "vitest";
import type { AppError, ChatSnapshot, ExecutionSnapshot, ExecutionUpdate } from "../bindings";
import type { Result } from "../result";
import { accepted, addText, answerOf, append, snapshot, update } from "../testFixtures";
import { answerMarkdown, chatEntries } from "./chat";
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

/** A fake backend: records calls in order; the test decides when commands answer. */
function fakeBackend() {
  const calls: string[] = [];
  let emit: ((u: ExecutionUpdate) => void) | null = null;
  let unlistened = false;
  const chat = deferred<ChatSnapshot>();
  const execSnapshots = new Map<string, ReturnType<typeof deferred<Result<ExecutionSnapshot, AppError>>>>();
  const sends: Array<ReturnType<typeof deferred<Result<string, AppError>>>> = [];

  const commands: SyncCommands = {
    chatSnapshot() {
      calls.push("chatSnapshot");
      return chat.promise;
    },
    executionSnapshot(handle) {
      calls.push(`executionSnapshot:${handle}`);
      const d = deferred<Result<ExecutionSnapshot, AppError>>();
      execSnapshots.set(handle, d);
      return d.promise;
    },
    sendMessage(request) {
      calls.push(`sendMessage:${request.agentId}:${request.message}`);
      const d = deferred<Result<string, AppError>>();
      sends.push(d);
      return d.promise;
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
          unlistened = true;
        };
      },
    },
  };
  return {
    commands,
    events,
    calls,
    chat,
    execSnapshots,
    sends,
    emit(u: ExecutionUpdate) {
      if (!emit) throw new Error("nobody is listening");
      emit(u);
    },
    get unlistened() {
      return unlistened;
    },
  };
}

describe("createChatStore start-up", () => {
  it("subscribes before asking for the snapshot", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const started = store.start();
    await flush();
    expect(b.calls).toEqual(["listen", "chatSnapshot"]);
    b.chat.resolve({ executions: [] });
    await started;
  });

  it("buffers updates during the snapshot and replays only those it does not cover", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const started = store.start();
    await flush();
    // Arrive while the snapshot is being taken: seq 2 and 3 are in the snapshot, 4 is not.
    b.emit(addText("a", 2, "Hel"));
    b.emit(append("a", 3, "lo"));
    b.emit(append("a", 4, ", world"));
    expect(store.getState().order).toEqual([]); // nothing applied before the snapshot
    b.chat.resolve({ executions: [snapshot("a", { seq: 3, text: "Hello" })] });
    await started;
    expect(store.getState().entries.get("a")?.seq).toBe(4);
    expect(answerOf(store.getState().entries.get("a"))).toBe("Hello, world");
    expect(b.calls).toEqual(["listen", "chatSnapshot"]); // no gap, no extra fetch
  });

  it("continues a running execution after a reload and live updates keep flowing", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const started = store.start();
    await flush();
    b.chat.resolve({
      executions: [
        snapshot("old", { seq: 5, message: "earlier", text: "done", status: "completed" }),
        snapshot("run", { seq: 9, message: "now", text: "streaming" }),
      ],
    });
    await started;
    let notified = 0;
    store.subscribe(() => notified++);
    b.emit(append("run", 10, "... done"));
    b.emit(update("run", 11, { type: "finished", status: "completed", usage: null }));
    expect(notified).toBe(2);
    expect(chatEntries(store.getState()).map((e) => [e.request.message, answerOf(e), e.status])).toEqual([
      ["earlier", "done", "completed"],
      ["now", "streaming... done", "completed"],
    ]);
  });

  it("is idempotent: a second start neither re-subscribes nor re-fetches", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const first = store.start();
    const second = store.start();
    expect(second).toBe(first);
    b.chat.resolve({ executions: [] });
    await first;
    expect(b.calls).toEqual(["listen", "chatSnapshot"]);
  });

  it("still goes live and rejects when the snapshot fails", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const started = store.start();
    await flush();
    b.emit(accepted("a", "buffered"));
    b.chat.reject(new Error("ipc down"));
    await expect(started).rejects.toThrow("ipc down");
    expect(store.getState().entries.get("a")?.request.message).toBe("buffered");
    b.emit(addText("a", 2, "live"));
    expect(answerOf(store.getState().entries.get("a"))).toBe("live");
  });
});

describe("gaps", () => {
  async function started() {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const p = store.start();
    await flush();
    b.chat.resolve({ executions: [] });
    await p;
    return { b, store };
  }

  it("fetches the execution's snapshot on a gap, then replays what arrived meanwhile", async () => {
    const { b, store } = await started();
    b.emit(accepted("a"));
    b.emit(append("a", 3, "C")); // seq 2 was lost
    expect(b.calls).toContain("executionSnapshot:a");
    b.emit(append("a", 4, "D")); // arrives during the fetch
    expect(answerOf(store.getState().entries.get("a"))).toBe("");
    b.execSnapshots.get("a")!.resolve({ status: "ok", data: snapshot("a", { seq: 3, text: "ABC" }) });
    await flush();
    expect(store.getState().entries.get("a")?.seq).toBe(4);
    expect(answerOf(store.getState().entries.get("a"))).toBe("ABCD");
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
    const entries = chatEntries(store.getState());
    expect(entries).toEqual([expect.objectContaining({ handle: "m", seq: 3 })]);
    expect([entries[0]!.request.message, answerOf(entries[0])]).toEqual(["missed", "head+tail"]);
  });
});

describe("send", () => {
  async function started() {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const p = store.start();
    await flush();
    b.chat.resolve({ executions: [] });
    await p;
    return { b, store };
  }

  it("creates the entry from `accepted` even when it arrives before sendMessage resolves", async () => {
    const { b, store } = await started();
    const sent = store.send({ agentId: "agent-1", message: "hi" });
    b.emit(accepted("h1", "hi"));
    expect(chatEntries(store.getState()).map((e) => e.request.message)).toEqual(["hi"]);
    b.sends[0]!.resolve({ status: "ok", data: "h1" });
    await expect(sent).resolves.toEqual({ status: "ok", data: "h1" });
    expect(b.calls).toEqual(["listen", "chatSnapshot", "sendMessage:agent-1:hi"]);
    expect(store.getState().order).toEqual(["h1"]);
  });

  it("does not create an entry from an error result", async () => {
    const { b, store } = await started();
    const sent = store.send({ agentId: "agent-1", message: "hi" });
    b.sends[0]!.resolve({ status: "error", error: { code: "unreachable" } });
    await expect(sent).resolves.toEqual({ status: "error", error: { code: "unreachable" } });
    expect(store.getState().order).toEqual([]);
  });

  it("asks for the snapshot when the command resolves and `accepted` never came", async () => {
    const { b, store } = await started();
    const sent = store.send({ agentId: "agent-1", message: "hi" });
    b.sends[0]!.resolve({ status: "ok", data: "h9" });
    await sent;
    expect(b.calls).toContain("executionSnapshot:h9");
    b.emit(accepted("h9", "hi")); // late: buffered until the snapshot lands
    b.execSnapshots.get("h9")!.resolve({ status: "ok", data: snapshot("h9", { seq: 2, message: "hi", executionId: "e" }) });
    await flush();
    expect(chatEntries(store.getState())).toEqual([expect.objectContaining({ handle: "h9", seq: 2, executionId: "e" })]);
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
    const p = store.start();
    await flush();
    b.chat.resolve({ executions: [] });
    await p;
    b.emit(accepted("h1"));
    const before = store.getState();
    await store.stop("h1");
    expect(store.getState()).toBe(before);
    b.emit(update("h1", 2, { type: "stopped" }));
    expect(store.getState().entries.get("h1")?.status).toBe("stopped");
  });
});

describe("close", () => {
  it("unsubscribes and ignores later updates", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const p = store.start();
    await flush();
    b.chat.resolve({ executions: [] });
    await p;
    store.close();
    expect(b.unlistened).toBe(true);
    b.emit(accepted("late"));
    expect(store.getState().order).toEqual([]);
  });
});

describe("render scheduling", () => {
  it("folds every update at once but tells listeners once per scheduled frame", async () => {
    const frames: Array<() => void> = [];
    let emit: (u: ExecutionUpdate) => void = () => undefined;
    const store = createChatStore(
      {
        chatSnapshot: async () => ({ executions: [] }),
        executionSnapshot: async (handle) => ({ status: "error", error: { code: "unknownExecution", handle } }),
        sendMessage: async () => ({ status: "ok", data: "h" }),
        stopExecution: async () => ({ status: "ok", data: null }),
        inspectExecution: async () => ({ status: "ok", data: { events: [], cut: 0 } }),
      },
      {
        executionUpdate: {
          listen: async (cb) => {
            emit = (u) => cb({ payload: u });
            return () => undefined;
          },
        },
      },
      (render) => frames.push(render),
    );
    await store.start();
    frames.splice(0).forEach((f) => f());
    let renders = 0;
    store.subscribe(() => renders++);
    emit(accepted("h", "hi"));
    emit(addText("h", 2, "a"));
    emit(append("h", 3, "b"));
    expect(renders).toBe(0);
    expect(frames.length).toBeGreaterThan(0);
    // The fold is already done; only the render waits for the frame.
    expect(answerMarkdown(store.getState().entries.get("h")!.parts)).toBe("ab");
    frames.splice(0).forEach((f) => f());
    expect(renders).toBeGreaterThanOrEqual(1);
  });
});

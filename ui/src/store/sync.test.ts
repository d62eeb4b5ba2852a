import { describe, expect, it } from "vitest";
import type { AppError, ChatSnapshot, ExecutionSnapshot, ExecutionUpdate } from "../bindings";
import type { Result } from "../result";
import { accepted, snapshot, update } from "../testFixtures";
import { chatEntries } from "./chat";
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
    sendMessage(agentId, message) {
      calls.push(`sendMessage:${agentId}:${message}`);
      const d = deferred<Result<string, AppError>>();
      sends.push(d);
      return d.promise;
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
    b.emit(update("a", 2, { type: "text", delta: "Hel" }));
    b.emit(update("a", 3, { type: "text", delta: "lo" }));
    b.emit(update("a", 4, { type: "text", delta: ", world" }));
    expect(store.getState().order).toEqual([]); // nothing applied before the snapshot
    b.chat.resolve({ executions: [snapshot("a", { seq: 3, text: "Hello" })] });
    await started;
    expect(store.getState().entries.get("a")).toMatchObject({ seq: 4, text: "Hello, world" });
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
    b.emit(update("run", 10, { type: "text", delta: "..." }));
    b.emit(update("run", 11, { type: "finished", status: "completed", text: "streaming... done", usage: null }));
    expect(notified).toBe(2);
    expect(chatEntries(store.getState()).map((e) => [e.message, e.text, e.status])).toEqual([
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
    expect(store.getState().entries.get("a")?.message).toBe("buffered");
    b.emit(update("a", 2, { type: "text", delta: "live" }));
    expect(store.getState().entries.get("a")?.text).toBe("live");
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
    b.emit(update("a", 3, { type: "text", delta: "C" })); // seq 2 was lost
    expect(b.calls).toContain("executionSnapshot:a");
    b.emit(update("a", 4, { type: "text", delta: "D" })); // arrives during the fetch
    expect(store.getState().entries.get("a")!.text).toBe("");
    b.execSnapshots.get("a")!.resolve({ status: "ok", data: snapshot("a", { seq: 3, text: "ABC" }) });
    await flush();
    expect(store.getState().entries.get("a")).toMatchObject({ seq: 4, text: "ABCD" });
    expect(b.calls.filter((c) => c.startsWith("executionSnapshot"))).toHaveLength(1);
  });

  it("asks only once per handle while a fetch is in flight", async () => {
    const { b } = await started();
    b.emit(update("x", 5, { type: "text", delta: "1" }));
    b.emit(update("x", 6, { type: "text", delta: "2" }));
    b.emit(update("x", 8, { type: "text", delta: "3" }));
    expect(b.calls.filter((c) => c === "executionSnapshot:x")).toHaveLength(1);
  });

  it("fills in an execution whose `accepted` this page missed", async () => {
    const { b, store } = await started();
    b.emit(update("m", 3, { type: "text", delta: "tail" }));
    b.execSnapshots
      .get("m")!
      .resolve({ status: "ok", data: snapshot("m", { seq: 3, message: "missed", text: "head+tail" }) });
    await flush();
    expect(chatEntries(store.getState())).toEqual([
      expect.objectContaining({ handle: "m", message: "missed", text: "head+tail", seq: 3 }),
    ]);
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
    const sent = store.send("agent-1", "hi");
    b.emit(accepted("h1", "hi"));
    expect(chatEntries(store.getState()).map((e) => e.message)).toEqual(["hi"]);
    b.sends[0]!.resolve({ status: "ok", data: "h1" });
    await expect(sent).resolves.toEqual({ status: "ok", data: "h1" });
    expect(b.calls).toEqual(["listen", "chatSnapshot", "sendMessage:agent-1:hi"]);
    expect(store.getState().order).toEqual(["h1"]);
  });

  it("does not create an entry from an error result", async () => {
    const { b, store } = await started();
    const sent = store.send("agent-1", "hi");
    b.sends[0]!.resolve({ status: "error", error: { code: "unreachable" } });
    await expect(sent).resolves.toEqual({ status: "error", error: { code: "unreachable" } });
    expect(store.getState().order).toEqual([]);
  });

  it("asks for the snapshot when the command resolves and `accepted` never came", async () => {
    const { b, store } = await started();
    const sent = store.send("agent-1", "hi");
    b.sends[0]!.resolve({ status: "ok", data: "h9" });
    await sent;
    expect(b.calls).toContain("executionSnapshot:h9");
    b.emit(accepted("h9", "hi")); // late: buffered until the snapshot lands
    b.execSnapshots.get("h9")!.resolve({ status: "ok", data: snapshot("h9", { seq: 2, message: "hi", executionId: "e" }) });
    await flush();
    expect(chatEntries(store.getState())).toEqual([expect.objectContaining({ handle: "h9", seq: 2, executionId: "e" })]);
  });
});

describe("stop", () => {
  it("unsubscribes and ignores later updates", async () => {
    const b = fakeBackend();
    const store = createChatStore(b.commands, b.events);
    const p = store.start();
    await flush();
    b.chat.resolve({ executions: [] });
    await p;
    store.stop();
    expect(b.unlistened).toBe(true);
    b.emit(accepted("late"));
    expect(store.getState().order).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { accepted, snapshot, update, usage } from "../testFixtures";
import type { ExecutionUpdate } from "../bindings";
import {
  applyExecutionSnapshot,
  applySnapshot,
  applyUpdate,
  chatEntries,
  emptyChat,
  type ChatState,
} from "./chat";

function foldAll(updates: ExecutionUpdate[], start: ChatState = emptyChat): ChatState {
  let state = start;
  for (const u of updates) {
    const r = applyUpdate(state, u);
    expect(r.needsSnapshot).toBeNull();
    state = r.state;
  }
  return state;
}

describe("applyUpdate", () => {
  it("folds an execution's updates in order into one entry", () => {
    const state = foldAll([
      accepted("h1", "What is 2+2?"),
      update("h1", 2, { type: "started", executionId: "exec-9" }),
      update("h1", 3, { type: "text", delta: "It is " }),
      update("h1", 4, { type: "text", delta: "4." }),
      update("h1", 5, { type: "finished", status: "completed", text: "It is 4.", usage }),
    ]);
    expect(chatEntries(state)).toEqual([
      {
        handle: "h1",
        seq: 5,
        agentId: "agent-1",
        message: "What is 2+2?",
        executionId: "exec-9",
        text: "It is 4.",
        status: "completed",
        usage,
        error: null,
      },
    ]);
  });

  it("appends text deltas while running", () => {
    const state = foldAll([
      accepted("h1"),
      update("h1", 2, { type: "text", delta: "a" }),
      update("h1", 3, { type: "text", delta: "b\n" }),
      update("h1", 4, { type: "text", delta: "c" }),
    ]);
    const entry = state.entries.get("h1")!;
    expect(entry.text).toBe("ab\nc");
    expect(entry.status).toBe("running");
  });

  it("takes the final text from `finished` even if deltas differ", () => {
    const state = foldAll([
      accepted("h1"),
      update("h1", 2, { type: "text", delta: "partial" }),
      update("h1", 3, { type: "finished", status: "completed", text: "the full answer", usage: null }),
    ]);
    expect(state.entries.get("h1")!.text).toBe("the full answer");
  });

  it("records a failure and keeps the text that arrived", () => {
    const state = foldAll([
      accepted("h1"),
      update("h1", 2, { type: "text", delta: "half an ans" }),
      update("h1", 3, { type: "failed", error: { code: "streamEndedEarly", executionId: "e1" } }),
    ]);
    const entry = state.entries.get("h1")!;
    expect(entry.status).toBe("failed");
    expect(entry.error).toEqual({ code: "streamEndedEarly", executionId: "e1" });
    expect(entry.text).toBe("half an ans");
  });

  it("ignores duplicate and stale updates, returning the same state", () => {
    const state = foldAll([accepted("h1"), update("h1", 2, { type: "text", delta: "x" })]);
    for (const u of [
      update("h1", 2, { type: "text", delta: "x" }),
      update("h1", 1, { type: "text", delta: "old" }),
      accepted("h1"),
    ]) {
      const r = applyUpdate(state, u);
      expect(r.state).toBe(state);
      expect(r.needsSnapshot).toBeNull();
    }
    expect(state.entries.get("h1")!.text).toBe("x");
  });

  it("detects a gap and does not apply the update", () => {
    const state = foldAll([accepted("h1")]);
    const r = applyUpdate(state, update("h1", 3, { type: "text", delta: "skipped ahead" }));
    expect(r.needsSnapshot).toBe("h1");
    expect(r.state).toBe(state);
    expect(r.state.entries.get("h1")!.text).toBe("");
  });

  it("asks for a snapshot when a non-accepted update names an unknown handle", () => {
    const r = applyUpdate(emptyChat, update("h7", 4, { type: "text", delta: "mid-stream" }));
    expect(r.needsSnapshot).toBe("h7");
    expect(r.state.order).toEqual([]);
  });

  it("keeps executions in the order they were accepted, interleaved updates included", () => {
    const state = foldAll([
      accepted("h1", "first"),
      accepted("h2", "second"),
      update("h2", 2, { type: "text", delta: "B" }),
      update("h1", 2, { type: "text", delta: "A" }),
      accepted("h3", "third"),
    ]);
    expect(chatEntries(state).map((e) => [e.message, e.text])).toEqual([
      ["first", "A"],
      ["second", "B"],
      ["third", ""],
    ]);
  });

  it("does not mutate the previous state", () => {
    const before = foldAll([accepted("h1")]);
    const after = foldAll([update("h1", 2, { type: "text", delta: "new" })], before);
    expect(before.entries.get("h1")!.text).toBe("");
    expect(after.entries.get("h1")!.text).toBe("new");
  });
});

describe("applySnapshot", () => {
  it("builds the chat from a snapshot in its order", () => {
    const state = applySnapshot(emptyChat, {
      executions: [snapshot("a", { message: "one" }), snapshot("b", { message: "two" })],
    });
    expect(chatEntries(state).map((e) => e.message)).toEqual(["one", "two"]);
  });

  it("replaces local entries whose seq is not higher than the snapshot's", () => {
    const local = foldAll([accepted("a"), update("a", 2, { type: "text", delta: "lo" })]);
    const state = applySnapshot(local, {
      executions: [snapshot("a", { seq: 4, text: "local and more", executionId: "e" })],
    });
    expect(state.entries.get("a")).toMatchObject({ seq: 4, text: "local and more", executionId: "e" });
  });

  it("keeps a local entry that is further along than the snapshot", () => {
    const local = foldAll([
      accepted("a"),
      update("a", 2, { type: "text", delta: "x" }),
      update("a", 3, { type: "text", delta: "y" }),
    ]);
    const state = applySnapshot(local, { executions: [snapshot("a", { seq: 2, text: "x" })] });
    expect(state.entries.get("a")).toMatchObject({ seq: 3, text: "xy" });
  });

  it("adds missing entries and keeps local-only ones after their predecessor", () => {
    const local = foldAll([accepted("a", "A"), accepted("c", "C")]);
    const state = applySnapshot(local, {
      executions: [snapshot("a", { message: "A" }), snapshot("b", { message: "B" })],
    });
    expect(chatEntries(state).map((e) => e.message)).toEqual(["A", "C", "B"]);
  });

  it("continues live after a snapshot from its seq", () => {
    const state = applySnapshot(emptyChat, {
      executions: [snapshot("a", { seq: 7, text: "streamed so far " })],
    });
    expect(applyUpdate(state, update("a", 7, { type: "text", delta: "dup" })).state).toBe(state);
    const r = applyUpdate(state, update("a", 8, { type: "text", delta: "and more" }));
    expect(r.needsSnapshot).toBeNull();
    expect(r.state.entries.get("a")!.text).toBe("streamed so far and more");
  });
});

describe("applyExecutionSnapshot", () => {
  it("fills in an unknown execution at the end", () => {
    const local = foldAll([accepted("a", "A")]);
    const state = applyExecutionSnapshot(local, snapshot("z", { seq: 5, message: "Z", text: "t" }));
    expect(chatEntries(state).map((e) => e.message)).toEqual(["A", "Z"]);
  });

  it("repairs a gap: snapshot applied, then later updates continue", () => {
    const local = foldAll([accepted("a")]);
    expect(applyUpdate(local, update("a", 4, { type: "text", delta: "!" })).needsSnapshot).toBe("a");
    const repaired = applyExecutionSnapshot(local, snapshot("a", { seq: 3, text: "abc" }));
    const r = applyUpdate(repaired, update("a", 4, { type: "text", delta: "!" }));
    expect(r.state.entries.get("a")!.text).toBe("abc!");
  });

  it("ignores a snapshot older than the local entry", () => {
    const local = foldAll([accepted("a"), update("a", 2, { type: "text", delta: "x" })]);
    expect(applyExecutionSnapshot(local, snapshot("a", { seq: 1 }))).toBe(local);
  });
});

describe("events before the command resolves", () => {
  it("creates the entry from `accepted` alone, with no handle from sendMessage yet", () => {
    const state = foldAll([accepted("h-new", "sent just now", "agent-2")]);
    expect(chatEntries(state)).toEqual([
      expect.objectContaining({ handle: "h-new", message: "sent just now", agentId: "agent-2", status: "running" }),
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { accepted, addText, answerOf, append, request, snapshot, text, update, usage } from "../testFixtures";
import type { ExecutionUpdate, Part } from "../bindings";
import {
  answerMarkdown,
  applyExecutionSnapshot,
  applyConversationPage,
  conversationEntries,
  streamingByConversation,
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

const reasoning: Part = { kind: "reasoning", text: "Hmm", startedAtMs: 3, durationMs: null };
const tool: Part = {
  kind: "serverTool",
  callId: "c1",
  name: "web_search",
  arguments: '{"q":"x"}',
  result: null,
  state: "running",
  startedAtMs: 10,
  durationMs: null,
};

describe("applyUpdate", () => {
  it("folds an execution's updates in order into one entry", () => {
    const state = foldAll([
      accepted("h1", "What is 2+2?"),
      update("h1", 2, { type: "started", executionId: "exec-9" }),
      addText("h1", 3, "It is "),
      append("h1", 4, "4."),
      update("h1", 5, { type: "finished", status: "completed", usage, messageId: "msg-9" }),
    ]);
    expect(chatEntries(state)).toEqual([
      {
        handle: "h1",
        seq: 5,
        request: request("What is 2+2?"),
        executionId: "exec-9",
        parts: [text("It is 4.")],
        status: "completed",
        usage,
        error: null,
        messageId: "msg-9",
        feedback: null,
      },
    ]);
  });

  it("puts a resent execution back to running and clears its error", () => {
    const state = foldAll([
      accepted("h1"),
      update("h1", 2, { type: "failed", error: { code: "unreachable" } }),
      update("h1", 3, { type: "resent" }),
    ]);
    expect(state.entries.get("h1")).toMatchObject({ seq: 3, status: "running", error: null });
  });

  it("records feedback as it changes, from sending to sent or failed", () => {
    const state = foldAll([
      accepted("h1"),
      update("h1", 2, { type: "finished", status: "completed", usage: null, messageId: "m1" }),
      update("h1", 3, { type: "feedbackChanged", feedback: { up: true, delivery: "sending" } }),
    ]);
    expect(state.entries.get("h1")?.feedback).toEqual({ up: true, delivery: "sending" });
    const failed = applyUpdate(state, update("h1", 4, { type: "feedbackChanged", feedback: { up: false, delivery: "failed" } }));
    expect(failed.state.entries.get("h1")).toMatchObject({ messageId: "m1", feedback: { up: false, delivery: "failed" } });
  });

  it("keeps messageId null when the server gave none", () => {
    const state = foldAll([accepted("h1"), update("h1", 2, { type: "finished", status: "completed", usage: null, messageId: null })]);
    expect(state.entries.get("h1")?.messageId).toBeNull();
  });

  it("appends deltas to text and reasoning parts, and ignores them elsewhere", () => {
    const state = foldAll([
      accepted("h1"),
      update("h1", 2, { type: "partAdded", part: reasoning }),
      append("h1", 3, ", let me see", 0),
      update("h1", 4, { type: "partAdded", part: tool }),
      append("h1", 5, "ignored", 1),
      addText("h1", 6, "a"),
      append("h1", 7, "b\n", 2),
      append("h1", 8, "c", 2),
    ]);
    const entry = state.entries.get("h1")!;
    expect(entry.parts).toEqual([{ ...reasoning, text: "Hmm, let me see" }, tool, text("ab\nc")]);
    expect(entry.status).toBe("running");
    expect(entry.seq).toBe(8);
  });

  it("replaces a part on partUpdated and ignores a missing index (but still counts the seq)", () => {
    const done: Part = { ...tool, result: '{"hits":1}', state: "done", durationMs: 40 };
    const state = foldAll([
      accepted("h1"),
      update("h1", 2, { type: "partAdded", part: tool }),
      update("h1", 3, { type: "partUpdated", index: 0, part: done }),
      update("h1", 4, { type: "partUpdated", index: 5, part: text("nowhere") }),
      append("h1", 5, "nowhere", 9),
    ]);
    const entry = state.entries.get("h1")!;
    expect(entry.parts).toEqual([done]);
    expect(entry.seq).toBe(5);
  });

  it("shares unchanged parts: only the changed part is a new object", () => {
    const before = foldAll([
      accepted("h1"),
      update("h1", 2, { type: "partAdded", part: reasoning }),
      update("h1", 3, { type: "partAdded", part: tool }),
      addText("h1", 4, "Hel"),
    ]);
    const after = foldAll([append("h1", 5, "lo", 2)], before);
    const [r0, t0, x0] = before.entries.get("h1")!.parts;
    const [r1, t1, x1] = after.entries.get("h1")!.parts;
    expect(r1).toBe(r0);
    expect(t1).toBe(t0);
    expect(x1).not.toBe(x0);
    expect(x1).toEqual(text("Hello"));
    expect(x0).toEqual(text("Hel"));
    expect(after.order).toBe(before.order);
  });

  it("records a failure and keeps the parts that arrived", () => {
    const state = foldAll([
      accepted("h1"),
      addText("h1", 2, "half an ans"),
      update("h1", 3, { type: "failed", error: { code: "streamEndedEarly", executionId: "e1" } }),
    ]);
    const entry = state.entries.get("h1")!;
    expect(entry.status).toBe("failed");
    expect(entry.error).toEqual({ code: "streamEndedEarly", executionId: "e1" });
    expect(answerOf(entry)).toBe("half an ans");
  });

  it("marks a stopped execution and keeps what arrived", () => {
    const state = foldAll([accepted("h1"), addText("h1", 2, "so far"), update("h1", 3, { type: "stopped" })]);
    const entry = state.entries.get("h1")!;
    expect(entry.status).toBe("stopped");
    expect(entry.error).toBeNull();
    expect(answerOf(entry)).toBe("so far");
  });

  it("ignores duplicate and stale updates, returning the same state", () => {
    const state = foldAll([accepted("h1"), addText("h1", 2, "x")]);
    for (const u of [addText("h1", 2, "x"), append("h1", 1, "old"), accepted("h1")]) {
      const r = applyUpdate(state, u);
      expect(r.state).toBe(state);
      expect(r.needsSnapshot).toBeNull();
    }
    expect(answerOf(state.entries.get("h1"))).toBe("x");
  });

  it("detects a gap and does not apply the update", () => {
    const state = foldAll([accepted("h1")]);
    const r = applyUpdate(state, addText("h1", 3, "skipped ahead"));
    expect(r.needsSnapshot).toBe("h1");
    expect(r.state).toBe(state);
    expect(r.state.entries.get("h1")!.parts).toEqual([]);
  });

  it("asks for a snapshot when a non-accepted update names an unknown handle", () => {
    const r = applyUpdate(emptyChat, append("h7", 4, "mid-stream"));
    expect(r.needsSnapshot).toBe("h7");
    expect(r.state.order).toEqual([]);
  });

  it("keeps executions in the order they were accepted, interleaved updates included", () => {
    const state = foldAll([
      accepted("h1", "first"),
      accepted("h2", "second"),
      addText("h2", 2, "B"),
      addText("h1", 2, "A"),
      accepted("h3", "third"),
    ]);
    expect(chatEntries(state).map((e) => [e.request.message, answerOf(e)])).toEqual([
      ["first", "A"],
      ["second", "B"],
      ["third", ""],
    ]);
  });

  it("does not mutate the previous state", () => {
    const before = foldAll([accepted("h1"), addText("h1", 2, "")]);
    const after = foldAll([append("h1", 3, "new")], before);
    expect(answerOf(before.entries.get("h1"))).toBe("");
    expect(answerOf(after.entries.get("h1"))).toBe("new");
  });
});

describe("applyConversationPage", () => {
  const page = (...handles: string[]) => handles.map((h) => snapshot(h, { message: h.toUpperCase(), seq: 2 }));
  const messagesOf = (state: ChatState, id = "c1") => conversationEntries(state, id).map((e) => e.request.message);

  it("builds a conversation from its newest page, oldest first", () => {
    const state = applyConversationPage(emptyChat, "c1", page("a", "b"), "latest");
    expect(messagesOf(state)).toEqual(["A", "B"]);
  });

  it("keeps a local entry further along than the page, and replaces one behind it", () => {
    const local = foldAll([accepted("a"), addText("a", 2, "x"), append("a", 3, "y"), accepted("b")]);
    const state = applyConversationPage(
      local,
      "c1",
      [snapshot("a", { seq: 2, text: "x" }), snapshot("b", { seq: 4, text: "more", executionId: "e" })],
      "latest",
    );
    expect(state.entries.get("a")).toMatchObject({ seq: 3, parts: [text("xy")] });
    expect(state.entries.get("b")).toMatchObject({ seq: 4, parts: [text("more")], executionId: "e" });
  });

  it("puts messages that arrived live while the page was read after it", () => {
    const local = foldAll([accepted("z", "Z")]);
    const state = applyConversationPage(local, "c1", page("a", "b"), "latest");
    expect(messagesOf(state)).toEqual(["A", "B", "Z"]);
  });

  it("puts an older page before the loaded messages", () => {
    const latest = applyConversationPage(emptyChat, "c1", page("c", "d"), "latest");
    const state = applyConversationPage(latest, "c1", page("a", "b"), "older");
    expect(messagesOf(state)).toEqual(["A", "B", "C", "D"]);
  });

  it("keeps earlier pages in place when the newest page is read again", () => {
    const loaded = applyConversationPage(applyConversationPage(emptyChat, "c1", page("c", "d"), "latest"), "c1", page("a", "b"), "older");
    const live = foldAll([accepted("e", "E")], loaded);
    const state = applyConversationPage(live, "c1", page("d", "e"), "latest");
    expect(messagesOf(state)).toEqual(["A", "B", "C", "D", "E"]);
  });

  it("leaves other conversations alone", () => {
    const other = foldAll([accepted("x", "X", "agent-1", "c2")]);
    const state = applyConversationPage(other, "c1", page("a"), "latest");
    expect(messagesOf(state, "c2")).toEqual(["X"]);
    expect(messagesOf(state)).toEqual(["A"]);
    expect(state.entries.get("x")).toBe(other.entries.get("x"));
  });

  it("continues live after a page from its seq", () => {
    const state = applyConversationPage(emptyChat, "c1", [snapshot("a", { seq: 7, text: "streamed so far " })], "latest");
    expect(applyUpdate(state, append("a", 7, "dup")).state).toBe(state);
    const r = applyUpdate(state, append("a", 8, "and more"));
    expect(r.needsSnapshot).toBeNull();
    expect(answerOf(r.state.entries.get("a"))).toBe("streamed so far and more");
  });
});

describe("streamingByConversation", () => {
  it("says which conversations have an answer streaming", () => {
    const state = foldAll([
      accepted("a", "A", "agent-1", "c1"),
      accepted("b", "B", "agent-1", "c2"),
      update("b", 2, { type: "finished", status: "completed", usage: null, messageId: null }, "c2"),
    ]);
    expect(streamingByConversation(state)).toEqual(new Map([["c1", true], ["c2", false]]));
  });
});

describe("applyExecutionSnapshot", () => {
  it("fills in an unknown execution at the end", () => {
    const local = foldAll([accepted("a", "A")]);
    const state = applyExecutionSnapshot(local, snapshot("z", { seq: 5, message: "Z", text: "t" }));
    expect(chatEntries(state).map((e) => e.request.message)).toEqual(["A", "Z"]);
  });

  it("repairs a gap: snapshot applied, then later updates continue", () => {
    const local = foldAll([accepted("a")]);
    expect(applyUpdate(local, append("a", 4, "!")).needsSnapshot).toBe("a");
    const repaired = applyExecutionSnapshot(local, snapshot("a", { seq: 3, text: "abc" }));
    const r = applyUpdate(repaired, append("a", 4, "!"));
    expect(answerOf(r.state.entries.get("a"))).toBe("abc!");
  });

  it("ignores a snapshot older than the local entry", () => {
    const local = foldAll([accepted("a"), addText("a", 2, "x")]);
    expect(applyExecutionSnapshot(local, snapshot("a", { seq: 1 }))).toBe(local);
  });
});

describe("events before the command resolves", () => {
  it("creates the entry from `accepted` alone, with no handle from sendMessage yet", () => {
    const state = foldAll([accepted("h-new", "sent just now", "agent-2")]);
    expect(chatEntries(state)).toEqual([
      expect.objectContaining({ handle: "h-new", request: request("sent just now", "agent-2"), status: "running" }),
    ]);
  });
});

describe("answerMarkdown", () => {
  it("joins the text parts as paragraphs and skips everything else", () => {
    expect(answerMarkdown([text("# One"), tool, reasoning, text(""), text("Two")])).toBe("# One\n\nTwo");
    expect(answerMarkdown([tool])).toBe("");
  });
});

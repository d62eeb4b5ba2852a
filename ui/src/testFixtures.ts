// Builders for tests (not imported by the app).

import type {
  ExecutionChange,
  ExecutionRequest,
  ExecutionSnapshot,
  ExecutionUpdate,
  Part,
  Usage,
} from "./bindings";

export function update(handle: string, seq: number, change: ExecutionChange): ExecutionUpdate {
  return { handle, seq, change };
}

export function request(message = "hello", agentId = "agent-1"): ExecutionRequest {
  return { workspaceId: "demo", conversationId: null, agentId, message };
}

export function accepted(handle: string, message = "hello", agentId = "agent-1"): ExecutionUpdate {
  return update(handle, 1, { type: "accepted", request: request(message, agentId) });
}

/** A text part. */
export function text(value: string): Part {
  return { kind: "text", text: value };
}

/** `partAdded` of a text part. */
export function addText(handle: string, seq: number, value: string): ExecutionUpdate {
  return update(handle, seq, { type: "partAdded", part: text(value) });
}

/** `partAppended` to the part at `index` (0 unless given). */
export function append(handle: string, seq: number, delta: string, index = 0): ExecutionUpdate {
  return update(handle, seq, { type: "partAppended", index, delta });
}

type SnapshotFields = Partial<Omit<ExecutionSnapshot, "request">> & {
  /** Shorthands for the request. */
  message?: string;
  agentId?: string;
  /** Shorthand for one text part with this text (none when empty). */
  text?: string;
};

export function snapshot(handle: string, fields: SnapshotFields = {}): ExecutionSnapshot {
  const { message = "hello", agentId = "agent-1", text: answer, ...rest } = fields;
  return {
    handle,
    seq: 1,
    request: request(message, agentId),
    executionId: null,
    parts: answer ? [text(answer)] : [],
    status: "running",
    usage: null,
    error: null,
    ...rest,
  };
}

/** The text of every text part, joined (what the old model called `text`). */
export function answerOf(entry: ExecutionSnapshot | undefined): string {
  return (entry?.parts ?? []).map((p) => (p.kind === "text" ? p.text : "")).join("");
}

export const usage: Usage = {
  inputTokens: 1000,
  outputTokens: 234,
  totalTokens: 1234,
  costMicrodollars: 4200,
  latencyMs: 2340,
};

// Builders for tests (not imported by the app).

import type {
  ConversationSummary,
  ExecutionChange,
  ExecutionRequest,
  ExecutionSnapshot,
  ExecutionUpdate,
  Part,
  Usage,
} from "./bindings";

/** The conversation test builders use unless told otherwise. */
export const CONVERSATION = "c1";

export function update(handle: string, seq: number, change: ExecutionChange, conversationId = CONVERSATION): ExecutionUpdate {
  return { handle, workspaceId: "demo", conversationId, seq, change };
}

export function request(message = "hello", agentId = "agent-1", conversationId = CONVERSATION): ExecutionRequest {
  return { workspaceId: "demo", conversationId, agentId, message, variables: [] };
}

export function accepted(handle: string, message = "hello", agentId = "agent-1", conversationId = CONVERSATION): ExecutionUpdate {
  return update(handle, 1, { type: "accepted", request: request(message, agentId, conversationId) }, conversationId);
}

/** A conversation as the backend lists it. */
export function conversation(id: string, fields: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id,
    workspaceId: "demo",
    agentId: "agent-1",
    agentName: "Helper",
    title: `Chat ${id}`,
    archived: false,
    localOnly: false,
    createdAtMs: 1_000,
    lastActivityMs: 1_000,
    running: false,
    ...fields,
  };
}

/** A text part. */
export function text(value: string): Part {
  return { kind: "text", text: value };
}

/** `partAdded` of a text part. */
export function addText(handle: string, seq: number, value: string, conversationId = CONVERSATION): ExecutionUpdate {
  return update(handle, seq, { type: "partAdded", part: text(value) }, conversationId);
}

/** `partAppended` to the part at `index` (0 unless given). */
export function append(handle: string, seq: number, delta: string, index = 0, conversationId = CONVERSATION): ExecutionUpdate {
  return update(handle, seq, { type: "partAppended", index, delta }, conversationId);
}

type SnapshotFields = Partial<Omit<ExecutionSnapshot, "request">> & {
  /** Shorthands for the request. */
  message?: string;
  agentId?: string;
  conversationId?: string;
  /** Shorthand for one text part with this text (none when empty). */
  text?: string;
};

export function snapshot(handle: string, fields: SnapshotFields = {}): ExecutionSnapshot {
  const { message = "hello", agentId = "agent-1", conversationId = CONVERSATION, text: answer, ...rest } = fields;
  return {
    handle,
    seq: 1,
    request: request(message, agentId, conversationId),
    executionId: null,
    parts: answer ? [text(answer)] : [],
    status: "running",
    usage: null,
    error: null,
    messageId: null,
    feedback: null,
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

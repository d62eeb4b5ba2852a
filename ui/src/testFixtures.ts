// Builders for tests (not imported by the app).

import type { ExecutionChange, ExecutionSnapshot, ExecutionUpdate, Usage } from "./bindings";

export function update(handle: string, seq: number, change: ExecutionChange): ExecutionUpdate {
  return { handle, seq, change };
}

export function accepted(handle: string, message = "hello", agentId = "agent-1"): ExecutionUpdate {
  return update(handle, 1, { type: "accepted", agentId, message });
}

export function snapshot(handle: string, fields: Partial<ExecutionSnapshot> = {}): ExecutionSnapshot {
  return {
    handle,
    seq: 1,
    agentId: "agent-1",
    message: "hello",
    executionId: null,
    text: "",
    status: "running",
    usage: null,
    error: null,
    ...fields,
  };
}

export const usage: Usage = {
  inputTokens: 1000,
  outputTokens: 234,
  totalTokens: 1234,
  costMicrodollars: 4200,
  latencyMs: 2340,
};

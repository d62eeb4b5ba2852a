// Sample parts for tests (not imported by the app): the same shapes core emits.

import type { PartOf } from "./types";

export const reasoning: PartOf<"reasoning"> = {
  kind: "reasoning",
  text: "Let me think.\n<b>not bold</b>",
  startedAtMs: 5,
  durationMs: null,
};

export const tool: PartOf<"serverTool"> = {
  kind: "serverTool",
  callId: "tc_1",
  name: "web_search",
  arguments: '{\n  "query": "athena",\n  "limit": 3\n}',
  result: null,
  state: "running",
  startedAtMs: 40,
  durationMs: null,
};

export const toolDone: PartOf<"serverTool"> = { ...tool, result: '{"hits":3}', state: "done", durationMs: 300 };

export const step = (nodeId: string, label: string | null, durationMs: number | null): PartOf<"workflowStep"> => ({
  kind: "workflowStep",
  nodeId,
  nodeType: "ai",
  label,
  startedAtMs: 30,
  durationMs,
});

export const media: PartOf<"mediaJob"> = {
  kind: "mediaJob",
  jobId: "job_1",
  mediaKind: "image",
  prompt: "a lighthouse",
  state: "generating",
  submittedAtMs: 60,
  lastHeartbeatAtMs: null,
  completedAtMs: null,
  media: [],
};

export const mediaReady: PartOf<"mediaJob"> = {
  ...media,
  state: "ready",
  lastHeartbeatAtMs: 75,
  completedAtMs: 90,
  media: [{ url: "http://127.0.0.1:1/media/job_1.png", contentType: "image/png", width: 64, height: 48 }],
};

/** A call of a tool on this computer, just arrived (Rust is checking it). */
export const clientTool: PartOf<"clientToolCall"> = {
  kind: "clientToolCall",
  callId: "ct_1",
  name: "read_file",
  arguments: '{\n  "path": "notes/todo.txt"\n}',
  state: "received",
  approvedBy: null,
  result: null,
  durationMs: null,
};

/** The same call in each state it goes through. */
export const clientToolWaiting: PartOf<"clientToolCall"> = { ...clientTool, state: "waitingForYou" };
export const clientToolRunning: PartOf<"clientToolCall"> = { ...clientTool, state: "running", approvedBy: "you" };
export const clientToolRunningByRule: PartOf<"clientToolCall"> = { ...clientTool, state: "running", approvedBy: "rule" };
export const clientToolDone: PartOf<"clientToolCall"> = {
  ...clientTool,
  state: "done",
  approvedBy: "you",
  result: '{\n  "text": "buy milk",\n  "bytes": 9\n}',
  durationMs: 1200,
};
export const clientToolFailed: PartOf<"clientToolCall"> = {
  ...clientTool,
  state: "failed",
  result: "The arguments do not fit the tool's parameters: /path: must be a string",
};
export const clientToolDenied: PartOf<"clientToolCall"> = {
  ...clientTool,
  state: "denied",
  result: "The user denied this call.",
};
export const clientToolNotTaken: PartOf<"clientToolCall"> = {
  ...clientTool,
  state: "notTaken",
  approvedBy: "rule",
  result: "The server did not take the result (HTTP 409).",
  durationMs: 40,
};

export const structured: PartOf<"structuredOutput"> = {
  kind: "structuredOutput",
  json: '{\n  "ok": true,\n  "name": "Athena",\n  "tags": ["a", "b"],\n  "owner": { "id": 7, "email": null }\n}',
  source: "parsedOutput",
};

export const unknown: PartOf<"unknown"> = {
  kind: "unknown",
  eventType: "text",
  data: '{"type":"text","delta":3}',
  problem: ".delta: invalid type",
};

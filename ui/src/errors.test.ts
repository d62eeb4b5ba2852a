import { describe, expect, it } from "vitest";
import type { AppError, ExecutionStatus } from "./bindings";
import { describeComposerProblem, describeError, describeStatus } from "./errors";

/** One example of every AppError code; the Record type makes a new code a compile error here. */
const examples: Record<AppError["code"], AppError> = {
  validation: { code: "validation", field: "message", rule: "tooLong", limit: 65536, actual: 70000 },
  unreachable: { code: "unreachable" },
  timeout: { code: "timeout" },
  http: { code: "http", status: 503, serverCode: null, serverMessage: null },
  streamEndedEarly: { code: "streamEndedEarly", executionId: "e1" },
  executionFailed: { code: "executionFailed", serverCode: "tool_error", serverMessage: "The tool crashed" },
  unknownExecution: { code: "unknownExecution", handle: "h1" },
  unknownWorkspace: { code: "unknownWorkspace", workspaceId: "w1" },
  interrupted: { code: "interrupted" },
  linkRefused: { code: "linkRefused", reason: "schemeNotAllowed", scheme: "file" },
  browserUnavailable: { code: "browserUnavailable" },
  internal: { code: "internal" },
  unknownConversation: { code: "unknownConversation", conversationId: "c1" },
  conversationArchived: { code: "conversationArchived" },
  notResendable: { code: "notResendable" },
  noMessageId: { code: "noMessageId" },
  storage: { code: "storage" },
  alreadyReceived: { code: "alreadyReceived" },
  redirected: { code: "redirected", status: 301, location: "https://athena.example/v2" },
};

describe("describeError", () => {
  it("has a distinct, complete sentence for every code", () => {
    const sentences = Object.values(examples).map(describeError);
    expect(new Set(sentences).size).toBe(sentences.length);
    for (const s of sentences) {
      expect(s.length).toBeGreaterThan(20);
      expect(s).not.toMatch(/undefined|null|\[object|Error:|at \w+ \(/);
    }
  });

  it("says an already received message's answer can't be fetched", () => {
    expect(describeError(examples.alreadyReceived)).toBe("Already received by the server — its answer can't be fetched.");
  });

  it("says where a redirect pointed, or its status when it didn't say", () => {
    expect(describeError(examples.redirected)).toMatch(/^The server redirected to https:\/\/athena\.example\/v2: check the workspace's base URL\./);
    expect(describeError({ code: "redirected", status: 302, location: null })).toMatch(/redirect \(HTTP 302\)/);
  });

  it("uses the agreed words", () => {
    expect(describeError(examples.unreachable)).toBe(
      "Couldn't reach the workspace's server. Check your connection and try again.",
    );
    expect(describeError(examples.streamEndedEarly)).toBe(
      "The answer stopped arriving before it was complete. The agent may still have finished on the server; what arrived is kept above.",
    );
  });

  it("says why a link was refused, naming the refused kind of address", () => {
    expect(describeError(examples.linkRefused)).toContain('"file:"');
    for (const reason of ["notAUrl", "hasCredentials", "noHost"] as const) {
      expect(describeError({ code: "linkRefused", reason, scheme: null })).toMatch(/wasn't opened/);
    }
  });

  it("words every validation rule, naming the field", () => {
    const rules = ["required", "tooLong", "tooMany", "tooLarge", "invalidFormat", "duplicate", "unsupportedType", "typeMismatch"] as const;
    const sentences = rules.map((rule) =>
      describeError({ code: "validation", field: "attachments", rule, limit: 52428800, actual: 60000000 }),
    );
    expect(new Set(sentences).size).toBe(rules.length);
    for (const s of sentences) expect(s.startsWith("attachments: ")).toBe(true);
    expect(sentences[3]).toBe("attachments: at most 50 MiB (this is 57.2 MiB)");
  });

  it("names the field and the limit for validation errors", () => {
    expect(describeError(examples.validation)).toBe("message: at most 65,536 characters (this one has 70,000)");
    expect(
      describeError({ code: "validation", field: "message", rule: "required", limit: 1, actual: 0 }),
    ).toBe("message: required; it can't be empty.");
  });

  it("includes the HTTP status and what the server said", () => {
    const s = describeError({ code: "http", status: 401, serverCode: "bad_key", serverMessage: "Invalid API key" });
    expect(s).toContain("HTTP 401");
    expect(s).toContain("Invalid API key");
    expect(describeError(examples.http)).toContain("HTTP 503");
    expect(describeError({ code: "http", status: 418, serverCode: "teapot", serverMessage: null })).toContain("teapot");
  });

  it("passes on the server's message for a failed execution", () => {
    expect(describeError(examples.executionFailed)).toContain("The tool crashed");
    expect(describeError({ code: "executionFailed", serverCode: null, serverMessage: null })).toBe(
      "The agent couldn't finish this answer. Try again, or rephrase the message.",
    );
  });
});

describe("describeComposerProblem", () => {
  it("words the two composer problems", () => {
    expect(describeComposerProblem({ kind: "empty" })).toBe("Type a message first: an empty message can't be sent.");
    expect(describeComposerProblem({ kind: "tooLong", length: 70000, limit: 65536 })).toBe(
      "Your message is 70,000 characters; the limit is 65,536.",
    );
  });
});

describe("describeStatus", () => {
  it("has a note for every status that stops without an answer, none for running/completed", () => {
    const statuses: ExecutionStatus[] = [
      "running",
      "completed",
      "failed",
      "awaitingApproval",
      "waitingForExternalEvent",
      "awaitingClientTool",
    ];
    const notes = statuses.map(describeStatus);
    expect(notes.slice(0, 2)).toEqual([null, null]);
    for (const n of notes.slice(2)) expect(n).toMatch(/^The agent .+\.$/);
  });

  it("says a stopped answer may still be finished and charged by the server", () => {
    expect(describeStatus("stopped")).toBe("You stopped this answer. The server may still finish it and charge for it.");
  });
});

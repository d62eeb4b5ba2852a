import { describe, expect, it } from "vitest";
import type { ExecutionStatus } from "./bindings";
import { describeAgentCheck, describeComposerProblem, describeError, describeProblem, describeStatus } from "./errors";
import type { AgentCheck, Problem } from "./bindings";
import type { AppError } from "./bindings";

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
  invalidInput: { code: "invalidInput", problems: [{ field: "baseUrl", problem: { code: "httpsRequired" } }] },
  keychainUnavailable: { code: "keychainUnavailable", reason: "no secret service" },
  agentCheckFailed: { code: "agentCheckFailed", check: { outcome: "unknownAgent" } },
  demoWorkspace: { code: "demoWorkspace" },
  keyMissing: { code: "keyMissing" },
  agentsFile: { code: "agentsFile", reason: "/tmp/a.json: not valid" },
  batchInput: { code: "batchInput", reason: "the file is larger than 20 MiB" },
  batchFlagged: { code: "batchFlagged", count: 3 },
  batchEmpty: { code: "batchEmpty" },
  unknownBatchRun: { code: "unknownBatchRun", runId: "batch:1" },
  unknownTool: { code: "unknownTool", toolName: "read_file" },
  notAFolder: { code: "notAFolder", path: "/home/ana/notes.txt" },
  tooManyTools: { code: "tooManyTools", limit: 32 },
  invalidCommandTool: { code: "invalidCommandTool", field: "commandTools[0].timeoutSecs", reason: "must be from 1 to 600 seconds" },
  invalidMcpServer: { code: "invalidMcpServer", field: "commandLine", reason: "has a quote that is not closed" },
  programNotAllowed: { code: "programNotAllowed" },
  conversationRunning: { code: "conversationRunning" },
  importBadFormat: { code: "importBadFormat", field: "messages[2].status", reason: "unknown variant `exploded`" },
  importNewerFormat: { code: "importNewerFormat", found: 2, known: 1 },
  importTooLarge: { code: "importTooLarge", limit: 33554432, actual: 41943040 },
  fileNotRead: { code: "fileNotRead", path: "/home/ana/chat.json", reason: "Permission denied (os error 13)" },
  fileNotWritten: { code: "fileNotWritten", path: "/home/ana/chat.md", reason: "No space left on device (os error 28)" },
  unknownMedia: { code: "unknownMedia" },
  clipboardFailed: { code: "clipboardFailed", reason: "no X11 display" },
  attachment: { code: "attachment", reason: "notUploaded", waiting: 2 },
};

describe("describeError", () => {
  it("names what is wrong with an import and what to do", () => {
    expect(describeError(examples.importBadFormat)).toContain("messages[2].status");
    expect(describeError({ code: "importBadFormat", field: "$", reason: "not JSON" })).toContain("(the file: not JSON)");
    expect(describeError(examples.importNewerFormat)).toMatch(/format 2; this version reads up to 1\). Update the app/);
    expect(describeError(examples.importTooLarge)).toBe(
      "This file is 40 MiB; a chat to import can be at most 32 MiB. Choose a file made with “Export as JSON”.",
    );
    expect(describeError(examples.fileNotWritten)).toContain("“/home/ana/chat.md”");
    expect(describeError(examples.conversationRunning)).toMatch(/Stop it/);
  });

  it("has a distinct, complete sentence for every code", () => {
    const sentences = Object.values(examples).map(describeError);
    expect(new Set(sentences).size).toBe(sentences.length);
    for (const s of sentences) {
      expect(s.length).toBeGreaterThan(20);
      expect(s).not.toMatch(/undefined|null|\[object|Error:|at \w+ \(/);
    }
  });

  it("says how many attachments are still uploading, and what to do about a gone file", () => {
    expect(describeError(examples.attachment)).toBe(
      "2 attachments haven't finished uploading. Wait for them, or remove them, then send.",
    );
    expect(describeError({ code: "attachment", reason: "notUploaded", waiting: 1 })).toMatch(/^One attachment hasn't/);
    expect(describeError({ code: "attachment", reason: "fileGone", waiting: 0 })).toMatch(/Attach it again\.$/);
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

/** One example of every problem code. */
const problems: Record<Problem["code"], Problem> = {
  required: { code: "required" },
  tooLong: { code: "tooLong", limit: 100 },
  notAUrl: { code: "notAUrl" },
  httpsRequired: { code: "httpsRequired" },
  hasCredentials: { code: "hasCredentials" },
  hasQueryOrFragment: { code: "hasQueryOrFragment" },
  badPrefix: { code: "badPrefix", expected: "workspace:" },
  badKeyPrefix: { code: "badKeyPrefix" },
  hasWhitespace: { code: "hasWhitespace" },
  duplicate: { code: "duplicate" },
  notANumber: { code: "notANumber" },
  notAnInteger: { code: "notAnInteger" },
  belowMinimum: { code: "belowMinimum", minimum: 1.5 },
  aboveMaximum: { code: "aboveMaximum", maximum: 10000 },
  notAChoice: { code: "notAChoice", choices: ["short", "long"] },
  notABoolean: { code: "notABoolean" },
  badCharacters: { code: "badCharacters" },
  tooLarge: { code: "tooLarge", limit: 16384, actual: 20000 },
  noChoices: { code: "noChoices" },
  minimumAboveMaximum: { code: "minimumAboveMaximum" },
  badDefault: { code: "badDefault" },
  unknownVariable: { code: "unknownVariable" },
  badCertificate: { code: "badCertificate", reason: "not PEM" },
};

describe("describeProblem", () => {
  it("has a distinct sentence for every code, with its parameters", () => {
    const sentences = Object.values(problems).map(describeProblem);
    expect(new Set(sentences).size).toBe(sentences.length);
    for (const s of sentences) expect(s).not.toMatch(/undefined|null|\[object/);
    expect(describeProblem(problems.tooLong)).toBe("Too long: at most 100 characters.");
    expect(describeProblem(problems.badPrefix)).toContain("workspace:");
    expect(describeProblem(problems.aboveMaximum)).toBe("Too large: at most 10,000.");
    expect(describeProblem(problems.notAChoice)).toBe("Pick one of: short, long.");
    expect(describeProblem(problems.badCertificate)).toContain("(not PEM)");
  });

  it("says the 16 KiB limit of the variables and their size", () => {
    expect(describeProblem(problems.tooLarge)).toBe(
      "Too large: at most 16 KiB in all (this is 19.5 KiB). Shorten the longest values.",
    );
  });

  it("still says something for a code newer than this UI", () => {
    expect(describeProblem({ code: "badCharacters" } as unknown as Problem)).toMatch(/letters, digits/);
    expect(describeProblem({ code: "somethingNew" } as unknown as Problem)).toBe("This value isn't accepted.");
  });

  it("names each field of an invalidInput where no form shows it", () => {
    expect(describeError(examples.invalidInput)).toBe(
      "Some values weren't accepted. baseUrl: Use https://: plain http is only allowed for a server on this computer.",
    );
  });
});

describe("describeAgentCheck", () => {
  const cases: Array<[AgentCheck, string]> = [
    [{ outcome: "unknownAgent" }, "This workspace has no agent with this id. Check the id."],
    [{ outcome: "badKey" }, "The server refused the key (HTTP 401). Check the workspace's key."],
    [{ outcome: "wrongWorkspace" }, "The key isn't allowed in this workspace (HTTP 403). Check the workspace id."],
    [{ outcome: "unreachable" }, "The server can't be reached. Check the base URL and your connection."],
    [
      { outcome: "tls", reason: "unknown issuer" },
      "The server's certificate isn't trusted (unknown issuer). If your company uses its own certificate authority, add its certificate to the workspace.",
    ],
    [
      { outcome: "redirect", status: 302, location: "https://login.example/" },
      "The server answered with a redirect to https://login.example/; the app doesn't follow redirects. Check the base URL.",
    ],
    [{ outcome: "refused", status: 422, serverCode: null, serverMessage: "variables missing" }, 'The server refused the check (HTTP 422). The server said: "variables missing"'],
    [{ outcome: "refused", status: 500, serverCode: "boom", serverMessage: null }, "The server refused the check (HTTP 500, server code boom)."],
  ];
  it.each(cases)("words %j", (check, words) => {
    expect(describeAgentCheck(check)).toBe(words);
    expect(describeError({ code: "agentCheckFailed", check })).toBe(words);
  });

  it("words a timeout and an unexpected answer", () => {
    expect(describeAgentCheck({ outcome: "timeout" })).toMatch(/took too long/);
    expect(describeAgentCheck({ outcome: "unexpected", reason: "not JSON" })).toMatch(/\(not JSON\)/);
  });
});

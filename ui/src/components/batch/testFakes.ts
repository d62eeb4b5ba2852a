// Builders and a fake backend for the Batch screen's tests (not imported by the app).

import { act } from "@testing-library/react";
import { vi } from "vitest";
import type {
  BatchCounts,
  BatchInput,
  BatchItemStatus,
  BatchItemView,
  BatchRow,
  BatchRunChanged,
  BatchRunSummary,
  BatchRunView,
  FilesDropped,
} from "../../bindings";
import { countItems } from "../../store/batch";
import type { BatchApi, BatchEvents } from "./api";

export function row(line: number, message: string, flags: BatchRow["flags"] = [], key = `row-${line}`): BatchRow {
  return { line, key, message, flags };
}

export function parsed(rows: BatchRow[], more: Partial<BatchInput> = {}): BatchInput {
  return {
    format: "lines",
    columns: [],
    messageColumn: null,
    keyColumn: null,
    delimiter: null,
    rows,
    problems: [],
    flagged: rows.filter((r) => r.flags.length > 0).length,
    moreProblems: 0,
    ...more,
  };
}

export function item(position: number, status: BatchItemStatus = "queued", more: Partial<BatchItemView> = {}): BatchItemView {
  return {
    position,
    key: `k${position}`,
    message: `message ${position}`,
    status,
    outputText: null,
    parsedOutput: null,
    usage: null,
    costMicrodollars: null,
    error: null,
    ...more,
  };
}

export function runView(id: string, items: BatchItemView[], more: Partial<BatchRunView> = {}): BatchRunView {
  return {
    id,
    workspaceId: "demo",
    agentId: "writer",
    agentName: "Writer",
    startedAtMs: 1_000_000,
    finishedAtMs: null,
    status: "running",
    counts: countItems(items),
    items,
    retryOf: null,
    error: null,
    ...more,
  };
}

export function summary(id: string, more: Partial<BatchRunSummary> = {}): BatchRunSummary {
  const counts: BatchCounts = { total: 3, queued: 0, running: 0, done: 3, failed: 0, cancelled: 0 };
  return { id, agentName: "Writer", startedAtMs: 1_000_000, finishedAtMs: 1_060_000, status: "completed", counts, retryOf: null, ...more };
}

export function changed(runId: string, items: BatchItemView[], counts: BatchCounts, more: Partial<BatchRunChanged> = {}): BatchRunChanged {
  return { runId, status: "running", counts, items, finishedAtMs: null, error: null, ...more };
}

/** Every batch command as a spy with a harmless answer; a test replaces what it needs. */
export function batchFakes() {
  return {
    batchOpenFile: vi.fn<BatchApi["batchOpenFile"]>(async () => ({ status: "ok", data: null })),
    batchOpenDraggedFile: vi.fn<BatchApi["batchOpenDraggedFile"]>(async (dropId) => ({
      status: "ok",
      data: { fileId: `file-${dropId}`, name: "dropped.csv", size: 2048 },
    })),
    batchParse: vi.fn<BatchApi["batchParse"]>(async () => ({ status: "ok", data: parsed([]) })),
    batchPreviewCost: vi.fn<BatchApi["batchPreviewCost"]>(async (_w, _a, count) => ({
      status: "ok",
      data: { perItem: { credits: 5, baseCost: 5, rules: [] }, count, total: count * 5, atLeast: false },
    })),
    batchStart: vi.fn<BatchApi["batchStart"]>(async () => ({ status: "ok", data: runView("run-new", [item(0), item(1)]) })),
    batchCancel: vi.fn<BatchApi["batchCancel"]>(async (runId) => ({ status: "error", error: { code: "unknownExecution", handle: runId } })),
    batchRetryFailed: vi.fn<BatchApi["batchRetryFailed"]>(async (runId) => ({
      status: "error",
      error: { code: "unknownExecution", handle: runId },
    })),
    batchRuns: vi.fn<BatchApi["batchRuns"]>(async () => ({ status: "ok", data: [] })),
    batchRun: vi.fn<BatchApi["batchRun"]>(async (runId) => ({ status: "error", error: { code: "unknownExecution", handle: runId } })),
    batchExport: vi.fn<BatchApi["batchExport"]>(async () => ({ status: "ok", data: true })),
  } satisfies BatchApi;
}

/** Batch events a test emits by hand (inside act). */
export function batchEvents() {
  let runChanged: (e: BatchRunChanged) => void = () => undefined;
  let dropped: (e: FilesDropped) => void = () => undefined;
  const events: BatchEvents = {
    batchRunChanged: {
      listen: async (cb) => {
        runChanged = (e) => cb({ payload: e });
        return () => undefined;
      },
    },
    filesDropped: {
      listen: async (cb) => {
        dropped = (e) => cb({ payload: e });
        return () => undefined;
      },
    },
  };
  return {
    events,
    runChanged: (e: BatchRunChanged) => act(() => runChanged(e)),
    dropped: (e: FilesDropped) =>
      act(async () => {
        dropped(e);
      }),
  };
}

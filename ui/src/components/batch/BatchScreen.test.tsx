import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AgentSummary } from "../../bindings";
import type { BatchRunView } from "../../bindings";
import { BatchScreen } from "./BatchScreen";
import { batchEvents, batchFakes, changed, item, parsed, row, runView, summary } from "./testFakes";

const agents: AgentSummary[] = [{ id: "writer", name: "Writer", description: "", requiresUserMessage: true, variables: [] }];
const STARTED = 1_000_000;

function setup(views: BatchRunView[] = [], options: { active?: boolean; now?: number } = {}) {
  const api = batchFakes();
  const byId = new Map(views.map((v) => [v.id, v]));
  api.batchRuns.mockResolvedValue({ status: "ok", data: views.map((v) => summary(v.id, { status: v.status, counts: v.counts, agentName: v.agentName })) });
  api.batchRun.mockImplementation(async (id) => {
    const v = byId.get(id);
    return v ? { status: "ok", data: v } : { status: "error", error: { code: "unknownExecution", handle: id } };
  });
  const e = batchEvents();
  const onBack = vi.fn();
  let nowMs = options.now ?? STARTED + 10_000;
  const props = {
    api,
    events: e.events,
    workspaceId: "demo",
    agents,
    initialAgentId: "writer",
    onBack,
    now: () => nowMs,
    parseDelayMs: 0,
  };
  const utils = render(<BatchScreen {...props} active={options.active ?? true} />);
  return {
    api,
    onBack,
    ...e,
    setActive: (active: boolean) => utils.rerender(<BatchScreen {...props} active={active} />),
    setNow: (ms: number) => {
      nowMs = ms;
    },
  };
}

async function settle() {
  await act(async () => undefined);
  await act(async () => undefined);
}

async function openRun(id: string) {
  const entry = document.querySelector<HTMLElement>(`[data-testid="batch-run-item"][data-run-id="${id}"]`)!;
  await act(async () => {
    fireEvent.click(entry);
  });
  await settle();
}

const runItems = () => screen.getAllByTestId("batch-item");
const itemAt = (position: number) => document.querySelector<HTMLElement>(`[data-testid="batch-item"][data-position="${position}"]`)!;
const progress = () => screen.getByRole("progressbar");

beforeEach(() => {
  vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(400);
});
afterEach(cleanup);

describe("BatchScreen runs list", () => {
  it("lists the workspace's runs, newest first, and reopens one on click", async () => {
    const older = runView("r-old", [item(0, "done"), item(1, "failed", { error: "HTTP 500" })], { status: "completed", agentName: "Coder" });
    const newer = runView("r-new", [item(0, "done")], { status: "completed" });
    const s = setup([newer, older]);
    await settle();
    expect(s.api.batchRuns).toHaveBeenCalledWith("demo");
    const entries = screen.getAllByTestId("batch-run-item");
    expect(entries.map((e) => e.dataset.runId)).toEqual(["r-new", "r-old"]);
    expect(entries[1]!.textContent).toContain("1 of 2 done · 1 failed");

    await openRun("r-old");
    expect(s.api.batchRun).toHaveBeenCalledWith("r-old");
    expect(screen.getByTestId("batch-run").dataset.runId).toBe("r-old");
    expect(screen.getByTestId("batch-heading").textContent).toBe("Batch for Coder");
    expect(entries[1]!.getAttribute("aria-current")).toBe("true");
    expect(screen.getByTestId("batch-input").closest("[hidden]")).not.toBeNull();

    fireEvent.click(screen.getByTestId("batch-new"));
    expect(screen.queryByTestId("batch-run")).toBeNull();
    expect(screen.getByTestId("batch-input").closest("[hidden]")).toBeNull();
  });

  it("shows a run started here at the top of the list", async () => {
    const s = setup([runView("r-old", [item(0, "done")], { status: "completed" })]);
    s.api.batchParse.mockResolvedValue({ status: "ok", data: parsed([row(1, "a"), row(2, "b")]) });
    s.api.batchStart.mockResolvedValue({ status: "ok", data: runView("r-started", [item(0), item(1)]) });
    await settle();
    await act(async () => {
      fireEvent.change(screen.getByTestId("batch-paste"), { target: { value: "a\nb" } });
    });
    await settle();
    fireEvent.click(screen.getByTestId("batch-start"));
    await act(async () => {
      fireEvent.click(screen.getByTestId("batch-confirm-run"));
    });
    await settle();
    expect(screen.getAllByTestId("batch-run-item").map((e) => e.dataset.runId)).toEqual(["r-started", "r-old"]);
    expect(screen.getByTestId("batch-run").dataset.runId).toBe("r-started");
  });
});

describe("BatchScreen run view", () => {
  const four = () => runView("r1", [item(0), item(1), item(2), item(3)], { startedAtMs: STARTED });

  it("folds batch-run-changed events: out of order, other runs ignored, counts and progress", async () => {
    const s = setup([four()]);
    await settle();
    await openRun("r1");
    expect(screen.getByTestId("batch-counts").textContent).toBe("0 done · 0 failed · 0 running · 4 queued · 0 cancelled · of 4");
    expect(progress().getAttribute("aria-valuenow")).toBe("0");
    expect(progress().getAttribute("aria-valuemax")).toBe("4");

    const total = { total: 4, cancelled: 0 };
    s.runChanged(changed("r1", [item(0, "done", { outputText: "one" })], { ...total, done: 1, failed: 0, running: 1, queued: 2 }));
    // An older event, late: item 0 stays done.
    s.runChanged(changed("r1", [item(0, "running"), item(1, "running")], { ...total, done: 0, failed: 0, running: 2, queued: 2 }));
    // Another run's event changes nothing here.
    s.runChanged(changed("r2", [item(2, "failed")], { ...total, done: 0, failed: 1, running: 0, queued: 3 }));
    s.runChanged(changed("r1", [item(2, "failed", { error: "HTTP 500" })], { ...total, done: 1, failed: 1, running: 1, queued: 1 }));

    expect(itemAt(0).dataset.status).toBe("done");
    expect(itemAt(1).dataset.status).toBe("running");
    expect(itemAt(2).dataset.status).toBe("failed");
    expect(itemAt(3).dataset.status).toBe("queued");
    expect(within(itemAt(1)).getByTestId("batch-item-state").textContent).toBe("Running…");
    expect(screen.getByTestId("batch-counts").textContent).toBe("1 done · 1 failed · 1 running · 1 queued · 0 cancelled · of 4");
    expect(progress().getAttribute("aria-valuenow")).toBe("2");
    // The list follows too.
    expect(screen.getAllByTestId("batch-run-item")[0]!.textContent).toContain("1 of 4 done · 1 failed");
  });

  it("shows the elapsed time and, from the rate so far, the time left", async () => {
    const s = setup([four()], { now: STARTED + 20_000 });
    await settle();
    await openRun("r1");
    expect(screen.getByTestId("batch-times").textContent).toBe("Elapsed 20 s");
    s.runChanged(
      changed("r1", [item(0, "done"), item(1, "done")], { total: 4, done: 2, failed: 0, running: 0, queued: 2, cancelled: 0 }),
    );
    expect(screen.getByTestId("batch-times").textContent).toBe("Elapsed 20 s · about 20 s left");
  });

  it("opens an item to show its answer, its structured output or its error", async () => {
    const view = runView(
      "r1",
      [
        item(0, "done", { outputText: "**Bold** answer", usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, costMicrodollars: 4200 }),
        item(1, "done", { parsedOutput: '{\n  "score": 7\n}' }),
        item(2, "failed", { error: "The server said no" }),
      ],
      { status: "completed", finishedAtMs: STARTED + 5_000 },
    );
    setup([view]);
    await settle();
    await openRun("r1");

    const toggle = (position: number) => within(itemAt(position)).getByRole("button", { expanded: false });
    fireEvent.click(toggle(0));
    const firstDetail = within(itemAt(0)).getByTestId("batch-item-detail");
    expect(within(firstDetail).getByTestId("part-text").querySelector("strong")?.textContent).toBe("Bold");
    expect(within(firstDetail).getByTestId("batch-item-usage").textContent).toContain("15 tokens");
    expect(within(itemAt(0)).getByRole("button", { expanded: true })).toBeTruthy();

    fireEvent.click(toggle(1));
    expect(within(itemAt(1)).getByTestId("part-structured").textContent).toContain("score");

    fireEvent.click(toggle(2));
    expect(within(itemAt(2)).getByTestId("batch-item-error").textContent).toBe("Failed: The server said no");

    fireEvent.click(within(itemAt(0)).getByRole("button", { expanded: true }));
    expect(within(itemAt(0)).queryByTestId("batch-item-detail")).toBeNull();

    // Up and Down move between items.
    const summaryOf = (position: number) => itemAt(position).querySelector<HTMLElement>(":scope > button")!;
    const first = summaryOf(0);
    first.focus();
    await act(async () => {
      fireEvent.keyDown(first, { key: "ArrowDown" });
    });
    expect(document.activeElement).toBe(summaryOf(1));
    await act(async () => {
      fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
    });
    expect(document.activeElement).toBe(first);
  });

  it("asks before cancelling, then cancels", async () => {
    const s = setup([four()]);
    s.api.batchCancel.mockResolvedValue({
      status: "ok",
      data: runView("r1", [item(0, "done"), item(1, "cancelled"), item(2, "cancelled"), item(3, "cancelled")], {
        status: "cancelled",
        finishedAtMs: STARTED + 3_000,
      }),
    });
    await settle();
    await openRun("r1");
    fireEvent.click(screen.getByTestId("batch-cancel"));
    expect(screen.getByTestId("batch-cancel-confirm").textContent).toContain(
      "Stop sending? Items already sent may still run on the server and be charged.",
    );
    expect(s.api.batchCancel).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId("batch-cancel-no"));
    expect(screen.queryByTestId("batch-cancel-confirm")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("batch-cancel"));

    fireEvent.click(screen.getByTestId("batch-cancel"));
    await act(async () => {
      fireEvent.click(screen.getByTestId("batch-cancel-yes"));
    });
    expect(s.api.batchCancel).toHaveBeenCalledWith("r1");
    expect(screen.getByTestId("batch-run-status").textContent).toBe("Cancelled");
    expect(screen.getByTestId("batch-counts").textContent).toBe("1 done · 0 failed · 0 running · 0 queued · 3 cancelled · of 4");
    expect(screen.queryByTestId("batch-cancel")).toBeNull();
    expect(screen.getByTestId("batch-times").textContent).toBe("Took 3 s");
  });

  it("retries the failed items as a new run and exports the results", async () => {
    const ended = runView("r1", [item(0, "done"), item(1, "failed"), item(2, "failed")], {
      status: "completed",
      finishedAtMs: STARTED + 9_000,
    });
    const s = setup([ended]);
    s.api.batchRetryFailed.mockResolvedValue({
      status: "ok",
      data: runView("r2", [item(0, "queued", { key: "k1" }), item(1, "queued", { key: "k2" })], { retryOf: "r1" }),
    });
    await settle();
    await openRun("r1");
    expect(screen.queryByTestId("batch-cancel")).toBeNull();

    await act(async () => {
      fireEvent.click(screen.getByTestId("batch-export-csv"));
    });
    expect(s.api.batchExport).toHaveBeenLastCalledWith("r1", "csv");
    expect(screen.getByTestId("batch-exported").textContent).toBe("Results saved.");
    await act(async () => {
      fireEvent.click(screen.getByTestId("batch-export-jsonl"));
    });
    expect(s.api.batchExport).toHaveBeenLastCalledWith("r1", "jsonl");

    expect(screen.getByTestId("batch-retry").textContent).toBe("Retry failed (2)");
    await act(async () => {
      fireEvent.click(screen.getByTestId("batch-retry"));
    });
    expect(s.api.batchRetryFailed).toHaveBeenCalledWith("r1");
    expect(screen.getByTestId("batch-run").dataset.runId).toBe("r2");
    expect(runItems().map((i) => i.dataset.status)).toEqual(["queued", "queued"]);
    expect(screen.getAllByTestId("batch-run-item").map((e) => e.dataset.runId)).toEqual(["r2", "r1"]);
  });

  it("keeps a 10,000-item run's DOM small and still follows its far items", async () => {
    const many = runView("big", Array.from({ length: 10_000 }, (_, i) => item(i)));
    const s = setup([many]);
    await settle();
    await openRun("big");
    expect(runItems().length).toBeLessThan(60);
    s.runChanged(changed("big", [item(9_999, "done")], { total: 10_000, done: 1, failed: 0, running: 0, queued: 9_999, cancelled: 0 }));
    expect(screen.getByTestId("batch-counts").textContent).toBe("1 done · 0 failed · 0 running · 9,999 queued · 0 cancelled · of 10,000");
    expect(progress().getAttribute("aria-valuenow")).toBe("1");
  });

  it("folds events that arrived before the run's snapshot", async () => {
    const s = setup([four()]);
    await settle();
    s.runChanged(changed("r1", [item(3, "done", { outputText: "early" })], { total: 4, done: 1, failed: 0, running: 0, queued: 3, cancelled: 0 }));
    await openRun("r1");
    expect(itemAt(3).dataset.status).toBe("done");
    expect(progress().getAttribute("aria-valuenow")).toBe("1");
  });
});

describe("BatchScreen dropped files", () => {
  it("loads one dropped file as the source", async () => {
    const s = setup();
    s.api.batchParse.mockResolvedValue({ status: "ok", data: parsed([row(1, "a")]) });
    await settle();
    await s.dropped({ files: [{ dropId: "d1", name: "dropped.csv", size: 2048 }], others: [] });
    await settle();
    expect(s.api.batchOpenDraggedFile).toHaveBeenCalledWith("d1");
    expect(screen.getByTestId("batch-file").textContent).toContain("dropped.csv (2 KiB)");
    expect(s.api.batchParse).toHaveBeenLastCalledWith({ kind: "file", fileId: "file-d1" }, expect.anything());
  });

  it("asks for one file when several are dropped, and ignores drops while hidden", async () => {
    const s = setup();
    await settle();
    await s.dropped({
      files: [
        { dropId: "d1", name: "a.csv", size: 1 },
        { dropId: "d2", name: "b.csv", size: 1 },
      ],
      others: [],
    });
    expect(screen.getByTestId("batch-source-note").textContent).toBe("Drop one file at a time: 2 files were dropped.");
    expect(s.api.batchOpenDraggedFile).not.toHaveBeenCalled();

    s.setActive(false);
    await s.dropped({ files: [{ dropId: "d3", name: "c.csv", size: 1 }], others: [] });
    await settle();
    expect(s.api.batchOpenDraggedFile).not.toHaveBeenCalled();
  });
});

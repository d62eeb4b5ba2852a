import { describe, expect, it } from "vitest";
import { changed, item, runView, summary } from "../components/batch/testFakes";
import { applyRunChanged, applyToSummary, countItems, estimateRemainingMs, upsertSummary } from "./batch";

const counts = (done: number, failed: number, running: number, queued: number, cancelled = 0) => ({
  total: done + failed + running + queued + cancelled,
  done,
  failed,
  running,
  queued,
  cancelled,
});

describe("applyRunChanged", () => {
  const start = runView("r1", [item(0), item(1), item(2)]);

  it("merges the changed items by position and recounts", () => {
    const next = applyRunChanged(start, changed("r1", [item(1, "running")], counts(0, 0, 1, 2)));
    expect(next.items.map((i) => i.status)).toEqual(["queued", "running", "queued"]);
    expect(next.counts).toEqual(counts(0, 0, 1, 2));
    expect(next.items[0]).toBe(start.items[0]);
  });

  it("never moves an item back, whatever order the events arrive in", () => {
    const done = changed("r1", [item(0, "done", { outputText: "hi" })], counts(1, 0, 0, 2));
    const running = changed("r1", [item(0, "running")], counts(0, 0, 1, 2));
    const a = applyRunChanged(applyRunChanged(start, running), done);
    const b = applyRunChanged(applyRunChanged(start, done), running);
    expect(a).toEqual(b);
    expect(b.items[0]!.status).toBe("done");
    expect(b.items[0]!.outputText).toBe("hi");
    expect(b.counts).toEqual(counts(1, 0, 0, 2));
  });

  it("ignores another run's events and events that change nothing", () => {
    expect(applyRunChanged(start, changed("r2", [item(0, "done")], counts(1, 0, 0, 2)))).toBe(start);
    const once = applyRunChanged(start, changed("r1", [item(2, "failed", { error: "boom" })], counts(0, 1, 0, 2)));
    expect(applyRunChanged(once, changed("r1", [item(2, "failed", { error: "boom" })], counts(0, 1, 0, 2)))).toEqual(once);
    expect(applyRunChanged(once, changed("r1", [item(2, "queued")], counts(0, 0, 0, 3)))).toBe(once);
  });

  it("keeps a run ended once it ended, and its end time", () => {
    const ended = applyRunChanged(
      start,
      changed("r1", [item(0, "done"), item(1, "done"), item(2, "cancelled")], counts(2, 0, 0, 0, 1), {
        status: "cancelled",
        finishedAtMs: 2_000_000,
      }),
    );
    expect(ended.status).toBe("cancelled");
    const late = applyRunChanged(ended, changed("r1", [item(1, "running")], counts(1, 0, 1, 0, 1)));
    expect(late.status).toBe("cancelled");
    expect(late.finishedAtMs).toBe(2_000_000);
    expect(late.counts).toEqual(counts(2, 0, 0, 0, 1));
  });

  it("takes the event's counts when the view doesn't hold every item, unless they are behind", () => {
    const partial = runView("r1", [item(0)], { counts: counts(0, 0, 0, 10) });
    const ahead = applyRunChanged(partial, changed("r1", [], counts(3, 1, 2, 4)));
    expect(ahead.counts).toEqual(counts(3, 1, 2, 4));
    expect(applyRunChanged(ahead, changed("r1", [], counts(2, 1, 2, 5))).counts).toEqual(counts(3, 1, 2, 4));
  });
});

describe("runs list", () => {
  it("puts a new run at the top and a reopened one in its place", () => {
    const list = [summary("old")];
    const started = upsertSummary(list, runView("new", [item(0)]));
    expect(started.map((s) => s.id)).toEqual(["new", "old"]);
    const again = upsertSummary(started, runView("old", [item(0, "done")], { status: "completed" }));
    expect(again.map((s) => s.id)).toEqual(["new", "old"]);
    expect(again[1]!.counts).toEqual(countItems([item(0, "done")]));
  });

  it("follows a run's events", () => {
    const s = summary("r1", { status: "running", counts: counts(0, 0, 1, 2), finishedAtMs: null });
    const next = applyToSummary(s, changed("r1", [], counts(3, 0, 0, 0), { status: "completed", finishedAtMs: 5 }));
    expect(next).toMatchObject({ status: "completed", finishedAtMs: 5, counts: counts(3, 0, 0, 0) });
    expect(applyToSummary(s, changed("r2", [], counts(3, 0, 0, 0)))).toBe(s);
  });
});

describe("estimateRemainingMs", () => {
  it("extrapolates from the items that finished", () => {
    expect(estimateRemainingMs(counts(3, 1, 2, 4), 8_000)).toBe(12_000);
    expect(estimateRemainingMs(counts(0, 0, 2, 8), 8_000)).toBeNull();
    expect(estimateRemainingMs(counts(10, 0, 0, 0), 8_000)).toBeNull();
  });
});

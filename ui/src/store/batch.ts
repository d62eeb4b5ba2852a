// A batch run as the UI shows it: a pure fold of `batch-run-changed` events into the
// run's view (from `batch_run` or `batch_start`) and into the runs list. No React, no
// Tauri. Core owns the truth; this only keeps the view in line between snapshots.
//
// The events carry no sequence number and Tauri does not buffer them, so the fold must
// not care about order or about events older than the snapshot it starts from. It only
// moves forward: an item's status never goes back (queued -> running -> done, failed or
// cancelled), a run that ended stays ended, and the counts follow the items when the
// view holds them all. Applying an event twice, or a stale one, changes nothing.

import type {
  BatchCounts,
  BatchItemStatus,
  BatchItemView,
  BatchRunChanged,
  BatchRunStatus,
  BatchRunSummary,
  BatchRunView,
} from "../bindings";

const itemRank: Record<BatchItemStatus, number> = { queued: 0, running: 1, done: 2, failed: 2, cancelled: 2 };

export function isFinishedItem(status: BatchItemStatus): boolean {
  return itemRank[status] === 2;
}

export function isRunEnded(status: BatchRunStatus): boolean {
  return status !== "running";
}

/** Items that ended, one way or another. */
export function settledCount(counts: BatchCounts): number {
  return counts.done + counts.failed + counts.cancelled;
}

/** Items that were sent (or ended without being sent). */
function startedCount(counts: BatchCounts): number {
  return counts.total - counts.queued;
}

export function countItems(items: readonly BatchItemView[]): BatchCounts {
  const counts: BatchCounts = { total: items.length, queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  for (const item of items) counts[item.status]++;
  return counts;
}

function sameCounts(a: BatchCounts, b: BatchCounts): boolean {
  return (
    a.total === b.total &&
    a.queued === b.queued &&
    a.running === b.running &&
    a.done === b.done &&
    a.failed === b.failed &&
    a.cancelled === b.cancelled
  );
}

/** The counts to keep when the items can't tell: the event's, unless they are behind. */
function laterCounts(current: BatchCounts, event: BatchCounts): BatchCounts {
  const behind = settledCount(event) < settledCount(current) || startedCount(event) < startedCount(current);
  return behind ? current : event;
}

function laterStatus(current: BatchRunStatus, event: BatchRunStatus): BatchRunStatus {
  return isRunEnded(current) ? current : event;
}

/** Where the item at `position` is in `items` (positions are usually the indexes). */
function indexOf(items: readonly BatchItemView[], position: number): number {
  if (items[position]?.position === position) return position;
  return items.findIndex((item) => item.position === position);
}

/** `items` with the changed ones merged by position; the same array when none moves forward. */
export function mergeItems(items: readonly BatchItemView[], changed: readonly BatchItemView[]): readonly BatchItemView[] {
  let next: BatchItemView[] | null = null;
  for (const item of changed) {
    const at = indexOf(next ?? items, item.position);
    if (at < 0) continue;
    const old = (next ?? items)[at]!;
    if (itemRank[item.status] < itemRank[old.status]) continue;
    next ??= items.slice();
    next[at] = item;
  }
  return next ?? items;
}

/** The view after `event`; the same object when the event is another run's or changes nothing. */
export function applyRunChanged(view: BatchRunView, event: BatchRunChanged): BatchRunView {
  if (event.runId !== view.id) return view;
  const items = mergeItems(view.items, event.items);
  const counts = items.length === view.counts.total ? countItems(items) : laterCounts(view.counts, event.counts);
  const status = laterStatus(view.status, event.status);
  const finishedAtMs = view.finishedAtMs ?? event.finishedAtMs;
  const error = view.error ?? event.error;
  if (
    items === view.items &&
    sameCounts(counts, view.counts) &&
    status === view.status &&
    finishedAtMs === view.finishedAtMs &&
    error === view.error
  ) {
    return view;
  }
  return { ...view, items: items as BatchItemView[], counts, status, finishedAtMs, error };
}

/** A runs-list entry after `event` (the same object when it is another run's). */
export function applyToSummary(summary: BatchRunSummary, event: BatchRunChanged): BatchRunSummary {
  if (event.runId !== summary.id) return summary;
  const counts = laterCounts(summary.counts, event.counts);
  const status = laterStatus(summary.status, event.status);
  const finishedAtMs = summary.finishedAtMs ?? event.finishedAtMs;
  if (sameCounts(counts, summary.counts) && status === summary.status && finishedAtMs === summary.finishedAtMs) return summary;
  return { ...summary, counts, status, finishedAtMs };
}

export function summaryOf(view: BatchRunView): BatchRunSummary {
  return {
    id: view.id,
    agentName: view.agentName,
    startedAtMs: view.startedAtMs,
    finishedAtMs: view.finishedAtMs,
    status: view.status,
    counts: view.counts,
    retryOf: view.retryOf,
  };
}

/** The runs list with `view` at the top (a new run) or in its place (a run reopened). */
export function upsertSummary(list: readonly BatchRunSummary[], view: BatchRunView): BatchRunSummary[] {
  const summary = summaryOf(view);
  const at = list.findIndex((s) => s.id === view.id);
  if (at < 0) return [summary, ...list];
  const next = list.slice();
  next[at] = summary;
  return next;
}

/**
 * The time left, from the rate at which items finished (done or failed) so far; null
 * before the first one finished or once the run ended.
 */
export function estimateRemainingMs(counts: BatchCounts, elapsedMs: number): number | null {
  const finished = counts.done + counts.failed;
  const remaining = counts.queued + counts.running;
  if (finished === 0 || remaining === 0 || elapsedMs <= 0) return null;
  return (elapsedMs / finished) * remaining;
}

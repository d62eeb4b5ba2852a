import { useEffect, useId, useRef, useState } from "react";
import { describeError } from "../../errors";
import { formatCount, formatElapsed, formatRelativeTime } from "../../format";
import { messages } from "../../messages";
import type { AppError, BatchCounts, BatchRunView } from "../../bindings";
import { estimateRemainingMs, isRunEnded, settledCount } from "../../store/batch";
import { call, type BatchApi } from "./api";
import { BatchItems } from "./BatchItems";

const words = messages.batch.run;

type Props = {
  view: BatchRunView;
  api: Pick<BatchApi, "batchCancel" | "batchRetryFailed" | "batchExport">;
  /** A newer snapshot of this run (after Cancel). */
  onSnapshot: (view: BatchRunView) => void;
  /** The new run that retries the failed items. */
  onRetried: (view: BatchRunView) => void;
  now: () => number;
};

export function describeCounts(c: BatchCounts): string {
  return words.counts({
    done: formatCount(c.done),
    failed: formatCount(c.failed),
    running: formatCount(c.running),
    queued: formatCount(c.queued),
    cancelled: formatCount(c.cancelled),
    total: formatCount(c.total),
  });
}

/** The clock of a running run, ticking once a second; stops once it ended. */
function useTicking(now: () => number, running: boolean): number {
  const [nowMs, setNowMs] = useState(now);
  useEffect(() => {
    setNowMs(now());
    if (!running) return;
    const timer = setInterval(() => setNowMs(now()), 1000);
    return () => clearInterval(timer);
  }, [now, running]);
  return nowMs;
}

/**
 * One run: its progress, counts and times, its items live, Cancel while it runs (after
 * a question), then Retry failed and Export.
 */
export function BatchRunPanel({ view, api, onSnapshot, onRetried, now }: Props) {
  const id = useId();
  const running = !isRunEnded(view.status);
  const nowMs = useTicking(now, running);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState<null | "cancel" | "retry" | "csv" | "jsonl">(null);
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  const [announce, setAnnounce] = useState("");
  const stopButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const [focusCancel, setFocusCancel] = useState(0);
  const wasRunning = useRef(running);

  useEffect(() => {
    if (asking) stopButton.current?.focus();
  }, [asking]);
  useEffect(() => {
    if (focusCancel > 0) cancelButton.current?.focus();
  }, [focusCancel]);
  useEffect(() => {
    if (!running) setAsking(false);
  }, [running]);

  // Said once, when the run ends while it is shown.
  useEffect(() => {
    if (wasRunning.current && !running) setAnnounce(words.announceEnded(messages.batch.status[view.status], describeCounts(view.counts)));
    wasRunning.current = running;
  }, [running, view.status, view.counts]);

  const { counts } = view;
  const settled = settledCount(counts);
  // Times cross IPC as `number | null` (an f64 NaN arrives as null).
  const startedAt = view.startedAtMs ?? nowMs;
  const elapsed = (view.finishedAtMs ?? Math.max(nowMs, startedAt)) - startedAt;
  const remaining = running ? estimateRemainingMs(counts, elapsed) : null;
  const percent = (n: number) => (counts.total === 0 ? 0 : (n / counts.total) * 100);

  async function cancel() {
    setBusy("cancel");
    setError(null);
    const result = await call(() => api.batchCancel(view.id));
    setBusy(null);
    setAsking(false);
    if (result.status === "ok") onSnapshot(result.data);
    else setError(result.error);
  }

  async function retry() {
    setBusy("retry");
    setError(null);
    const result = await call(() => api.batchRetryFailed(view.id));
    setBusy(null);
    if (result.status === "ok") onRetried(result.data);
    else setError(result.error);
  }

  async function exportAs(format: "csv" | "jsonl") {
    setBusy(format);
    setError(null);
    setSaved(false);
    const result = await call(() => api.batchExport(view.id, format));
    setBusy(null);
    if (result.status === "ok") setSaved(result.data);
    else setError(result.error);
  }

  return (
    <div className="batch-run" data-testid="batch-run" data-run-id={view.id} data-status={view.status}>
      <div className="batch-run-head">
        <span className={`batch-status status-${view.status}`} data-testid="batch-run-status">
          {messages.batch.status[view.status]}
        </span>
        <span className="form-hint">{words.started(formatRelativeTime(view.startedAtMs ?? nowMs, nowMs))}</span>
      </div>
      {view.retryOf && <p className="form-hint">{words.retryOf}</p>}
      <div
        className="batch-progress"
        role="progressbar"
        aria-label={words.progress}
        aria-valuemin={0}
        aria-valuemax={counts.total}
        aria-valuenow={settled}
        aria-valuetext={words.progressText(formatCount(settled), formatCount(counts.total))}
      >
        <span className="batch-progress-done" style={{ width: `${percent(counts.done)}%` }} />
        <span className="batch-progress-failed" style={{ width: `${percent(counts.failed)}%` }} />
        <span className="batch-progress-cancelled" style={{ width: `${percent(counts.cancelled)}%` }} />
      </div>
      <p className="batch-counts" data-testid="batch-counts">
        {describeCounts(counts)}
      </p>
      <p className="batch-times form-hint" data-testid="batch-times">
        {running ? words.elapsed(formatElapsed(elapsed)) : words.took(formatElapsed(elapsed))}
        {remaining !== null && ` · ${words.remaining(formatElapsed(remaining))}`}
      </p>
      {view.error && (
        <p className="form-problem" role="alert" data-testid="batch-run-error">
          {words.error(view.error)}
        </p>
      )}

      <div className="form-actions batch-run-actions">
        {running && (
          <button
            ref={cancelButton}
            type="button"
            className="button quiet bordered danger"
            data-testid="batch-cancel"
            disabled={asking || busy !== null}
            onClick={() => setAsking(true)}
          >
            {busy === "cancel" ? words.cancelling : words.cancel}
          </button>
        )}
        {!running && counts.failed > 0 && (
          <button type="button" className="button primary" data-testid="batch-retry" disabled={busy !== null} onClick={() => void retry()}>
            {busy === "retry" ? words.retrying : words.retryFailed(formatCount(counts.failed))}
          </button>
        )}
        {!running && (
          <>
            <button
              type="button"
              className="button quiet bordered"
              data-testid="batch-export-csv"
              disabled={busy !== null}
              onClick={() => void exportAs("csv")}
            >
              {busy === "csv" ? words.exporting : words.exportCsv}
            </button>
            <button
              type="button"
              className="button quiet bordered"
              data-testid="batch-export-jsonl"
              disabled={busy !== null}
              onClick={() => void exportAs("jsonl")}
            >
              {busy === "jsonl" ? words.exporting : words.exportJsonl}
            </button>
          </>
        )}
        {saved && (
          <span className="form-status" role="status" data-testid="batch-exported">
            {words.exported}
          </span>
        )}
      </div>
      {asking && running && (
        <div className="batch-confirm danger" data-testid="batch-cancel-confirm" role="group" aria-labelledby={`${id}-cancel`}>
          <p id={`${id}-cancel`}>{words.cancelQuestion}</p>
          <button
            ref={stopButton}
            type="button"
            className="button danger-solid"
            data-testid="batch-cancel-yes"
            disabled={busy !== null}
            onClick={() => void cancel()}
          >
            {words.stopSending}
          </button>
          <button
            type="button"
            className="button quiet bordered"
            data-testid="batch-cancel-no"
            onClick={() => {
              setAsking(false);
              setFocusCancel((n) => n + 1);
            }}
          >
            {words.keepRunning}
          </button>
        </div>
      )}
      {error && (
        <p className="form-problem" role="alert" data-testid="batch-action-error">
          {describeError(error)}
        </p>
      )}
      <p className="visually-hidden" role="status">
        {announce}
      </p>
      <BatchItems items={view.items} />
    </div>
  );
}

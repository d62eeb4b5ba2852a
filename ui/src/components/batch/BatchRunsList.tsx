import { memo } from "react";
import { formatCount, formatRelativeTime } from "../../format";
import { messages } from "../../messages";
import type { BatchRunSummary } from "../../bindings";

const words = messages.batch.runs;

export type RunsLoad = { phase: "loading" } | { phase: "loaded"; list: BatchRunSummary[] } | { phase: "failed" };

const Item = memo(function Item({
  run,
  selected,
  nowMs,
  onOpen,
}: {
  run: BatchRunSummary;
  selected: boolean;
  nowMs: number;
  onOpen: (runId: string) => void;
}) {
  const { counts } = run;
  return (
    <li>
      <button
        type="button"
        className="conversation-item batch-run-item"
        data-testid="batch-run-item"
        data-run-id={run.id}
        data-status={run.status}
        aria-current={selected ? "true" : undefined}
        onClick={() => onOpen(run.id)}
      >
        <span className="conversation-item-top">
          <span className="conversation-title">{run.agentName}</span>
          <span className={`batch-status status-${run.status}`}>{messages.batch.status[run.status]}</span>
        </span>
        <span className="conversation-meta">
          <time dateTime={new Date(run.startedAtMs ?? nowMs).toISOString()}>{formatRelativeTime(run.startedAtMs ?? nowMs, nowMs)}</time>
          {run.retryOf && <span> · {words.retryOf}</span>}
          <span aria-hidden="true"> · </span>
          <span>{words.counts(formatCount(counts.done), formatCount(counts.total), counts.failed, formatCount(counts.failed))}</span>
        </span>
      </button>
    </li>
  );
});

/** The workspace's batch runs, newest first; one opens on click. */
export function BatchRunsList({
  runs,
  selectedId,
  nowMs,
  onOpen,
  onRetry,
}: {
  runs: RunsLoad;
  selectedId: string | null;
  nowMs: number;
  onOpen: (runId: string) => void;
  onRetry: () => void;
}) {
  return (
    <nav className="sidebar-scroll batch-runs" data-testid="batch-runs" aria-labelledby="batch-runs-title">
      <h2 id="batch-runs-title" className="batch-runs-title">
        {words.title}
      </h2>
      {runs.phase === "loading" && <p className="conversation-list-note">{words.loading}</p>}
      {runs.phase === "failed" && (
        <p className="conversation-list-note error" role="alert">
          {words.failed}{" "}
          <button type="button" className="link-button" onClick={onRetry}>
            {words.retry}
          </button>
        </p>
      )}
      {runs.phase === "loaded" && runs.list.length === 0 && <p className="conversation-list-note">{words.none}</p>}
      {runs.phase === "loaded" && runs.list.length > 0 && (
        <ul className="conversation-rows">
          {runs.list.map((run) => (
            <Item key={run.id} run={run} selected={run.id === selectedId} nowMs={nowMs} onOpen={onOpen} />
          ))}
        </ul>
      )}
    </nav>
  );
}

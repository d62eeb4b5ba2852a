import { useCallback, useEffect, useRef, useState } from "react";
import type { AgentSummary } from "../../bindings";
import { describeError } from "../../errors";
import { messages } from "../../messages";
import type { AppError, BatchFile, BatchRunChanged, BatchRunView, FilesDropped } from "../../bindings";
import { applyRunChanged, applyToSummary, upsertSummary } from "../../store/batch";
import { PlusIcon } from "../parts/icons";
import { call, useListen, type BatchApi, type BatchEvents } from "./api";
import { BatchInput } from "./BatchInput";
import { BatchRunPanel } from "./BatchRunPanel";
import { BatchRunsList, type RunsLoad } from "./BatchRunsList";
import "./batch.css";

const words = messages.batch;

/** Events kept to fold into a run's view that arrives after them (they are not buffered by Tauri). */
const RECENT_EVENTS = 1000;

type Shown =
  | { kind: "input" }
  | { kind: "run"; runId: string; phase: "loading" }
  | { kind: "run"; runId: string; phase: "loaded"; view: BatchRunView }
  | { kind: "run"; runId: string; phase: "failed"; error: AppError };

type Props = {
  api: BatchApi;
  events?: BatchEvents;
  workspaceId: string;
  agents: AgentSummary[];
  /** The agent a new batch starts with. */
  initialAgentId: string | null;
  /** Whether the screen is shown (a dropped file is taken only then). */
  active: boolean;
  onBack: () => void;
  now?: () => number;
  parseDelayMs?: number;
};

/**
 * The Batch screen: the workspace's runs on the left; on the right, a new batch (the
 * input, its rows, its cost) or one run (live progress, its items, the results).
 *
 * A run's view is a snapshot (from a command) with the `batch-run-changed` events folded
 * in. Events are kept for a while and folded into a snapshot that arrives after them, so
 * a run that started (or was reopened) before its snapshot came back misses nothing.
 */
export function BatchScreen({ api, events, workspaceId, agents, initialAgentId, active, onBack, now = Date.now, parseDelayMs }: Props) {
  const [runs, setRuns] = useState<RunsLoad>({ phase: "loading" });
  const [shown, setShown] = useState<Shown>({ kind: "input" });
  const [file, setFile] = useState<BatchFile | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [nowMs, setNowMs] = useState(now);
  const recent = useRef<BatchRunChanged[]>([]);
  const heading = useRef<HTMLHeadingElement>(null);
  const shownRun = useRef<string | null>(null);

  useEffect(() => {
    const timer = setInterval(() => setNowMs(now()), 30_000);
    return () => clearInterval(timer);
  }, [now]);

  // The focus moves into the screen when it is shown.
  useEffect(() => {
    if (active) heading.current?.focus();
  }, [active]);

  const loadRuns = useCallback(async () => {
    setRuns({ phase: "loading" });
    const result = await call(() => api.batchRuns(workspaceId));
    if (result.status === "error") {
      setRuns({ phase: "failed" });
      return;
    }
    // Runs that appeared while the list loaded (a start) stay at the top.
    setRuns((r) => {
      const extra = r.phase === "loaded" ? r.list.filter((s) => !result.data.some((d) => d.id === s.id)) : [];
      return { phase: "loaded", list: [...extra, ...result.data] };
    });
  }, [api, workspaceId]);

  useEffect(() => {
    void loadRuns();
  }, [loadRuns]);

  /** A snapshot with the events already seen for its run folded in. */
  const withRecent = useCallback((view: BatchRunView): BatchRunView => {
    let folded = view;
    for (const e of recent.current) folded = applyRunChanged(folded, e);
    return folded;
  }, []);

  const show = useCallback((next: Shown) => {
    shownRun.current = next.kind === "run" ? next.runId : null;
    setShown(next);
  }, []);

  /** Shows a run the backend just gave whole (started, retried, reopened). */
  const chooseFile = useCallback((f: BatchFile | null) => {
    setNote(null);
    setFile(f);
  }, []);

  const showView = useCallback(
    (view: BatchRunView) => {
      const folded = withRecent(view);
      setRuns((r) => (r.phase === "loaded" ? { phase: "loaded", list: upsertSummary(r.list, folded) } : r));
      show({ kind: "run", runId: folded.id, phase: "loaded", view: folded });
    },
    [show, withRecent],
  );

  const openRun = useCallback(
    async (runId: string) => {
      show({ kind: "run", runId, phase: "loading" });
      const result = await call(() => api.batchRun(runId));
      if (shownRun.current !== runId) return;
      if (result.status === "ok") showView(result.data);
      else show({ kind: "run", runId, phase: "failed", error: result.error });
    },
    [api, show, showView],
  );

  /** A newer snapshot of the run shown (after Cancel): folded in, never a step back. */
  const snapshot = useCallback((view: BatchRunView) => {
    const asEvent: BatchRunChanged = {
      runId: view.id,
      status: view.status,
      counts: view.counts,
      items: view.items,
      finishedAtMs: view.finishedAtMs,
      error: view.error,
    };
    setShown((s) => (s.kind === "run" && s.phase === "loaded" ? { ...s, view: applyRunChanged(s.view, asEvent) } : s));
    setRuns((r) => (r.phase === "loaded" ? { phase: "loaded", list: r.list.map((x) => applyToSummary(x, asEvent)) } : r));
  }, []);

  useListen(events?.batchRunChanged, (e: BatchRunChanged) => {
    const kept = recent.current;
    kept.push(e);
    if (kept.length > RECENT_EVENTS) kept.splice(0, kept.length - RECENT_EVENTS);
    setShown((s) => {
      if (s.kind !== "run" || s.phase !== "loaded" || s.view.id !== e.runId) return s;
      const view = applyRunChanged(s.view, e);
      return view === s.view ? s : { ...s, view };
    });
    setRuns((r) => {
      if (r.phase !== "loaded" || !r.list.some((x) => x.id === e.runId)) return r;
      return { phase: "loaded", list: r.list.map((x) => applyToSummary(x, e)) };
    });
  });

  useListen(events?.filesDropped, (e: FilesDropped) => {
    if (!active) return;
    show({ kind: "input" });
    if (e.files.length !== 1) {
      setNote(words.input.dropOne(e.files.length));
      return;
    }
    setNote(null);
    const dropped = e.files[0]!;
    void call(() => api.batchOpenDraggedFile(dropped.dropId)).then((result) => {
      if (result.status === "ok") setFile(result.data);
      else setNote(describeError(result.error));
    });
  });

  const title =
    shown.kind === "input"
      ? words.input.title
      : shown.phase === "loaded"
        ? words.run.title(shown.view.agentName)
        : shown.phase === "loading"
          ? words.run.loading
          : words.run.loadFailed;

  return (
    <div className="batch-screen" data-testid="batch-screen" hidden={!active}>
      <div className="sidebar batch-sidebar">
        <div className="sidebar-top batch-sidebar-top">
          <button type="button" className="button quiet bordered batch-back" data-testid="batch-back" onClick={onBack}>
            <span aria-hidden="true">← </span>
            {words.back}
          </button>
          <button
            type="button"
            className="button new-chat"
            data-testid="batch-new"
            aria-label={words.newBatchLabel}
            aria-current={shown.kind === "input" ? "true" : undefined}
            onClick={() => show({ kind: "input" })}
          >
            <PlusIcon />
            {words.newBatch}
          </button>
        </div>
        <BatchRunsList
          runs={runs}
          selectedId={shown.kind === "run" ? shown.runId : null}
          nowMs={nowMs}
          onOpen={(id) => void openRun(id)}
          onRetry={() => void loadRuns()}
        />
      </div>
      <section className="batch-pane" aria-labelledby="batch-pane-title">
        <div className="conversation-header">
          <h2 id="batch-pane-title" ref={heading} tabIndex={-1} className="conversation-heading-title" data-testid="batch-heading">
            {title}
          </h2>
        </div>
        <div className="batch-pane-body" hidden={shown.kind !== "input"}>
          <BatchInput
            api={api}
            workspaceId={workspaceId}
            agents={agents}
            initialAgentId={initialAgentId}
            file={file}
            onFile={chooseFile}
            note={note}
            onNote={setNote}
            onStarted={showView}
            parseDelayMs={parseDelayMs}
          />
        </div>
        {shown.kind === "run" && (
          <div className="batch-pane-body batch-pane-run">
            {shown.phase === "loading" && <p className="chat-loading">{words.run.loading}</p>}
            {shown.phase === "failed" && (
              <p className="banner" role="alert" data-testid="batch-run-load-error">
                {words.run.loadFailed} {describeError(shown.error)}{" "}
                <button type="button" className="link-button" onClick={() => void openRun(shown.runId)}>
                  {words.run.retry}
                </button>
              </p>
            )}
            {shown.phase === "loaded" && (
              <BatchRunPanel
                key={shown.view.id}
                view={shown.view}
                api={api}
                onSnapshot={snapshot}
                onRetried={showView}
                now={now}
              />
            )}
          </div>
        )}
      </section>
    </div>
  );
}

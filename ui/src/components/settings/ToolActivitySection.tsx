import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { AppError, AuditEntryView, AuditFilterInput, AuditPageView } from "../../bindings";
import { describeError } from "../../errors";
import { formatLatency } from "../../format";
import { messages } from "../../messages";
import type { Result } from "../../result";

const words = messages.toolActivity;

/** Rows per page. */
export const PAGE_SIZE = 50;

/** The commands of the tool activity section (a subset of `commands`). Read only. */
export type ToolActivityApi = {
  toolAudit(filter: AuditFilterInput, offset: number, limit: number): Promise<Result<AuditPageView, AppError>>;
  /** Opens the native save dialog; resolves to where the file was written, or null when cancelled. */
  exportToolAudit(filter: AuditFilterInput, format: string): Promise<Result<string | null, AppError>>;
};

type Props = {
  api: Partial<ToolActivityApi>;
  /** Changes when a tool may have run (or the section is shown again): the log is read again. */
  revision?: number;
};

type Filters = { agent: string; tool: string; decision: string; outcome: string };

function toInput(f: Filters): AuditFilterInput {
  const text = (s: string) => (s.trim() === "" ? null : s.trim());
  return { agent: text(f.agent), tool: text(f.tool), decision: text(f.decision), outcome: text(f.outcome), fromMs: null, toMs: null };
}

async function settle<T>(call: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await call();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}

function when(ms: number): string {
  return new Date(ms).toLocaleString();
}

/**
 * The audit log of tool calls (Settings → Tools): newest first, filtered by agent,
 * tool, decision and outcome, a page at a time, exportable as CSV or JSON Lines to a
 * file chosen in the native save dialog. Everything is shown as text.
 */
export function ToolActivitySection({ api, revision = 0 }: Props) {
  const id = useId();
  const [filters, setFilters] = useState<Filters>({ agent: "", tool: "", decision: "", outcome: "" });
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<AuditPageView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mounted = useRef(true);
  const { toolAudit, exportToolAudit } = api;

  const load = useCallback(
    async (f: Filters, from: number) => {
      if (!toolAudit) return;
      const result = await settle(() => toolAudit(toInput(f), from, PAGE_SIZE));
      if (!mounted.current) return;
      if (result.status === "ok") {
        setPage(result.data);
        setError(null);
      } else setError(`${words.loadFailed} ${describeError(result.error)}`);
    },
    [toolAudit],
  );

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // Filters are applied as they are typed; a change goes back to the first page.
  useEffect(() => {
    void load(filters, offset);
  }, [load, filters, offset, revision]);

  if (!toolAudit || !exportToolAudit) return null;
  const exporter = exportToolAudit;

  function setFilter(key: keyof Filters, value: string) {
    setOffset(0);
    setFilters((f) => ({ ...f, [key]: value }));
  }

  async function exportAs(format: "csv" | "jsonl") {
    setBusy(true);
    setNote(null);
    setError(null);
    const result = await settle(() => exporter(toInput(filters), format));
    if (!mounted.current) return;
    setBusy(false);
    if (result.status === "error") setError(describeError(result.error));
    else if (result.data !== null) setNote(words.exported(result.data));
  }

  const total = page?.total ?? 0;
  const shown = page?.entries.length ?? 0;

  return (
    <section className="settings-section tool-activity-section" id="tool-activity" aria-labelledby={`${id}-title`} data-testid="tool-activity">
      <h3 id={`${id}-title`}>{words.title}</h3>
      <p className="form-hint">{words.intro}</p>
      <div className="tool-activity-filters">
        <div className="form-field">
          <label className="form-label" htmlFor="tool-activity-agent">
            {words.agent}
          </label>
          <input id="tool-activity-agent" type="text" value={filters.agent} onChange={(e) => setFilter("agent", e.target.value)} />
        </div>
        <div className="form-field">
          <label className="form-label" htmlFor="tool-activity-tool">
            {words.tool}
          </label>
          <input id="tool-activity-tool" type="text" value={filters.tool} onChange={(e) => setFilter("tool", e.target.value)} />
        </div>
        <div className="form-field">
          <label className="form-label" htmlFor="tool-activity-decision">
            {words.decision}
          </label>
          <select id="tool-activity-decision" value={filters.decision} onChange={(e) => setFilter("decision", e.target.value)}>
            <option value="">{words.any}</option>
            {Object.entries(words.decisions).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label className="form-label" htmlFor="tool-activity-outcome">
            {words.outcome}
          </label>
          <select id="tool-activity-outcome" value={filters.outcome} onChange={(e) => setFilter("outcome", e.target.value)}>
            <option value="">{words.any}</option>
            {Object.entries(words.outcomes).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="form-actions">
        <button type="button" className="button" id="tool-activity-refresh" onClick={() => void load(filters, offset)}>
          {words.refresh}
        </button>
        <button type="button" className="button" id="tool-activity-export-csv" disabled={busy} onClick={() => void exportAs("csv")}>
          {words.exportCsv}
        </button>
        <button type="button" className="button" id="tool-activity-export-jsonl" disabled={busy} onClick={() => void exportAs("jsonl")}>
          {words.exportJsonl}
        </button>
      </div>
      {error && (
        <p className="form-problem" role="alert">
          {error}
        </p>
      )}
      {note && (
        <p className="form-status" role="status" data-testid="tool-activity-note">
          {note}
        </p>
      )}
      {page && shown === 0 && <p className="form-hint">{words.none}</p>}
      {page && shown > 0 && (
        <>
          <table className="tool-activity-table">
            <thead>
              <tr>
                <th scope="col">{words.columns.time}</th>
                <th scope="col">{words.columns.agent}</th>
                <th scope="col">{words.columns.tool}</th>
                <th scope="col">{words.columns.decision}</th>
                <th scope="col">{words.columns.outcome}</th>
                <th scope="col">{words.columns.duration}</th>
                <th scope="col">{words.columns.arguments}</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((entry) => (
                <Row key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
          <div className="form-actions tool-activity-pages">
            <button type="button" className="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              {words.previous}
            </button>
            <span className="form-hint">{words.range(offset + 1, offset + shown, total)}</span>
            <button type="button" className="button" disabled={offset + shown >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
              {words.next}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function Row({ entry }: { entry: AuditEntryView }) {
  const source = words.source[entry.toolSource] ?? entry.toolSource;
  return (
    <tr
      data-testid="tool-audit-row"
      data-tool={entry.toolName}
      data-decision={entry.decision}
      data-decided-by={entry.decidedBy}
      data-outcome={entry.outcome ?? "none"}
      data-source={entry.toolSource}
    >
      <td>{when(entry.atMs ?? 0)}</td>
      <td>{entry.agentName}</td>
      <td>
        <code>{entry.toolName}</code> <span className="form-hint">({source})</span>
      </td>
      <td>
        {words.decisions[entry.decision] ?? entry.decision} <span className="form-hint">{words.by[entry.decidedBy] ?? ""}</span>
      </td>
      <td title={entry.resultPreview ?? undefined}>
        {entry.outcome ? (words.outcomes[entry.outcome] ?? entry.outcome) : "—"}
        {entry.resultPreview && <div className="tool-activity-preview">{entry.resultPreview}</div>}
      </td>
      <td>{entry.durationMs === null ? "—" : formatLatency(entry.durationMs)}</td>
      <td title={`SHA-256 ${entry.argumentsHash}`}>
        <code className="tool-activity-preview">{entry.argumentsPreview}</code>
      </td>
    </tr>
  );
}

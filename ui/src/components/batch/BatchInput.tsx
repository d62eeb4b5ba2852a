import { memo, useEffect, useId, useMemo, useRef, useState } from "react";
import type { AgentSummary } from "../../bindings";
import { describeError } from "../../errors";
import { formatBytes, formatCount } from "../../format";
import { messages } from "../../messages";
import type {
  AppError,
  BatchCost,
  BatchFile,
  BatchInput as ParsedInput,
  BatchParseOptions,
  BatchRunView,
  BatchSource,
} from "../../bindings";
import { call, type BatchApi } from "./api";
import { BatchPreviewTable } from "./BatchPreviewTable";

const words = messages.batch;
const inputWords = words.input;

export const DEFAULT_OPTIONS: BatchParseOptions = {
  format: "auto",
  messageColumn: null,
  keyColumn: null,
  generateKeys: false,
  delimiter: null,
  hasHeader: true,
};

/** How long typing pauses before the pasted text is read again. */
const PARSE_DELAY_MS = 250;
/** Line problems listed; the rest are counted. */
const MAX_PROBLEMS = 50;

const DELIMITERS: { value: string; label: string }[] = [
  { value: ",", label: inputWords.delimiters.comma },
  { value: ";", label: inputWords.delimiters.semicolon },
  { value: "\t", label: inputWords.delimiters.tab },
];

function delimiterName(d: string): string {
  return DELIMITERS.find((x) => x.value === d)?.label ?? JSON.stringify(d);
}

type Parse = { input: ParsedInput | null; reading: boolean; error: AppError | null };
type Cost = { key: string; phase: "loading" } | { key: string; phase: "loaded"; cost: BatchCost } | { key: string; phase: "failed"; error: AppError };

type Props = {
  api: Pick<BatchApi, "batchOpenFile" | "batchParse" | "batchPreviewCost" | "batchStart">;
  workspaceId: string;
  agents: AgentSummary[];
  /** The agent picked at first (the workspace's last used). */
  initialAgentId: string | null;
  /** The file chosen or dropped (null: the pasted text is the source). */
  file: BatchFile | null;
  onFile: (file: BatchFile | null) => void;
  /** A sentence about the source (a drop of several files, a file that couldn't be opened). */
  note: string | null;
  onNote: (note: string | null) => void;
  onStarted: (view: BatchRunView) => void;
  parseDelayMs?: number;
};

/**
 * A new batch: the agent, the messages (pasted, imported or dropped), how to read them,
 * the parsed rows with their problems, the cost, and Start after a confirmation.
 */
// Memoized: a running batch re-renders the screen many times a second, and this view
// (with its 10,000-row preview) has nothing to redraw then.
export const BatchInput = memo(function BatchInput({ api, workspaceId, agents, initialAgentId, file, onFile, note, onNote, onStarted, parseDelayMs = PARSE_DELAY_MS }: Props) {
  const id = useId();
  const [agentId, setAgentId] = useState<string | null>(initialAgentId ?? agents[0]?.id ?? null);
  const [text, setText] = useState("");
  const [options, setOptions] = useState<BatchParseOptions>(DEFAULT_OPTIONS);
  const [parse, setParse] = useState<Parse>({ input: null, reading: false, error: null });
  const [cost, setCost] = useState<Cost | null>(null);
  const [importing, setImporting] = useState(false);
  const [confirming, setConfirming] = useState<ParsedInput | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<AppError | null>(null);
  const parseSeq = useRef(0);
  const costSeq = useRef(0);
  const runButton = useRef<HTMLButtonElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);

  // A new file is read with the default options: the last file's columns mean nothing for it.
  const [optionsFileId, setOptionsFileId] = useState(file?.fileId ?? null);
  if ((file?.fileId ?? null) !== optionsFileId) {
    setOptionsFileId(file?.fileId ?? null);
    setOptions(DEFAULT_OPTIONS);
  }

  // The agent list changed (agents removed): keep a pick that is still offered.
  const agent = agents.find((a) => a.id === agentId) ?? null;
  useEffect(() => {
    if (agentId === null || !agents.some((a) => a.id === agentId)) setAgentId(agents[0]?.id ?? null);
  }, [agents, agentId]);

  const source = useMemo<BatchSource | null>(() => {
    if (file) return { kind: "file", fileId: file.fileId };
    return text.trim() === "" ? null : { kind: "text", text };
  }, [file, text]);

  useEffect(() => {
    const seq = ++parseSeq.current;
    if (source === null) {
      setParse({ input: null, reading: false, error: null });
      return;
    }
    setParse((p) => ({ ...p, reading: true }));
    const run = async () => {
      const result = await call(() => api.batchParse(source, options));
      if (seq !== parseSeq.current) return;
      setParse(
        result.status === "ok"
          ? { input: result.data, reading: false, error: null }
          : { input: null, reading: false, error: result.error },
      );
    };
    if (source.kind === "text" && parseDelayMs > 0) {
      const timer = setTimeout(() => void run(), parseDelayMs);
      return () => clearTimeout(timer);
    }
    void run();
    return undefined;
  }, [api, source, options, parseDelayMs]);

  const input = parse.input;
  const count = input?.rows.length ?? 0;
  const valid = input !== null && count > 0 && input.flagged === 0;
  const costKey = valid && agentId ? `${workspaceId}\n${agentId}\n${count}` : null;

  useEffect(() => {
    const seq = ++costSeq.current;
    if (costKey === null || agentId === null) {
      setCost(null);
      return;
    }
    setCost((c) => (c?.key === costKey ? c : { key: costKey, phase: "loading" }));
    void call(() => api.batchPreviewCost(workspaceId, agentId, count)).then((result) => {
      if (seq !== costSeq.current) return;
      setCost(
        result.status === "ok"
          ? { key: costKey, phase: "loaded", cost: result.data }
          : { key: costKey, phase: "failed", error: result.error },
      );
    });
  }, [api, costKey, workspaceId, agentId, count]);

  const shownCost = cost?.key === costKey ? cost : null;
  const blocked = blockedReason(agentId, parse, shownCost);
  const asking = confirming !== null && confirming === input && blocked === null;

  useEffect(() => {
    if (asking) runButton.current?.focus();
  }, [asking]);
  // Back to Start (enabled again) when the question is dismissed.
  const [focusStart, setFocusStart] = useState(0);
  useEffect(() => {
    if (focusStart > 0) startButton.current?.focus();
  }, [focusStart]);

  async function importFile() {
    setImporting(true);
    onNote(null);
    const result = await call(() => api.batchOpenFile());
    setImporting(false);
    if (result.status === "error") onNote(describeError(result.error));
    else if (result.data) onFile(result.data);
  }

  async function start() {
    if (!source || !agentId) return;
    setStarting(true);
    setStartError(null);
    const result = await call(() => api.batchStart(workspaceId, agentId, source, options));
    setStarting(false);
    setConfirming(null);
    if (result.status === "error") setStartError(result.error);
    else onStarted(result.data);
  }

  function cancelConfirm() {
    setConfirming(null);
    setFocusStart((n) => n + 1);
  }

  const change = (patch: Partial<BatchParseOptions>) => setOptions((o) => ({ ...o, ...patch }));

  return (
    <div className="batch-input" data-testid="batch-input">
      <p className="batch-intro">{inputWords.intro}</p>
      <div className="form-field batch-agent">
        <label className="form-label" htmlFor={`${id}-agent`}>
          {inputWords.agent}
        </label>
        <select
          id={`${id}-agent`}
          data-testid="batch-agent"
          value={agentId ?? ""}
          disabled={agents.length === 0}
          onChange={(e) => setAgentId(e.target.value)}
        >
          {agents.length === 0 && <option value="">{inputWords.noAgents}</option>}
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
        {agent?.description && <p className="form-hint">{agent.description}</p>}
      </div>

      {file ? (
        <div className="batch-file" data-testid="batch-file">
          <span className="batch-file-name">{inputWords.file(file.name, formatBytes(file.size))}</span>
          <button type="button" className="link-button" data-testid="batch-use-text" onClick={() => onFile(null)}>
            {inputWords.useText}
          </button>
        </div>
      ) : (
        <div className="form-field">
          <label className="form-label" htmlFor={`${id}-paste`}>
            {inputWords.paste}
          </label>
          <textarea
            id={`${id}-paste`}
            className="batch-paste"
            data-testid="batch-paste"
            rows={6}
            spellCheck={false}
            placeholder={inputWords.pastePlaceholder}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
      )}
      <div className="batch-source-actions">
        <button
          type="button"
          className="button quiet bordered"
          data-testid="batch-import"
          aria-label={inputWords.importLabel}
          disabled={importing}
          onClick={() => void importFile()}
        >
          {importing ? inputWords.importing : inputWords.import}
        </button>
        <span className="batch-drop-zone" data-testid="batch-drop-zone">
          {inputWords.dropHint}
        </span>
      </div>
      {note && (
        <p className="form-problem" role="alert" data-testid="batch-source-note">
          {note}
        </p>
      )}

      {source && (
        <ParseOptions
          input={input}
          options={options}
          onChange={change}
          reading={parse.reading}
          id={id}
        />
      )}
      {parse.error && (
        <p className="form-problem" role="alert" data-testid="batch-parse-error">
          {describeError(parse.error)}
        </p>
      )}
      {input && input.problems.length > 0 && (
        <div className="batch-problems" data-testid="batch-problems">
          <p>{inputWords.problems(input.problems.length)}</p>
          <ul>
            {input.problems.slice(0, MAX_PROBLEMS).map((p, i) => (
              <li key={i} data-testid="batch-problem">
                {inputWords.problem(formatCount(p.line), p.reason)}
              </li>
            ))}
          </ul>
          {input.problems.length > MAX_PROBLEMS && <p>{inputWords.moreProblems(formatCount(input.problems.length - MAX_PROBLEMS))}</p>}
        </div>
      )}

      {input && <BatchPreviewTable rows={input.rows} flagged={input.flagged} />}

      <div className="batch-start-area">
        {shownCost && <CostLine cost={shownCost} />}
        <div className="form-actions">
          <button
            ref={startButton}
            type="button"
            className="button primary"
            data-testid="batch-start"
            disabled={blocked !== null || starting || asking}
            aria-describedby={blocked ? `${id}-blocked` : undefined}
            onClick={() => {
              setStartError(null);
              setConfirming(input);
            }}
          >
            {starting ? words.starting : words.start}
          </button>
          {blocked && (
            <span className="form-hint" id={`${id}-blocked`} data-testid="batch-start-blocked">
              {blocked}
            </span>
          )}
        </div>
        {asking && input && (
          <div className="batch-confirm" data-testid="batch-confirm" role="group" aria-labelledby={`${id}-confirm`}>
            <p id={`${id}-confirm`}>{confirmText(input.rows.length, shownCost)}</p>
            <button
              ref={runButton}
              type="button"
              className="button primary"
              data-testid="batch-confirm-run"
              disabled={starting}
              onClick={() => void start()}
            >
              {words.confirm.run}
            </button>
            <button type="button" className="button quiet bordered" data-testid="batch-confirm-cancel" onClick={cancelConfirm}>
              {words.confirm.cancel}
            </button>
          </div>
        )}
        {startError && (
          <p className="form-problem" role="alert" data-testid="batch-start-error">
            {describeError(startError)}
          </p>
        )}
      </div>
    </div>
  );
});

function blockedReason(agentId: string | null, parse: Parse, cost: Cost | null): string | null {
  const blocked = words.blocked;
  if (agentId === null) return blocked.noAgent;
  if (parse.error) return blocked.unreadable;
  if (parse.reading && parse.input === null) return blocked.reading;
  const input = parse.input;
  if (!input || input.rows.length === 0) return blocked.empty;
  if (input.flagged > 0) return blocked.flagged(input.flagged, formatCount(input.flagged));
  if (parse.reading) return blocked.reading;
  if (cost?.phase === "loading") return blocked.costing;
  return null;
}

function credits(n: number | null): string {
  return words.cost.credits(n, formatCount(n));
}

function items(n: number): string {
  return words.cost.items(n, formatCount(n));
}

function confirmText(count: number, cost: Cost | null): string {
  if (cost?.phase !== "loaded") return words.confirm.unknown(items(count));
  const total = credits(cost.cost.total);
  return cost.cost.atLeast ? words.confirm.atLeast(items(count), total) : words.confirm.about(items(count), total);
}

function CostLine({ cost }: { cost: Cost }) {
  const w = words.cost;
  return (
    <div className="batch-cost" data-testid="batch-cost" aria-live="polite">
      {cost.phase === "loading" && <span className="form-hint">{w.working}</span>}
      {cost.phase === "failed" && (
        <span className="form-problem">
          {w.failed} {describeError(cost.error)}
        </span>
      )}
      {cost.phase === "loaded" && (
        <>
          <span className="batch-cost-line" data-testid="batch-cost-line">
            {(cost.cost.atLeast ? w.atLeast : w.line)(items(cost.cost.count), credits(cost.cost.perItem.credits), credits(cost.cost.total))}
          </span>
          {cost.cost.atLeast && <span className="form-hint">{w.atLeastNote}</span>}
        </>
      )}
    </div>
  );
}

function ParseOptions({
  input,
  options,
  onChange,
  reading,
  id,
}: {
  input: ParsedInput | null;
  options: BatchParseOptions;
  onChange: (patch: Partial<BatchParseOptions>) => void;
  reading: boolean;
  id: string;
}) {
  const w = inputWords;
  const columns = input?.columns ?? [];
  const csv = input?.format === "csv";
  return (
    <fieldset className="batch-options" data-testid="batch-options">
      <legend className="visually-hidden">{w.options}</legend>
      <div className="form-field">
        <label className="form-label" htmlFor={`${id}-format`}>
          {w.format}
        </label>
        <select
          id={`${id}-format`}
          data-testid="batch-format"
          value={options.format}
          onChange={(e) => onChange({ format: e.target.value as BatchParseOptions["format"], messageColumn: null, keyColumn: null, generateKeys: false })}
        >
          {(["auto", "lines", "csv", "jsonl"] as const).map((f) => (
            <option key={f} value={f}>
              {w.formats[f]}
            </option>
          ))}
        </select>
        <span className="form-hint" data-testid="batch-detected" aria-live="polite">
          {reading ? w.reading : input ? w.detected(w.formats[input.format]) : ""}
        </span>
      </div>
      {columns.length > 0 && (
        <>
          <div className="form-field">
            <label className="form-label" htmlFor={`${id}-message-column`}>
              {w.messageColumn}
            </label>
            <select
              id={`${id}-message-column`}
              data-testid="batch-message-column"
              value={input?.messageColumn ?? ""}
              onChange={(e) => onChange({ messageColumn: e.target.value === "" ? null : Number(e.target.value) })}
            >
              {input?.messageColumn == null && <option value="">—</option>}
              {columns.map((name, i) => (
                <option key={i} value={i}>
                  {w.column(i, name)}
                </option>
              ))}
            </select>
          </div>
          <div className="form-field">
            <label className="form-label" htmlFor={`${id}-key-column`}>
              {w.keyColumn}
            </label>
            <select
              id={`${id}-key-column`}
              data-testid="batch-key-column"
              value={input?.keyColumn ?? ""}
              // No column: generate keys. A column: use it (null alone would let the
              // backend pick a column named key or id again).
              onChange={(e) =>
                onChange(
                  e.target.value === ""
                    ? { keyColumn: null, generateKeys: true }
                    : { keyColumn: Number(e.target.value), generateKeys: false },
                )
              }
            >
              <option value="">{w.generateKeys}</option>
              {columns.map((name, i) => (
                <option key={i} value={i}>
                  {w.column(i, name)}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      {csv && (
        <>
          <div className="form-field">
            <label className="form-label" htmlFor={`${id}-delimiter`}>
              {w.delimiter}
            </label>
            <select
              id={`${id}-delimiter`}
              data-testid="batch-delimiter"
              value={options.delimiter ?? ""}
              onChange={(e) => onChange({ delimiter: e.target.value === "" ? null : e.target.value, messageColumn: null, keyColumn: null, generateKeys: false })}
            >
              <option value="">
                {options.delimiter === null && input?.delimiter ? w.detectedDelimiter(delimiterName(input.delimiter)) : w.delimiters.auto}
              </option>
              {DELIMITERS.map((d) => (
                <option key={d.label} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <label className="form-check batch-header-check">
            <input
              type="checkbox"
              data-testid="batch-has-header"
              checked={options.hasHeader}
              onChange={(e) => onChange({ hasHeader: e.target.checked })}
            />
            <span>{w.header}</span>
          </label>
        </>
      )}
    </fieldset>
  );
}

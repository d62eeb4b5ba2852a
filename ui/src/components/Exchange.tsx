import { memo, useMemo, useRef, useState } from "react";
import type { AppError, InspectedEvents, SendRequest } from "../bindings";
import { describeError, describeStatus } from "../errors";
import { formatUsage } from "../format";
import { messages } from "../messages";
import type { Result } from "../result";
import { answerMarkdown, type ChatEntry } from "../store/chat";
import { InspectView } from "./InspectView";
import { PartList } from "./parts";
import { CheckIcon, CopyIcon, SearchIcon, StopIcon } from "./parts/icons";
import "./exchange.css";
import { useCopy } from "./useCopy";

const words = messages.exchange;

/** What an exchange can ask of the store. */
export interface ExchangeActions {
  /** Sends the same request again, as a new action. */
  retry(request: SendRequest): Promise<Result<string, AppError>>;
  stop(handle: string): Promise<Result<null, AppError>>;
  inspect(handle: string): Promise<Result<InspectedEvents, AppError>>;
}

type Props = {
  entry: ChatEntry;
  agentName: string;
  actions: ExchangeActions;
};

/** Catches a command that threw (an IPC failure) as the `internal` error. */
async function settle<T>(call: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await call();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}

function StopControl({ handle, stop }: { handle: string; stop: ExchangeActions["stop"] }) {
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  async function onStop() {
    setStopping(true);
    setError(null);
    const result = await settle(() => stop(handle));
    if (result.status === "error") setError(result.error);
    setStopping(false);
  }

  return (
    <div className="exchange-footer">
      <button
        type="button"
        className="button quiet stop-button"
        data-testid="stop-button"
        aria-label={words.stopLabel}
        disabled={stopping}
        onClick={() => void onStop()}
      >
        <StopIcon />
        {stopping ? words.stopping : words.stop}
      </button>
      {error && (
        <p className="inline-error" data-testid="stop-error" role="alert">
          {describeError(error)}
        </p>
      )}
    </div>
  );
}

function CopyAnswer({ markdown }: { markdown: string }) {
  const { state, copy } = useCopy(markdown);
  const label = state === "copied" ? words.copied : state === "failed" ? words.copyFailed : words.copy;
  return (
    <button
      type="button"
      className="button quiet"
      data-testid="copy-answer"
      data-state={state}
      aria-label={state === "idle" ? words.copyLabel : label}
      onClick={() => void copy()}
    >
      {state === "copied" ? <CheckIcon /> : <CopyIcon />}
      {label}
    </button>
  );
}

/**
 * One exchange: the user's message, the agent's parts, and how it ended (error, stop,
 * usage) with what the user can do next. Model output is rendered by the part
 * components: Markdown without HTML, everything else as text.
 */
export const Exchange = memo(function Exchange({ entry, agentName, actions }: Props) {
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<AppError | null>(null);
  const [inspecting, setInspecting] = useState(false);
  const inspectButton = useRef<HTMLButtonElement>(null);

  const { parts, status, error, request, usage, handle } = entry;
  const running = status === "running" && error === null;
  const failed = error !== null || status === "failed";
  // A waiting part already says what the run waits for; the status note would repeat it.
  const saidByPart = parts.some((p) => p.kind === "waiting" && p.reason === status);
  const statusNote = failed || saidByPart ? null : describeStatus(status);
  const showAnswer = running || parts.length > 0;
  const markdown = useMemo(() => answerMarkdown(parts), [parts]);
  const hasCards = parts.some((p) => p.kind !== "text");

  async function retry() {
    setRetrying(true);
    setRetryError(null);
    const result = await settle(() => actions.retry({ agentId: request.agentId, message: request.message }));
    if (result.status === "error") setRetryError(result.error);
    setRetrying(false);
  }

  function closeInspect() {
    setInspecting(false);
    inspectButton.current?.focus();
  }

  return (
    <li className="exchange" data-handle={handle}>
      <div className="message message-user" data-testid="message-user">
        {request.message}
      </div>
      <div className="assistant">
        <div className="assistant-name">{agentName}</div>
        {showAnswer && (
          <div
            className={`message message-assistant${running ? " streaming" : ""}${hasCards ? " has-cards" : ""}`}
            data-testid="message-assistant"
            aria-busy={running}
          >
            <PartList parts={parts} running={running} />
            {running && (
              <span className="typing" data-testid="streaming-indicator" aria-hidden="true" title={words.answering(agentName)}>
                <span />
                <span />
                <span />
              </span>
            )}
          </div>
        )}
        {statusNote && (
          <p className="execution-notice" data-testid="execution-notice">
            {statusNote}
          </p>
        )}
        {failed && (
          <div className="execution-error" data-testid="execution-error" role="alert">
            <p>{error ? describeError(error) : describeStatus("failed")}</p>
            {error?.code === "executionFailed" && <p data-testid="refund-note">{words.refunded}</p>}
            {retryError && <p className="retry-error">{describeError(retryError)}</p>}
            <button
              type="button"
              className="button secondary"
              data-testid="retry"
              disabled={retrying}
              onClick={() => void retry()}
            >
              {retrying ? words.tryingAgain : words.tryAgain}
            </button>
          </div>
        )}
        {running ? (
          <StopControl handle={handle} stop={actions.stop} />
        ) : (
          <div className="exchange-footer">
            <div className="message-actions">
              {markdown && <CopyAnswer markdown={markdown} />}
              <button
                ref={inspectButton}
                type="button"
                className="button quiet"
                data-testid="inspect-button"
                aria-label={words.inspectLabel}
                aria-haspopup="dialog"
                aria-expanded={inspecting}
                onClick={() => setInspecting(true)}
              >
                <SearchIcon />
                {words.inspect}
              </button>
            </div>
            {usage && (
              <p className="usage-line" data-testid="usage-line">
                {formatUsage(usage)}
              </p>
            )}
          </div>
        )}
        {inspecting && <InspectView handle={handle} inspect={actions.inspect} onClose={closeInspect} />}
      </div>
    </li>
  );
});

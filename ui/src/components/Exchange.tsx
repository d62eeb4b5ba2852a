import { memo, useMemo, useRef, useState } from "react";
import type { Feedback, InspectedEvents } from "../bindings";
import type { AppError } from "../bindings";
import { describeError, describeStatus } from "../errors";
import { formatUsage } from "../format";
import { messages } from "../messages";
import type { Result } from "../result";
import { answerMarkdown, type ChatEntry } from "../store/chat";
import { InspectView } from "./InspectView";
import { PartList } from "./parts";
import { MessageHandleContext } from "./parts/media/api";
import {
  CheckIcon,
  CopyIcon,
  RefreshIcon,
  SearchIcon,
  SendAgainIcon,
  StopIcon,
  ThumbDownIcon,
  ThumbUpIcon,
} from "./parts/icons";
import { SentAttachments } from "../attachments/SentAttachments";
import "./exchange.css";
import { useCopy } from "./useCopy";
import { SilenceCounter, waitsForYou } from "./SilenceCounter";

const words = messages.exchange;

/** What an exchange can ask of the store. */
export interface ExchangeActions {
  /** Sends a message that failed before any answer again, as the same message. */
  resend(handle: string): Promise<Result<null, AppError>>;
  /** Sends the message again as a new message; resolves with the new handle. */
  regenerate(handle: string): Promise<Result<string, AppError>>;
  /** Thumbs up (`true`) or down on the answer. */
  feedback(handle: string, up: boolean): Promise<Result<null, AppError>>;
  stop(handle: string): Promise<Result<null, AppError>>;
  inspect(handle: string): Promise<Result<InspectedEvents, AppError>>;
}

type Props = {
  entry: ChatEntry;
  agentName: string;
  actions: ExchangeActions;
  /** The conversation can be continued (not archived): Resend and Regenerate are offered. */
  canContinue?: boolean;
  /** The server keeps this conversation (not local-only): feedback can be given. */
  canGiveFeedback?: boolean;
};

/**
 * Whether a failed execution may be sent again as the same message: it failed before
 * any answer arrived, for a reason that sending again may fix.
 */
export function isResendable(entry: ChatEntry): boolean {
  const { error, status, executionId, parts } = entry;
  if (status !== "failed" || error === null || executionId !== null || parts.length > 0) return false;
  switch (error.code) {
    case "unreachable":
    case "timeout":
    case "interrupted":
    case "internal":
      return true;
    case "http":
      return error.status === 429 || error.status >= 500;
    default:
      return false;
  }
}

/** Whether the answer has ended, so it can be generated again. */
function hasEnded(entry: ChatEntry): boolean {
  return entry.status === "completed" || entry.status === "failed" || entry.status === "stopped";
}

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
 * Thumbs up and down on an answer. The state comes from the updates (`feedbackChanged`):
 * while it is being sent both are disabled; once sent the chosen one is pressed; when it
 * could not be sent, a Try again sends the same choice.
 */
function FeedbackControl({
  handle,
  feedback,
  give,
}: {
  handle: string;
  feedback: Feedback | null;
  give: ExchangeActions["feedback"];
}) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const sending = asking || feedback?.delivery === "sending";
  const failed = feedback?.delivery === "failed";

  async function choose(up: boolean) {
    setAsking(true);
    setError(null);
    const result = await settle(() => give(handle, up));
    if (result.status === "error") setError(result.error);
    setAsking(false);
  }

  const pressed = (up: boolean) => feedback !== null && !failed && feedback.up === up;
  return (
    <div className="feedback" data-delivery={feedback?.delivery ?? "none"}>
      <button
        type="button"
        className="button quiet icon-only"
        data-testid="feedback-up"
        aria-label={words.feedbackUp}
        title={words.feedbackUp}
        aria-pressed={pressed(true)}
        disabled={sending}
        onClick={() => void choose(true)}
      >
        <ThumbUpIcon />
      </button>
      <button
        type="button"
        className="button quiet icon-only"
        data-testid="feedback-down"
        aria-label={words.feedbackDown}
        title={words.feedbackDown}
        aria-pressed={pressed(false)}
        disabled={sending}
        onClick={() => void choose(false)}
      >
        <ThumbDownIcon />
      </button>
      {failed && feedback && (
        <span className="feedback-failed" data-testid="feedback-failed" role="alert">
          {words.feedbackFailed}
          <button
            type="button"
            className="link-button"
            data-testid="feedback-retry"
            disabled={sending}
            onClick={() => void choose(feedback.up)}
          >
            {words.feedbackRetry}
          </button>
        </span>
      )}
      {error && (
        <span className="inline-error" data-testid="feedback-error" role="alert">
          {describeError(error)}
        </span>
      )}
    </div>
  );
}

/**
 * One exchange: the user's message, the agent's parts, and how it ended (error, stop,
 * usage) with what the user can do next. Model output is rendered by the part
 * components: Markdown without HTML, everything else as text.
 */
export const Exchange = memo(function Exchange({
  entry,
  agentName,
  actions,
  canContinue = true,
  canGiveFeedback = true,
}: Props) {
  const [busy, setBusy] = useState<"resend" | "regenerate" | null>(null);
  const [actionError, setActionError] = useState<AppError | null>(null);
  const [inspecting, setInspecting] = useState(false);
  const inspectButton = useRef<HTMLButtonElement>(null);

  const { parts, status, error, request, usage, handle, messageId, feedback } = entry;
  const running = status === "running" && error === null;
  // A partial answer the app stopped following is kept and labelled, not an error card.
  const interruptedWithParts = error?.code === "interrupted" && parts.length > 0;
  const failed = (error !== null || status === "failed") && !interruptedWithParts;
  const resendable = canContinue && isResendable(entry);
  // Where the same message can be resent with its own key, a new key is never
  // suggested: that could run (and charge) it twice.
  const regenerable = canContinue && hasEnded(entry) && !resendable;
  // A waiting part already says what the run waits for; the status note would repeat it.
  const saidByPart = parts.some((p) => p.kind === "waiting" && p.reason === status);
  const statusNote = failed || saidByPart || interruptedWithParts ? null : describeStatus(status);
  const showAnswer = running || parts.length > 0;
  const markdown = useMemo(() => answerMarkdown(parts), [parts]);
  const hasCards = parts.some((p) => p.kind !== "text");

  async function run(which: "resend" | "regenerate") {
    setBusy(which);
    setActionError(null);
    const result =
      which === "resend"
        ? await settle(() => actions.resend(handle))
        : await settle<unknown>(() => actions.regenerate(handle));
    if (result.status === "error") setActionError(result.error);
    setBusy(null);
  }

  function closeInspect() {
    setInspecting(false);
    inspectButton.current?.focus();
  }

  return (
    <li className="exchange" data-handle={handle}>
      <div className="message message-user" data-testid="message-user">
        {request.message}
        {request.variables.length > 0 && (
          <dl className="message-variables" data-testid="message-variables">
            {request.variables.map((v) => (
              <div key={v.name} className="message-variable">
                <dt>{v.name}</dt>
                <dd>{v.value}</dd>
              </div>
            ))}
          </dl>
        )}
        {request.attachments && request.attachments.length > 0 && <SentAttachments attachments={request.attachments} />}
      </div>
      <div className="assistant">
        <div className="assistant-name">{agentName}</div>
        {showAnswer && (
          <div
            className={`message message-assistant${running ? " streaming" : ""}${hasCards ? " has-cards" : ""}`}
            data-testid="message-assistant"
            aria-busy={running}
          >
            <MessageHandleContext.Provider value={handle}>
              <PartList parts={parts} running={running} />
            </MessageHandleContext.Provider>
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
        {interruptedWithParts && (
          <p className="execution-notice interrupted-note" data-testid="interrupted-note">
            {words.interrupted}
          </p>
        )}
        {failed && (
          <div className="execution-error" data-testid="execution-error" role="alert">
            <p>{error ? describeError(error) : describeStatus("failed")}</p>
            {error?.code === "executionFailed" && <p data-testid="refund-note">{words.refunded}</p>}
            {error?.code === "alreadyReceived" && (
              <p className="execution-error-help" data-testid="already-received-help">
                {words.alreadyReceivedHelp}
              </p>
            )}
            {resendable && (
              <button
                type="button"
                className="button secondary"
                data-testid="resend"
                title={words.resendLabel}
                disabled={busy !== null}
                onClick={() => void run("resend")}
              >
                <SendAgainIcon />
                {busy === "resend" ? words.resending : words.resend}
              </button>
            )}
          </div>
        )}
        {actionError && (
          <p className="inline-error" data-testid="action-error" role="alert">
            {describeError(actionError)}
          </p>
        )}
        {running && <SilenceCounter seq={entry.seq} waitingForYou={waitsForYou(entry.parts)} />}
        {running ? (
          <StopControl handle={handle} stop={actions.stop} />
        ) : (
          <div className="exchange-footer">
            <div className="message-actions">
              {markdown && <CopyAnswer markdown={markdown} />}
              {regenerable && (
                <button
                  type="button"
                  className="button quiet"
                  data-testid="regenerate"
                  title={words.regenerateLabel}
                  disabled={busy !== null}
                  onClick={() => void run("regenerate")}
                >
                  <RefreshIcon />
                  {busy === "regenerate" ? words.regenerating : words.regenerate}
                </button>
              )}
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
              {messageId !== null && canGiveFeedback && (
                <FeedbackControl handle={handle} feedback={feedback} give={actions.feedback} />
              )}
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

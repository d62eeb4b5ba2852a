import { memo, useState } from "react";
import type { AppError } from "../bindings";
import type { Result } from "../result";
import { describeError, describeStatus } from "../errors";
import { formatUsage } from "../format";
import type { ChatEntry } from "../store/chat";
import { LinkifiedText } from "./LinkifiedText";

type Props = {
  entry: ChatEntry;
  agentName: string;
  onRetry: (agentId: string, message: string) => Promise<Result<string, AppError>>;
};

/**
 * One exchange: the user's message and the agent's answer. The answer is model output,
 * so it is rendered as text only (React escapes it); never as HTML.
 */
export const Exchange = memo(function Exchange({ entry, agentName, onRetry }: Props) {
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<AppError | null>(null);

  const running = entry.status === "running" && entry.error === null;
  const failed = entry.error !== null || entry.status === "failed";
  const statusNote = failed ? null : describeStatus(entry.status);
  const showAnswer = running || entry.text.length > 0;

  async function retry() {
    setRetrying(true);
    setRetryError(null);
    try {
      const result = await onRetry(entry.agentId, entry.message);
      if (result.status === "error") setRetryError(result.error);
    } catch {
      setRetryError({ code: "internal" });
    } finally {
      setRetrying(false);
    }
  }

  return (
    <li className="exchange" data-handle={entry.handle}>
      <div className="message message-user" data-testid="message-user">
        {entry.message}
      </div>
      <div className="assistant">
        <div className="assistant-name">{agentName}</div>
        {showAnswer && (
          <div
            className={running ? "message message-assistant streaming" : "message message-assistant"}
            data-testid="message-assistant"
            aria-busy={running}
          >
            <LinkifiedText text={entry.text} />
            {running && (
              <span className="typing" data-testid="streaming-indicator" role="status" aria-label={`${agentName} is answering`}>
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
            <p>{entry.error ? describeError(entry.error) : describeStatus("failed")}</p>
            {retryError && <p className="retry-error">{describeError(retryError)}</p>}
            <button type="button" className="button secondary" data-testid="retry" disabled={retrying} onClick={() => void retry()}>
              {retrying ? "Retrying…" : "Retry"}
            </button>
          </div>
        )}
        {!running && entry.usage && (
          <p className="usage-line" data-testid="usage-line">
            {formatUsage(entry.usage)}
          </p>
        )}
      </div>
    </li>
  );
});

import { memo } from "react";
import { formatBytes } from "../format";
import { messages } from "../messages";
import type { StagedAttachment } from "./api";
import { describeState, percentSent } from "./describe";
import { typeLabel } from "./describeType";
import { DocumentIcon } from "./icons";

const words = messages.attachments;

type Props = {
  attachment: StagedAttachment;
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
  onRemove: (id: string) => void;
};

/**
 * One staged attachment: its thumbnail (made by the backend) or a document icon, its
 * name, type and size, and where it stands: a progress bar while it uploads, the reason
 * when it failed or was refused, and what the user can do about it.
 */
export const AttachmentChip = memo(function AttachmentChip({ attachment, onCancel, onRetry, onRemove }: Props) {
  const { id, filename, contentType, size, state, thumbnail } = attachment;
  const busy = state.kind === "checking" || state.kind === "uploading";
  const problem = state.kind === "failed" || state.kind === "refused" || state.kind === "cancelled";
  const percent = state.kind === "uploading" ? percentSent(state.sent, state.total) : 0;
  // A refused file's type is in doubt (its reason says why), and a size of 0 is one the
  // backend did not learn before refusing it: only a known size is shown.
  const meta =
    state.kind !== "refused"
      ? `${typeLabel(contentType ?? "", filename)} · ${formatBytes(size)}`
      : size > 0
        ? formatBytes(size)
        : null;
  return (
    <li
      className={`attachment-chip${problem ? " attachment-problem" : ""}`}
      data-testid="attachment-chip"
      data-state={state.kind}
      data-attachment-id={id}
    >
      {thumbnail ? (
        <img className="attachment-thumb" src={thumbnail} alt="" data-testid="attachment-thumb" />
      ) : (
        <span className="attachment-thumb attachment-doc" role="img" aria-label={words.document}>
          <DocumentIcon />
        </span>
      )}
      <div className="attachment-info">
        <span className="attachment-name" data-testid="attachment-name" title={filename}>
          {filename}
        </span>
        {meta && <span className="attachment-meta">{meta}</span>}
        {state.kind === "uploading" && (
          <div
            className="attachment-progress"
            role="progressbar"
            aria-label={words.progressLabel(filename)}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            data-testid="attachment-progress"
          >
            <span style={{ width: `${percent}%` }} />
          </div>
        )}
        <span className="attachment-status" data-testid="attachment-status" role={problem ? "alert" : undefined}>
          {describeState(state, filename)}
        </span>
      </div>
      <div className="attachment-actions">
        {busy && (
          <button
            type="button"
            className="button quiet small"
            data-testid="attachment-cancel"
            aria-label={words.cancelLabel(filename)}
            onClick={() => onCancel(id)}
          >
            {words.cancel}
          </button>
        )}
        {(state.kind === "failed" || state.kind === "cancelled") && (
          <button
            type="button"
            className="button quiet small"
            data-testid="attachment-retry"
            aria-label={words.retryLabel(filename)}
            onClick={() => onRetry(id)}
          >
            {words.retry}
          </button>
        )}
        <button
          type="button"
          className="button quiet small"
          data-testid="attachment-remove"
          aria-label={words.removeLabel(filename)}
          onClick={() => onRemove(id)}
        >
          {words.remove}
        </button>
      </div>
    </li>
  );
});

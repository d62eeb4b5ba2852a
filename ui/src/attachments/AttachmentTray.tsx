import { messages } from "../messages";
import type { StagedAttachment } from "./api";
import { AttachmentChip } from "./AttachmentChip";

const words = messages.attachments;

type Props = {
  staged: readonly StagedAttachment[];
  /** Something that could not become an attachment (a paste the page could not read...). */
  note: string | null;
  onDismissNote: () => void;
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
  onRemove: (id: string) => void;
};

/** The files staged for the next message, above the text box. Nothing when there are none. */
export function AttachmentTray({ staged, note, onDismissNote, onCancel, onRetry, onRemove }: Props) {
  if (staged.length === 0 && note === null) return null;
  return (
    <div className="attachment-tray" data-testid="attachment-tray">
      {note !== null && (
        <p className="attachment-note" data-testid="attachment-note" role="alert">
          {note}{" "}
          <button type="button" className="link-button" onClick={onDismissNote}>
            {words.dismiss}
          </button>
        </p>
      )}
      {staged.length > 0 && (
        <ul className="attachment-list" aria-label={words.listLabel}>
          {staged.map((a) => (
            <AttachmentChip key={a.id} attachment={a} onCancel={onCancel} onRetry={onRetry} onRemove={onRemove} />
          ))}
        </ul>
      )}
    </div>
  );
}

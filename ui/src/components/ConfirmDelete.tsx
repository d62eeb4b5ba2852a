import { useState } from "react";
import { describeError } from "../errors";
import { messages } from "../messages";
import type { AppError } from "../bindings";
import type { Result } from "../result";
import { Modal } from "./Modal";

const words = messages.conversationActions;

type Props = {
  /** The conversation's title as the sidebar shows it. */
  title: string;
  /** Deletes; the dialog closes on success and shows the error otherwise. */
  onDelete: () => Promise<Result<null, AppError>>;
  onCancel: () => void;
};

/** Asks before a chat is deleted for good, naming it; Cancel is the way out. */
export function ConfirmDelete({ title, onDelete, onCancel }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    const result = await onDelete();
    // On success the dialog is gone by now.
    if (result.status === "error") {
      setBusy(false);
      setError(result.error);
    }
  }

  return (
    <Modal
      title={words.deleteTitle}
      closeText={words.deleteClose}
      closeLabel={words.deleteCloseLabel}
      onClose={onCancel}
      className="confirm-delete"
      testId="confirm-delete"
    >
      <p data-testid="confirm-delete-body">{words.deleteBody(title)}</p>
      <p className="confirm-delete-hint">{words.deleteHint}</p>
      {error && (
        <p className="form-error" role="alert" data-testid="delete-error">
          {describeError(error)}
        </p>
      )}
      <div className="confirm-delete-buttons">
        <button type="button" className="button quiet bordered" onClick={onCancel}>
          {words.deleteCancel}
        </button>
        <button
          type="button"
          className="button danger-solid"
          data-testid="confirm-delete-button"
          disabled={busy}
          onClick={() => void confirm()}
        >
          {busy ? words.deleting : words.deleteConfirm}
        </button>
      </div>
    </Modal>
  );
}

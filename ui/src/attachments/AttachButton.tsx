import { messages } from "../messages";
import { PaperclipIcon } from "./icons";

const words = messages.attachments;

/** Opens the native file picker (from the backend) to attach files. */
export function AttachButton({ onClick, disabled }: { onClick: () => void; disabled: boolean }) {
  return (
    <button
      type="button"
      className="button quiet bordered attach-button"
      data-testid="attach"
      aria-label={words.attachLabel}
      title={words.attachLabel}
      disabled={disabled}
      onClick={onClick}
    >
      <PaperclipIcon />
      <span>{words.attach}</span>
    </button>
  );
}

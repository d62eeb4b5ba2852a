import { messages } from "../messages";
import { PaperclipIcon } from "./icons";

const words = messages.attachments;

/**
 * Shown over the window while files are dragged over it (the backend reports the
 * drag). The drop itself reaches the backend, never the page: the overlay takes no
 * pointer events.
 */
export function DropZone() {
  return (
    <div className="drop-zone" data-testid="drop-zone" role="status">
      <div className="drop-zone-box">
        <PaperclipIcon />
        <p className="drop-zone-title">{words.dropTitle}</p>
        <p className="drop-zone-hint">{words.dropHint}</p>
      </div>
    </div>
  );
}

import type { HistoryStatus } from "../bindings";
import { messages } from "../messages";

const words = messages.history;

/** What to say about how the history opened, or null when there is nothing to say. */
export function historyNotice(status: HistoryStatus): { text: string; detail: string | null } | null {
  switch (status.kind) {
    case "ready":
      // Interrupted answers are marked in place.
      return null;
    case "movedAside":
      return { text: words.movedAside(status.movedTo), detail: status.reason };
    case "newerSchema":
      return { text: words.newerSchema(status.found, status.known), detail: null };
    case "unavailable":
      return { text: words.unavailable(status.reason), detail: null };
  }
}

/** The banner at the top of the window about the chat history; dismissible. */
export function HistoryBanner({ status, onDismiss }: { status: HistoryStatus; onDismiss: () => void }) {
  const notice = historyNotice(status);
  if (!notice) return null;
  return (
    <div className="banner history-banner" data-testid="history-banner" role="status">
      <div className="history-banner-text">
        <p>{notice.text}</p>
        {notice.detail && <p className="history-banner-detail">{notice.detail}</p>}
      </div>
      <button type="button" className="button quiet" aria-label={words.dismissLabel} onClick={onDismiss}>
        {words.dismiss}
      </button>
    </div>
  );
}

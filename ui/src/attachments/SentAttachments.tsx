import { createContext, useContext, useEffect, useState } from "react";
import type { AppError } from "../bindings";
import { describeError } from "../errors";
import { formatBytes } from "../format";
import { messages } from "../messages";
import type { Result } from "../result";
import { Modal } from "../components/Modal";
import { settle, type SentAttachment } from "./api";
import { typeLabel } from "./describeType";
import { DocumentIcon } from "./icons";
import "./attachments.css";

const words = messages.attachments;

/** The backend's renditions of a sent attachment (data URLs it made). */
export type AttachmentViews = {
  /** The full-size view (bounded by the backend). */
  fullView: (id: string) => Promise<Result<string, AppError>>;
  /** The thumbnail (null: none, or the file's copy is gone). */
  thumbnail: (id: string) => Promise<Result<string | null, AppError>>;
};

/** The renditions' commands; absent (no backend), images show as documents and do not open. */
export const AttachmentViewsContext = createContext<AttachmentViews | null>(null);

/** A sent image's thumbnail, fetched once shown (null until then, or when there is none). */
function useThumbnail(views: AttachmentViews | null, attachment: SentAttachment): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!views || !attachment.isImage) return;
    let live = true;
    void settle(() => views.thumbnail(attachment.id)).then((result) => {
      if (live && result.status === "ok") setUrl(result.data);
    });
    return () => {
      live = false;
    };
  }, [views, attachment.id, attachment.isImage]);
  return url;
}

/**
 * A sent message's attachments: an image's thumbnail opens the full-size view on click;
 * a document shows its icon, name, type and size.
 */
export function SentAttachments({ attachments }: { attachments: readonly SentAttachment[] }) {
  const views = useContext(AttachmentViewsContext);
  const [shown, setShown] = useState<SentAttachment | null>(null);
  if (attachments.length === 0) return null;
  return (
    <>
      <ul className="sent-attachments" aria-label={words.sentLabel} data-testid="sent-attachments">
        {attachments.map((a) => (
          <li key={a.id}>
            <SentItem attachment={a} views={views} onOpen={() => setShown(a)} />
          </li>
        ))}
      </ul>
      {shown && views && <FullViewDialog attachment={shown} load={views.fullView} onClose={() => setShown(null)} />}
    </>
  );
}

function SentItem({ attachment: a, views, onOpen }: { attachment: SentAttachment; views: AttachmentViews | null; onOpen: () => void }) {
  const thumbnail = useThumbnail(views, a);
  const body = (
    <>
      {thumbnail ? (
        <img className="attachment-thumb" src={thumbnail} alt="" data-testid="sent-attachment-thumb" />
      ) : (
        <span className="attachment-thumb attachment-doc" role="img" aria-label={words.document}>
          <DocumentIcon />
        </span>
      )}
      <span className="attachment-info">
        <span className="attachment-name" data-testid="sent-attachment-name" title={a.filename}>
          {a.filename}
        </span>
        <span className="attachment-meta">
          {typeLabel(a.contentType, a.filename)} · {formatBytes(a.size)}
        </span>
      </span>
    </>
  );
  if (views !== null && a.isImage) {
    return (
      <button
        type="button"
        className="sent-attachment"
        data-testid="sent-attachment"
        aria-label={words.fullViewLabel(a.filename)}
        onClick={onOpen}
      >
        {body}
      </button>
    );
  }
  return (
    <div className="sent-attachment" data-testid="sent-attachment">
      {body}
    </div>
  );
}

type Loaded = { phase: "loading" } | { phase: "shown"; url: string } | { phase: "failed"; error: AppError };

/** An image at full size (a bounded rendition from the backend), in a modal; Escape closes. */
function FullViewDialog({ attachment, load, onClose }: { attachment: SentAttachment; load: AttachmentViews["fullView"]; onClose: () => void }) {
  const [loaded, setLoaded] = useState<Loaded>({ phase: "loading" });
  useEffect(() => {
    let live = true;
    void settle(() => load(attachment.id)).then((result) => {
      if (!live) return;
      setLoaded(result.status === "ok" ? { phase: "shown", url: result.data } : { phase: "failed", error: result.error });
    });
    return () => {
      live = false;
    };
  }, [attachment.id, load]);
  return (
    <Modal
      title={words.fullViewTitle(attachment.filename)}
      closeText={words.close}
      closeLabel={words.closeLabel}
      onClose={onClose}
      className="attachment-full"
      testId="attachment-full-view"
    >
      {loaded.phase === "loading" && <p role="status">{words.fullViewLoading}</p>}
      {loaded.phase === "failed" && (
        <p className="composer-error" role="alert">
          {words.fullViewFailed(describeError(loaded.error))}
        </p>
      )}
      {loaded.phase === "shown" && (
        <img className="attachment-full-image" data-testid="attachment-full-image" src={loaded.url} alt={attachment.filename} />
      )}
    </Modal>
  );
}

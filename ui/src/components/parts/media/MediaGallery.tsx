import { useContext, useEffect, useState } from "react";
import type { AppError, MediaFileView } from "../../../bindings";
import { describeError, describeMediaFailure } from "../../../errors";
import { messages } from "../../../messages";
import { Modal } from "../../Modal";
import { Spinner } from "../icons";
import { MediaApiContext } from "./api";
import type { MediaFilesState } from "./useMediaFiles";
import "./media.css";

const words = messages.parts.media;

/** How long "Image copied" / "Saved as …" stays. */
const NOTE_MS = 4000;

type Props = {
  state: MediaFilesState;
  kind: string;
  prompt: string | null;
};

/**
 * A completed job's files, from the app's own copy (the loopback URL the backend
 * gives; never the server's address): the image or a video with controls, or why it is
 * not there with Retry; each with Open full size, Save as… and (images) Copy image.
 */
export function MediaGallery({ state, kind, prompt }: Props) {
  if (state.kind === "loading") {
    return (
      <p className="media-note" data-testid="media-loading">
        <Spinner /> {words.downloading}
      </p>
    );
  }
  if (state.kind === "error") {
    return (
      <p className="media-note media-problem" role="alert" data-testid="media-error">
        {describeError(state.error)}
      </p>
    );
  }
  return (
    <ul className="media-gallery" aria-label={words.files(state.files.length)} data-testid="media-gallery">
      {state.files.map((file) => (
        <MediaItem key={file.index} file={file} kind={kind} prompt={prompt} />
      ))}
    </ul>
  );
}

function isVideo(contentType: string): boolean {
  return contentType.startsWith("video/");
}

function MediaItem({ file, kind, prompt }: { file: MediaFileView; kind: string; prompt: string | null }) {
  const api = useContext(MediaApiContext);
  const [full, setFull] = useState(false);
  const [note, setNote] = useState<{ text: string; problem: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!note || note.problem) return undefined;
    const timer = setTimeout(() => setNote(null), NOTE_MS);
    return () => clearTimeout(timer);
  }, [note]);

  async function act(run: () => Promise<{ status: "ok"; data: string | null } | { status: "error"; error: AppError }>) {
    setBusy(true);
    setNote(null);
    try {
      const result = await run();
      if (result.status === "error") setNote({ text: describeError(result.error), problem: true });
      else if (result.data) setNote({ text: result.data, problem: false });
    } catch {
      setNote({ text: describeError({ code: "internal" }), problem: true });
    } finally {
      setBusy(false);
    }
  }

  const local = file.local;
  const state = local.state;
  let body;
  let actions = null;
  if (local.state === "pending") {
    body = (
      <p className="media-note" data-testid="media-downloading">
        <Spinner /> {words.downloading}
      </p>
    );
  } else if (local.state === "failed") {
    body = (
      <div className="media-failed" data-testid="media-failed">
        <p className="media-problem" data-testid="media-failure">
          <strong>{words.notDownloaded}.</strong> {describeMediaFailure(local.failure)}
        </p>
        {api && (
          <button
            type="button"
            className="button"
            data-testid="media-retry"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                const r = await api.retryMediaDownload(file.handle, file.jobId, file.index);
                return r.status === "ok" ? { status: "ok", data: null } : r;
              })
            }
          >
            {words.retry}
          </button>
        )}
      </div>
    );
  } else {
    const video = isVideo(local.contentType);
    body = video ? (
      <video
        className="media-video"
        data-testid="media-video"
        src={local.url}
        controls
        preload="metadata"
        aria-label={words.videoLabel(prompt)}
      />
    ) : (
      <img className="media-image" data-testid="media-image" src={local.url} alt={words.imageAlt(prompt)} />
    );
    actions = api && (
      <div className="media-actions">
        <button type="button" className="button quiet" data-testid="media-open-full" onClick={() => setFull(true)}>
          {words.openFull}
        </button>
        <button
          type="button"
          className="button quiet"
          data-testid="media-save-as"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              const r = await api.saveMediaAs(file.handle, file.jobId, file.index);
              if (r.status === "error") return r;
              return { status: "ok", data: r.data.saved && r.data.fileName ? words.savedAs(r.data.fileName) : null };
            })
          }
        >
          {words.saveAs}
        </button>
        {!video && (
          <button
            type="button"
            className="button quiet"
            data-testid="media-copy-image"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                const r = await api.copyMediaImage(file.handle, file.jobId, file.index);
                return r.status === "ok" ? { status: "ok", data: words.copied } : r;
              })
            }
          >
            {words.copyImage}
          </button>
        )}
      </div>
    );
  }

  return (
    <li className="media-item" data-testid="media-item" data-state={state}>
      {body}
      {actions}
      <p
        className={note?.problem ? "media-note media-problem" : "media-note"}
        role={note?.problem ? "alert" : "status"}
        data-testid="media-action-note"
      >
        {note?.text}
      </p>
      {full && local.state === "downloaded" && (
        <Modal
          title={words.fullTitle(isVideo(local.contentType) ? "video" : kind)}
          closeText={words.close}
          closeLabel={words.closeLabel}
          onClose={() => setFull(false)}
          className="media-modal"
          testId="media-full"
        >
          {isVideo(local.contentType) ? (
            <video className="media-full" src={local.url} controls aria-label={words.videoLabel(prompt)} />
          ) : (
            <img className="media-full" src={local.url} alt={words.imageAlt(prompt)} />
          )}
        </Modal>
      )}
    </li>
  );
}

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ClipboardEvent, type ReactNode } from "react";
import type { AppError, FilesDropped } from "../bindings";
import { describeError } from "../errors";
import { messages } from "../messages";
import type { Result } from "../result";
import { useListen } from "../components/batch/api";
import { settle, type AttachmentsApi, type AttachmentsEvents, type StagedAttachment } from "./api";
import { AttachButton } from "./AttachButton";
import { AttachmentTray } from "./AttachmentTray";
import { sendBlocker } from "./describe";
import { pastedFiles } from "./paste";
import {
  attachmentChanged,
  attachmentRemoved,
  attachmentsAdded,
  draftLoaded,
  emptyStaged,
  readyIds,
  type StagedState,
} from "./store";
import "./attachments.css";

const words = messages.attachments;
const NONE: readonly StagedAttachment[] = [];

type Listen<T> = { listen(cb: (event: { payload: T }) => void): Promise<() => void> };

/** The events attachments follow: their own and the window's dropped files. */
export type AttachmentsAppEvents = Partial<AttachmentsEvents> & { filesDropped?: Listen<FilesDropped> };

type Options = {
  /** The open conversation (null: a new chat not created yet). */
  conversationId: string | null;
  /** Files can be attached now: the chat is showing and can take a message. */
  enabled: boolean;
  /** The open conversation, created first for a new chat (its draft needs a home). */
  ensureConversation: () => Promise<Result<string, AppError>>;
};

/** What the composer shows and does for attachments. */
export type ComposerAttachments = {
  /** The staged chips (and a note about a file that could not be attached). */
  tray: ReactNode;
  /** The Attach button. */
  button: ReactNode;
  /** Why Send must wait (uploads running, failed or refused files), or null. */
  sendBlocked: string | null;
  /** A paste that carries files attaches them instead of inserting text. */
  onPaste: (e: ClipboardEvent<HTMLElement>) => void;
};

/**
 * The open conversation's staged attachments and the three ways in: the Attach button
 * (the backend's native picker), files dropped on the window (by the backend's drop ids,
 * only while the chat is showing, so the Batch screen keeps its drops), and pasted files
 * (their bytes read once and handed to the backend).
 */
export function useAttachments(api: AttachmentsApi, events: AttachmentsAppEvents | undefined, options: Options) {
  const { conversationId, enabled } = options;
  const [state, setState] = useState<StagedState>(emptyStaged);
  const [dragging, setDragging] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  // The latest state, for a send that reads it after a render.
  const latest = useRef(state);
  useLayoutEffect(() => {
    latest.current = state;
  });
  const ensure = useRef(options.ensureConversation);
  useLayoutEffect(() => {
    ensure.current = options.ensureConversation;
  });

  // Which attachments events changed, and when (a count of events): a draft read before
  // an event must not undo it.
  const eventCount = useRef(0);
  const changedAt = useRef(new Map<string, number>());
  const heard = useCallback((id: string) => {
    eventCount.current += 1;
    changedAt.current.set(id, eventCount.current);
  }, []);

  // The open conversation's draft attachments (they survive a restart in the backend).
  useEffect(() => {
    setNote(null);
    if (conversationId === null) return;
    let live = true;
    const asked = eventCount.current;
    void settle(() => api.draftAttachments(conversationId)).then((result) => {
      if (!live || result.status !== "ok") return;
      const fresh = new Set([...changedAt.current].filter(([, at]) => at > asked).map(([id]) => id));
      setState((s) => draftLoaded(s, conversationId, result.data, fresh));
    });
    return () => {
      live = false;
    };
  }, [api, conversationId]);

  useListen(events?.attachmentChanged, (e) => {
    heard(e.attachment.id);
    setState((s) => attachmentChanged(s, e.attachment));
  });
  useListen(events?.attachmentRemoved, (e) => {
    heard(e.id);
    setState((s) => attachmentRemoved(s, e.id));
  });
  useListen(events?.dragHover, (e) => setDragging(e.active));

  /** Runs an attach command for the open conversation (created first if new). */
  const attach = useCallback(
    async (run: (conversationId: string) => Promise<Result<StagedAttachment[], AppError>>) => {
      const target = await ensure.current();
      const result = target.status === "ok" ? await settle(() => run(target.data)) : target;
      if (result.status === "ok") {
        setState((s) => attachmentsAdded(s, result.data));
        setNote(null);
      } else {
        setNote(words.attachFailed(describeError(result.error)));
      }
    },
    [],
  );

  useListen(events?.filesDropped, (e) => {
    setDragging(false);
    if (!enabled) return;
    // Folders and unreadable paths come as well: their chips say why they can't go.
    const ids = [...e.files, ...e.others].map((f) => f.dropId);
    if (ids.length > 0) void attach((id) => api.attachDragged(id, ids));
  });

  const onPaste = useCallback(
    (e: ClipboardEvent<HTMLElement>) => {
      const { files, unreadable } = pastedFiles(e.clipboardData);
      if (files.length === 0 && unreadable === 0) return; // text: an ordinary paste
      e.preventDefault();
      if (unreadable > 0) setNote(words.pasteUnreadable(words.pastedFile));
      for (const file of files) {
        const name = file.name || words.pastedFile;
        void attach(async (id) => {
          const one = await api.attachPasted(id, file, name);
          return one.status === "ok" ? { status: "ok", data: [one.data] } : one;
        });
      }
    },
    [api, attach],
  );

  const remove = useCallback(
    (id: string) => {
      void settle(() => api.removeAttachment(id)).then((result) => {
        if (result.status === "ok") setState((s) => attachmentRemoved(s, id));
        else setNote(describeError(result.error));
      });
    },
    [api],
  );
  const cancel = useCallback((id: string) => void settle(() => api.cancelAttachmentUpload(id)), [api]);
  const retry = useCallback(
    (id: string) =>
      void settle(() => api.retryAttachment(id)).then((result) => {
        if (result.status === "error") setNote(describeError(result.error));
      }),
    [api],
  );

  const staged = (conversationId === null ? undefined : state.get(conversationId)) ?? NONE;
  const pick = useCallback(() => void attach((id) => api.attachPicked(id)), [api, attach]);
  // The same object while nothing of it changed: the composer is memoised, and App
  // renders on every streamed update.
  const composer = useMemo<ComposerAttachments>(
    () => ({
      tray: (
        <AttachmentTray
          staged={staged}
          note={note}
          onDismissNote={() => setNote(null)}
          onCancel={cancel}
          onRetry={retry}
          onRemove={remove}
        />
      ),
      button: <AttachButton disabled={!enabled} onClick={pick} />,
      sendBlocked: sendBlocker(staged),
      onPaste,
    }),
    [staged, note, enabled, cancel, retry, remove, pick, onPaste],
  );

  /** The ids to send with a message to this conversation. */
  const ready = useCallback((id: string) => readyIds(latest.current, id), []);
  /** A message went with these attachments: they leave the tray. */
  const sent = useCallback(
    (ids: readonly string[]) => setState((s) => ids.reduce((acc, id) => attachmentRemoved(acc, id), s)),
    [],
  );

  return {
    composer,
    /** Files are being dragged over the window and could be attached here. */
    dragging: dragging && enabled,
    readyIds: ready,
    sent,
  };
}

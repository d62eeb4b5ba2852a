// Saves the composer's draft of a conversation a moment after the user stops typing,
// and at once when they leave it (switch, blur, send, window hidden). The backend keeps
// drafts; a draft that could not be saved is still in the composer.

import { useEffect, useMemo, useRef } from "react";

/** How long the user must pause before the draft is saved, in ms. */
export const DRAFT_DELAY_MS = 300;

export type DraftSaver = {
  /** The text of a conversation changed: save it after the pause. */
  change(conversationId: string, text: string): void;
  /** Saves a pending change now. */
  flush(): void;
  /** Forgets a pending change (the caller saves what it must itself). */
  cancel(): void;
};

export function useDraftSaver(
  save: (conversationId: string, text: string) => Promise<void>,
  delayMs = DRAFT_DELAY_MS,
): DraftSaver {
  const pending = useRef<{ id: string; text: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const saver = useMemo<DraftSaver>(() => {
    function stopTimer() {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    }
    function flush() {
      stopTimer();
      const change = pending.current;
      pending.current = null;
      if (change) void save(change.id, change.text);
    }
    return {
      change(id, text) {
        if (pending.current && pending.current.id !== id) flush();
        pending.current = { id, text };
        stopTimer();
        timer.current = setTimeout(flush, delayMs);
      },
      flush,
      cancel() {
        stopTimer();
        pending.current = null;
      },
    };
  }, [save, delayMs]);

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === "hidden") saver.flush();
    };
    window.addEventListener("pagehide", saver.flush);
    document.addEventListener("visibilitychange", onHide);
    return () => {
      window.removeEventListener("pagehide", saver.flush);
      document.removeEventListener("visibilitychange", onHide);
      saver.flush();
    };
  }, [saver]);

  return saver;
}

import { useEffect, useLayoutEffect, useRef } from "react";
import type { DeepLinkAction, DeepLinkReceived, DeepLinkRefusalReason } from "../bindings";
import { messages } from "../messages";

type Listen<T> = { listen(cb: (event: { payload: T }) => void): Promise<() => void> };

/** The command that hands over links that arrived before the page was up. */
export interface DeepLinkApi {
  takeDeepLinks(): Promise<DeepLinkAction[]>;
}

/** The event that carries each later link. */
export interface DeepLinkEvents {
  deepLinkReceived: Listen<DeepLinkReceived>;
}

/**
 * Applies every `athena-desktop://` link (already judged by the backend: open a chat,
 * prefill a new one, or refused) once the first screen is settled: earlier, the start-up
 * would replace what the link opened. Takes the links that waited, then follows the
 * event. Without the command or the event (tests of other things) it does nothing.
 */
export function useDeepLinks(
  api: Partial<DeepLinkApi>,
  events: Partial<DeepLinkEvents> | undefined,
  ready: boolean,
  apply: (action: DeepLinkAction) => void,
) {
  const handler = useRef(apply);
  useLayoutEffect(() => {
    handler.current = apply;
  });
  const take = api.takeDeepLinks;
  const source = events?.deepLinkReceived;
  useEffect(() => {
    if (!ready) return;
    let live = true;
    let stop: (() => void) | null = null;
    source
      ?.listen((event) => live && handler.current(event.payload.action))
      .then(
        (unlisten) => {
          if (live) stop = unlisten;
          else unlisten();
        },
        () => undefined,
      );
    // The backend sends later links as events only once the page has taken the waiting
    // ones, so listening first loses none.
    take?.().then(
      (waiting) => {
        if (live) waiting.forEach((action) => handler.current(action));
      },
      () => undefined,
    );
    return () => {
      live = false;
      stop?.();
    };
  }, [ready, take, source]);
}

const words = messages.deepLinks;

/** The words for each refusal: a `Record`, so a new reason cannot go unexplained. */
const REASONS: Record<DeepLinkRefusalReason, string> = words.reasons;

/** A link from outside was refused: says so, and why, without quoting it. */
export function DeepLinkNotice({ reason, onDismiss }: { reason: DeepLinkRefusalReason; onDismiss: () => void }) {
  return (
    <div className="banner notice-banner" data-testid="deep-link-notice" role="status">
      <div className="notice-text">
        <p>{words.refused(REASONS[reason])}</p>
      </div>
      <button type="button" className="button quiet" aria-label={messages.notices.dismissLabel} onClick={onDismiss}>
        {messages.notices.dismiss}
      </button>
    </div>
  );
}

import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { createPortal } from "react-dom";
import type { InspectedEvents } from "../bindings";
import type { AppError } from "../bindings";
import { describeError } from "../errors";
import { formatCount } from "../format";
import { messages } from "../messages";
import type { Result } from "../result";

const words = messages.inspect;

type Props = {
  handle: string;
  inspect: (handle: string) => Promise<Result<InspectedEvents, AppError>>;
  /** Called on Close, Escape or a click outside; the caller puts the focus back. */
  onClose: () => void;
};

type Load = { phase: "loading" } | { phase: "loaded"; events: InspectedEvents } | { phase: "failed"; error: AppError };

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The raw events of one execution, fetched when it opens: a modal dialog. Focus moves
 * into it and stays there (Tab wraps) until it closes. The JSON is shown as text.
 */
export function InspectView({ handle, inspect, onClose }: Props) {
  const [load, setLoad] = useState<Load>({ phase: "loading" });
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    let live = true;
    inspect(handle).then(
      (result) => {
        if (!live) return;
        setLoad(result.status === "ok" ? { phase: "loaded", events: result.data } : { phase: "failed", error: result.error });
      },
      () => live && setLoad({ phase: "failed", error: { code: "internal" } }),
    );
    return () => {
      live = false;
    };
  }, [handle, inspect]);

  useEffect(() => {
    close.current?.focus();
    // Escape closes wherever the focus is (a click on the backdrop may have moved it).
    function onKey(e: globalThis.KeyboardEvent) {
      if (e.key === "Escape") {
        e.preventDefault();
        onCloseRef.current();
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  function trapTab(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== "Tab" || !dialog.current) return;
    const focusable = Array.from(dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (focusable.length === 0) return;
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        ref={dialog}
        className="inspect-view"
        data-testid="inspect-view"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={trapTab}
      >
        <header className="inspect-header">
          <h2 id={titleId}>{words.title}</h2>
          <button
            ref={close}
            type="button"
            className="button quiet"
            data-testid="inspect-close"
            aria-label={words.closeLabel}
            onClick={onClose}
          >
            {words.close}
          </button>
        </header>
        <div className="inspect-body" tabIndex={0} aria-labelledby={titleId} role="region">
          {load.phase === "loading" && <p className="part-muted">{words.loading}</p>}
          {load.phase === "failed" && (
            <p className="inspect-error" data-testid="inspect-error" role="alert">
              {describeError(load.error)}
            </p>
          )}
          {load.phase === "loaded" && (
            <>
              {load.events.cut > 0 && (
                <p className="part-note" data-testid="inspect-cut">
                  {words.cut(load.events.cut)}
                </p>
              )}
              {load.events.events.length === 0 ? (
                <p className="part-muted">{words.none}</p>
              ) : (
                <ol className="inspect-events">
                  {load.events.events.map((event) => (
                    <li key={event.number} className="inspect-event" data-testid="inspect-event">
                      <div className="inspect-event-head">
                        <span className="inspect-number">{words.number(event.number)}</span>
                        <span className="inspect-time">{words.at(formatCount(event.atMs))}</span>
                        <span className="inspect-type">{event.eventType}</span>
                      </div>
                      <pre className="part-json">{event.json}</pre>
                    </li>
                  ))}
                </ol>
              )}
            </>
          )}
        </div>
      </div>
    </div>,
    document.body,
  );
}

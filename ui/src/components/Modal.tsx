import { createContext, useContext, useEffect, useId, useLayoutEffect, useRef, type ReactNode } from "react";
import { createPortal } from "react-dom";

type Props = {
  title: string;
  /** Close button's text and accessible name. */
  closeText: string;
  closeLabel: string;
  /** Called on Close or Escape; the focus goes back where it was before the dialog opened. */
  onClose: () => void;
  className?: string;
  testId?: string;
  children: ReactNode;
};

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The open dialogs. The top one, the only one that takes Escape and keeps the focus, is
 * the deepest (a dialog opened from inside another mounts before it), then the latest.
 */
const open: { el: HTMLElement; depth: number; order: number }[] = [];
let opened = 0;

function top(): HTMLElement | undefined {
  let best = open[0];
  for (const d of open) {
    if (best && (d.depth > best.depth || (d.depth === best.depth && d.order > best.order))) best = d;
  }
  return best?.el;
}

/** How many dialogs this one is inside of. */
const Depth = createContext(0);

/** Focuses the first (or last) element of `dialog` that takes the focus; false if none did. */
function focusEdge(dialog: HTMLElement, last: boolean): boolean {
  const candidates = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => el.closest("[hidden]") === null,
  );
  if (last) candidates.reverse();
  // A candidate the browser will not focus (not displayed) is skipped.
  return candidates.some((el) => {
    el.focus();
    return document.activeElement === el;
  });
}

/**
 * A modal dialog over the window: labelled by its title, the focus moves into it (its
 * Close button) and stays there until it closes, then goes back to what had it before.
 * Escape closes it. The body scrolls inside the dialog when it is tall.
 *
 * The focus is kept in by two guards around the dialog that send Tab round (they work
 * for any content the browser tabs through: radio groups, hidden parts), and by moving
 * back in whatever focus lands outside (a click on the page behind left the focus on
 * the body, then Tab). Dialogs stack: only the top one answers.
 */
export function Modal({ title, closeText, closeLabel, onClose, className, testId, children }: Props) {
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const depth = useContext(Depth);
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const self = dialog.current;
    if (!self) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const entry = { el: self, depth, order: ++opened };
    open.push(entry);
    const onTop = () => top() === self;
    close.current?.focus();
    function onKey(e: globalThis.KeyboardEvent) {
      if (e.key === "Escape" && !e.defaultPrevented && onTop()) {
        e.preventDefault();
        onCloseRef.current();
      }
    }
    function onFocusIn(e: FocusEvent) {
      // Inside the backdrop: the dialog, or a guard that sends the focus round itself.
      if (!onTop() || !(e.target instanceof Node) || self!.parentElement?.contains(e.target)) return;
      if (!focusEdge(self!, false)) close.current?.focus();
    }
    document.addEventListener("keydown", onKey);
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("focusin", onFocusIn);
      open.splice(open.indexOf(entry), 1);
      if (before?.isConnected) before.focus();
    };
    // Mounted once: the depth of a dialog never changes.
  }, []);

  const guard = (last: boolean) => (
    <div
      tabIndex={0}
      data-focus-guard=""
      aria-hidden="true"
      onFocus={() => dialog.current && focusEdge(dialog.current, last)}
    />
  );

  return createPortal(
    <div className="modal-backdrop">
      {guard(true)}
      <div
        ref={dialog}
        className={`modal ${className ?? ""}`}
        data-testid={testId}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
      >
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
          <button ref={close} type="button" className="button quiet" aria-label={closeLabel} onClick={onClose}>
            {closeText}
          </button>
        </header>
        <div className="modal-body">
          <Depth.Provider value={depth + 1}>{children}</Depth.Provider>
        </div>
      </div>
      {guard(false)}
    </div>,
    document.body,
  );
}

// The chat's own context menu, in place of the webview's. The webview's menu offers
// "Open Link", "Open Link in New Window" and "Download Linked File" for a link in an
// answer: each would reach the address without `open_link`'s checks and its "Open
// link?" question. So the native menu is turned off for the whole window (it offers
// nothing else the app needs), except in text fields, where the user needs paste and
// spelling suggestions. In the chat this menu takes its place: Copy (the selection),
// Copy link and Open link… (through `open_link`, so through the question).

import {
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { describeError } from "../errors";
import { messages } from "../messages";
import { OpenLinkContext } from "./openLink";
import "./contextMenu.css";

const words = messages.contextMenu;

/** How long a failure to open or copy stays on screen. */
const PROBLEM_SHOWN_FOR_MS = 8000;

/** What the menu was opened on. */
export type MenuTarget = {
  /** Where it opens, in viewport coordinates. */
  x: number;
  y: number;
  /** The selected text when it opened ("" for none). */
  selection: string;
  /** The address of the link under the pointer, if any. */
  link: string | null;
  /** Where focus goes back to when the menu closes. */
  returnFocus: HTMLElement | null;
};

/** Elements whose native menu stays: the user pastes and corrects spelling there. */
const EDITABLE = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';

/** Whether a right-click on `target` keeps the webview's own menu (text fields only). */
export function keepsNativeMenu(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(EDITABLE) !== null;
}

/**
 * What the chat's menu offers for this `contextmenu` event inside `area`, or null when
 * it offers nothing there (no selection, no link). A keyboard-opened menu (Shift+F10,
 * the Menu key) has no pointer position: it opens under the focused element.
 */
export function menuTargetFor(event: MouseEvent, area: Element): MenuTarget | null {
  const target = event.target instanceof Element ? event.target : null;
  if (!target || !area.contains(target)) return null;
  const anchor = target.closest("a[href]");
  const href = anchor?.getAttribute("href") ?? null;
  // A footnote's `#` link goes nowhere outside the answer: nothing to open or copy.
  const link = href && !href.startsWith("#") ? href : null;
  const selection = window.getSelection()?.toString() ?? "";
  if (!link && selection.trim() === "") return null;

  let { clientX: x, clientY: y } = event;
  if (x === 0 && y === 0) {
    const rect = target.getBoundingClientRect();
    x = rect.left;
    y = rect.bottom;
  }
  const focused = document.activeElement;
  const returnFocus =
    focused instanceof HTMLElement && focused !== document.body
      ? focused
      : anchor instanceof HTMLElement
        ? anchor
        : null;
  return { x, y, selection, link, returnFocus };
}

/** One choice of a menu. */
export type MenuItem = { id: string; label: string; testId: string; run: () => void };
type Item = MenuItem;

/**
 * Wraps the chat (the conversation pane). While mounted, the webview's context menu is
 * off everywhere but in text fields; a right-click in the chat opens this menu.
 */
export function ChatContextMenu({ children }: { children: ReactNode }) {
  const openLink = useContext(OpenLinkContext);
  const area = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<MenuTarget | null>(null);
  const [problem, setProblem] = useState<{ text: string; x: number; y: number } | null>(null);

  useEffect(() => {
    function onContextMenu(event: MouseEvent) {
      if (keepsNativeMenu(event.target)) return;
      // The one place the native menu is turned off (see the top of this file).
      event.preventDefault();
      const target = area.current ? menuTargetFor(event, area.current) : null;
      setProblem(null);
      setMenu(target);
    }
    // Capturing on the document: nothing inside can stop it from running first.
    document.addEventListener("contextmenu", onContextMenu, true);
    return () => document.removeEventListener("contextmenu", onContextMenu, true);
  }, []);

  useEffect(() => {
    if (!problem) return undefined;
    const timer = setTimeout(() => setProblem(null), PROBLEM_SHOWN_FOR_MS);
    return () => clearTimeout(timer);
  }, [problem]);

  function close(returnFocus: boolean) {
    if (returnFocus) menu?.returnFocus?.focus();
    setMenu(null);
  }

  async function copy(text: string, at: MenuTarget) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      setProblem({ text: words.copyFailed, x: at.x, y: at.y });
    }
  }

  async function open(url: string, at: MenuTarget) {
    if (!openLink) return;
    try {
      const result = await openLink(url);
      if (result.status === "error") setProblem({ text: describeError(result.error), x: at.x, y: at.y });
    } catch {
      setProblem({ text: describeError({ code: "internal" }), x: at.x, y: at.y });
    }
  }

  const items: Item[] = [];
  if (menu && menu.selection.trim() !== "") {
    const at = menu;
    items.push({ id: "copy", label: words.copy, testId: "context-menu-copy", run: () => void copy(at.selection, at) });
  }
  if (menu?.link) {
    const at = menu;
    const link = menu.link;
    items.push({ id: "copyLink", label: words.copyLink, testId: "context-menu-copy-link", run: () => void copy(link, at) });
    items.push({ id: "openLink", label: words.openLink, testId: "context-menu-open-link", run: () => void open(link, at) });
  }

  return (
    <>
      <div className="context-menu-area" ref={area}>
        {children}
      </div>
      {menu && items.length > 0 && (
        <Menu
          x={menu.x}
          y={menu.y}
          items={items}
          onClose={close}
          onPick={(item) => {
            close(true);
            item.run();
          }}
        />
      )}
      {problem && (
        <p
          className="context-menu-problem"
          data-testid="context-menu-error"
          role="alert"
          style={{ left: problem.x, top: problem.y }}
        >
          {problem.text}
        </p>
      )}
    </>
  );
}

type MenuProps = {
  x: number;
  y: number;
  items: Item[];
  /** Closes; `returnFocus` when the user closed it on purpose (Escape). */
  onClose: (returnFocus: boolean) => void;
  onPick: (item: Item) => void;
  /** The menu's accessible name and test id (default: the chat's menu). */
  label?: string;
  testId?: string;
};

/** The menu itself: first item focused, arrows move, Escape closes, a click outside too. */
export function Menu({ x, y, items, onClose, onPick, label = words.label, testId = "context-menu" }: MenuProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: x, top: y });

  // Kept inside the window: a menu opened near the right or bottom edge moves back in.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    setPosition({
      left: Math.max(0, Math.min(x, window.innerWidth - width)),
      top: Math.max(0, Math.min(y, window.innerHeight - height)),
    });
  }, [x, y]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, []);

  useEffect(() => {
    function onPointerDown(event: Event) {
      if (ref.current && event.target instanceof Node && ref.current.contains(event.target)) return;
      onClose(false);
    }
    function onAway() {
      onClose(false);
    }
    document.addEventListener("mousedown", onPointerDown, true);
    window.addEventListener("blur", onAway);
    window.addEventListener("resize", onAway);
    // The menu stays where it opened: scrolling the chat under it would leave it
    // pointing at something else.
    document.addEventListener("scroll", onAway, true);
    return () => {
      document.removeEventListener("mousedown", onPointerDown, true);
      window.removeEventListener("blur", onAway);
      window.removeEventListener("resize", onAway);
      document.removeEventListener("scroll", onAway, true);
    };
  }, [onClose]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const buttons = Array.from(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const at = buttons.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => buttons[(i + buttons.length) % buttons.length]?.focus();
    switch (event.key) {
      case "ArrowDown":
        focus(at + 1);
        break;
      case "ArrowUp":
        focus(at < 0 ? -1 : at - 1);
        break;
      case "Home":
        focus(0);
        break;
      case "End":
        focus(-1);
        break;
      case "Escape":
        onClose(true);
        break;
      case "Tab":
        // A menu is left with Escape or a choice; Tab closes it and moves on as usual.
        onClose(false);
        return;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  return (
    <div
      className="context-menu"
      data-testid={testId}
      role="menu"
      aria-label={label}
      aria-orientation="vertical"
      ref={ref}
      style={position}
      onKeyDown={onKeyDown}
    >
      {items.map((item) => (
        <button
          key={item.id}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className="context-menu-item"
          data-testid={item.testId}
          onClick={() => onPick(item)}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}

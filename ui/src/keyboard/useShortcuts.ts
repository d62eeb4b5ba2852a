import { useEffect, useLayoutEffect, useRef } from "react";
import { neighbour, shortcutFor, type Platform, type ShortcutAction } from "./keymap";

/** What the app does for each shortcut; true when it did something. */
export type ShortcutHandlers = Partial<Record<ShortcutAction, () => boolean>>;

/** The sidebar's rows, each naming its conversation (`data-conversation-id`). */
const SIDEBAR = '[data-testid="conversation-list"]';
const COMPOSER = '[data-testid="composer"]';

function shown(el: Element): boolean {
  return el.closest("[hidden]") === null;
}

/**
 * Listens for the app's shortcuts on the whole page while mounted and calls the
 * handler of each. A shortcut held by a modifier always keeps its key from the page (a
 * shortcut with nothing to do does nothing); Escape is kept only when it stopped
 * something, so it still does whatever else it means.
 */
export function useShortcuts(handlers: ShortcutHandlers, platform: Platform) {
  const current = useRef(handlers);
  useLayoutEffect(() => {
    current.current = handlers;
  });
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const target = e.target instanceof Element ? e.target : null;
      const action = shortcutFor(e, {
        platform,
        // Dialogs own the keyboard while open (the help itself among them).
        modalOpen: document.querySelector('[aria-modal="true"]') !== null,
        inComposer: target?.matches(COMPOSER) ?? false,
        inSelect: target instanceof HTMLSelectElement,
        handled: e.defaultPrevented,
      });
      const handler = action ? current.current[action] : undefined;
      if (!handler) return;
      const did = handler();
      if (did || e.key !== "Escape") e.preventDefault();
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [platform]);
}

/**
 * Focuses what `find` returns: now when it is on screen, else once React has shown it
 * (after a screen change). True when there was something to focus.
 */
export function focusSoon(find: () => HTMLElement | null, select = false): boolean {
  const focus = (el: HTMLElement | null) => {
    if (!el) return false;
    el.focus();
    if (select && el instanceof HTMLInputElement) el.select();
    return true;
  };
  const el = find();
  if (el && shown(el)) return focus(el);
  setTimeout(() => focus(find()), 0);
  return el !== null;
}

/** The conversations the sidebar shows, top to bottom, each once. */
export function sidebarConversations(root: ParentNode = document): string[] {
  const ids = Array.from(root.querySelectorAll<HTMLElement>(`${SIDEBAR} [data-conversation-id]`))
    .filter(shown)
    .map((el) => el.dataset.conversationId!)
    .filter((id) => id !== "");
  return [...new Set(ids)];
}

/**
 * Moves to the conversation one step up or down the sidebar. The focus stays where the
 * user works: on the sidebar's row of the new conversation when it was in the sidebar,
 * else in the message box (or on that row when the conversation has no box).
 */
export function moveInSidebar(current: string | null, step: 1 | -1, select: (id: string) => void): boolean {
  const target = neighbour(sidebarConversations(), current, step);
  if (target === null || target === current) return false;
  const focused = document.activeElement;
  const inSidebar = focused instanceof Element && focused.closest(SIDEBAR) !== null;
  select(target);
  const row = () =>
    Array.from(document.querySelectorAll<HTMLElement>(`${SIDEBAR} [data-conversation-id]`)).find(
      (el) => el.dataset.conversationId === target && shown(el) && (el instanceof HTMLButtonElement || el.tabIndex >= 0),
    );
  setTimeout(() => {
    const box = document.querySelector<HTMLElement>(COMPOSER);
    const lost = document.activeElement === null || document.activeElement === document.body;
    // From the search field (its results take no focus) the focus stays in the field.
    if (inSidebar) row()?.focus();
    else if (box && !box.hasAttribute("disabled") && (lost || document.activeElement === box)) box.focus();
    else if (lost) row()?.focus();
  }, 0);
  return true;
}

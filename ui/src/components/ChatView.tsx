import { observeElementRect, useVirtualizer, type Rect, type Virtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { AgentSummary } from "../bindings";
import { messages } from "../messages";
import type { ChatEntry } from "../store/chat";
import { ChatAnnouncer, useChatAnnouncement } from "./ChatAnnouncer";
import "./chatView.css";
import { Exchange, type ExchangeActions } from "./Exchange";

const words = messages.conversation;

type Props = {
  entries: ChatEntry[];
  agents: AgentSummary[];
  actions: ExchangeActions;
  /** The conversation can be continued (not archived). */
  canContinue?: boolean;
  /** The server keeps the conversation: answers can take feedback. */
  canGiveFeedback?: boolean;
  /** Shown above the messages (notices, "Show earlier messages"). */
  top?: ReactNode;
  /** Shown instead of the list when there is no message. */
  empty?: ReactNode;
  /**
   * Called while the user is near the top of what is loaded: the place to load the
   * page before. Undefined when there is nothing earlier, or a page is on its way.
   */
  onNearTop?: () => void;
  /**
   * An exchange to show: once it is loaded it is scrolled to the middle of the view and
   * marked `data-focused="true"` for a few seconds (opening a search result).
   */
  focusHandle?: string;
};

/** How close to the bottom (px) still counts as "at the latest message": the view follows. */
export const FOLLOW_SLACK = 48;
/** How close to the top (px) asks for the earlier messages. */
export const NEAR_TOP = 600;
/** How long an exchange opened from elsewhere stays marked. */
export const FOCUS_MS = 3000;
/** Space between two exchanges (px); the CSS gap of `.chat-list` is the same. */
const GAP = 24;
/** Empty space under the last exchange (px). */
const END_PADDING = 8;
/**
 * Exchanges rendered above and below the visible ones. Enough that a short chat is in
 * the DOM whole (find in page, the real-window suite counting messages), while a long
 * one keeps about thirty exchanges, whatever its length.
 */
const OVERSCAN = 12;
/**
 * Exchanges rendered around the visible ones for the first paint: opening a chat shows
 * its latest messages first, the ones around them come a frame later.
 */
const FIRST_OVERSCAN = 1;

/**
 * The scroller's size as the virtualizer sees it. A box not laid out yet (hidden, or
 * read before layout) counts as the window's height rather than none: the virtualizer
 * would render no exchange at all for a height of 0.
 */
function observeRect(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: Rect) => void) {
  return observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : { width: rect.width, height: window.innerHeight }));
}

/** Scrolls to the very bottom (a plain write: never an animated scroll to catch up with). */
function pinToBottom(el: HTMLElement) {
  const top = el.scrollHeight - el.clientHeight;
  if (Math.abs(el.scrollTop - top) <= 0.5) return;
  if (typeof el.scrollTo === "function") el.scrollTo({ top });
  else el.scrollTop = top;
}

/** A first guess of an exchange's height, before it is measured: its text's length. */
function estimateHeight(entry: ChatEntry | undefined): number {
  if (!entry) return 160;
  let chars = 0;
  for (const part of entry.parts) if (part.kind === "text") chars += part.text.length;
  const questionLines = Math.ceil(entry.request.message.length / 80);
  const answerLines = Math.ceil(chars / 90);
  return 110 + 20 * Math.min(questionLines, 40) + 22 * Math.min(answerLines, 400);
}

/**
 * The conversation, oldest first, virtualized: only the exchanges in and near the view
 * are in the DOM, each measured once shown. The view starts at the latest message and
 * follows the answer while the user is there; scrolled up, it stays where the user
 * reads (also when earlier messages are put above) and offers "Jump to latest". A
 * message the user sends brings it back to the bottom.
 * Screen readers hear the chat through one polite announcer, not the growing list.
 */
export function ChatView({
  entries,
  agents,
  actions,
  canContinue = true,
  canGiveFeedback = true,
  top,
  empty,
  onNearTop,
  focusHandle,
}: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const header = useRef<HTMLDivElement>(null);
  // Read through a ref, so the virtualizer's callbacks stay the same functions while
  // the answer streams (new functions would make it recompute every position) and
  // always see the entries of this render (a prepend is recognized by its keys).
  const current = useRef(entries);
  current.current = entries;
  const getItemKey = useCallback((index: number) => current.current[index]?.handle ?? index, []);
  const estimateSize = useCallback((index: number) => estimateHeight(current.current[index]), []);
  const getScrollElement = useCallback(() => scroller.current, []);
  // Where the list starts in the scrolled content: under the notices and the button.
  const [listTop, setListTop] = useState(0);
  const [overscan, setOverscan] = useState(FIRST_OVERSCAN);
  useEffect(() => {
    const frame = requestAnimationFrame(() => setOverscan(OVERSCAN));
    return () => cancelAnimationFrame(frame);
  }, []);

  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement,
    observeElementRect: observeRect,
    estimateSize,
    getItemKey,
    overscan,
    // The first render already shows the latest exchanges (the offset is clamped to the
    // end), before the scroller has been measured or scrolled.
    initialRect: { width: 0, height: window.innerHeight },
    initialOffset: Number.MAX_SAFE_INTEGER,
    gap: GAP,
    paddingEnd: END_PADDING,
    scrollMargin: listTop,
    // A chat: earlier messages put above keep the one being read in place, and an
    // answer growing at the bottom keeps the view pinned there while it is.
    anchorTo: "end",
    scrollEndThreshold: FOLLOW_SLACK,
  });
  const items = virtualizer.getVirtualItems();

  // The header's height changes (a notice, the button going away): the list moves.
  const hasList = entries.length > 0;
  const measuredTop = useRef<number | null>(null);
  useLayoutEffect(() => {
    const measure = () => {
      if (!list.current) return;
      const top = list.current.offsetTop;
      const before = measuredTop.current;
      measuredTop.current = top;
      setListTop(top);
      // The messages moved with the header (the last earlier page came and its button
      // went): move the view with them, so that what is being read stays in place.
      const el = scroller.current;
      if (el && before !== null && top !== before && el.scrollTop > 0) el.scrollTop += top - before;
    };
    measure();
    const el = header.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasList]);

  // Whether the view follows the latest message. Owned here rather than left to the
  // virtualizer's end anchoring alone: an answer can grow by more than a screen between
  // two frames on a busy machine, and following must not be lost to that, only to the
  // user scrolling up. A new last exchange (the user sent a message, or asked for the
  // answer again) brings the view back to the bottom, even from higher up.
  const following = useRef(true);
  const [atEnd, setAtEnd] = useState(true);
  const lastTop = useRef(0);
  const lastHandle = entries[entries.length - 1]?.handle;
  useLayoutEffect(() => {
    following.current = true;
    setAtEnd(true);
  }, [lastHandle]);
  // After every render (the answer grew, an exchange was measured): back to the bottom.
  useLayoutEffect(() => {
    if (following.current && scroller.current) pinToBottom(scroller.current);
  });

  // An exchange asked for from elsewhere: once loaded, to the middle, marked a while.
  const focusIndex = focusHandle === undefined ? -1 : entries.findIndex((e) => e.handle === focusHandle);
  const focusedFor = useRef<string | null>(null);
  const [marked, setMarked] = useState<string | null>(null);
  useLayoutEffect(() => {
    if (focusHandle === undefined) {
      focusedFor.current = null;
      return;
    }
    if (focusIndex < 0 || focusedFor.current === focusHandle) return;
    focusedFor.current = focusHandle;
    following.current = false;
    virtualizer.scrollToIndex(focusIndex, { align: "center" });
    setMarked(focusHandle);
  }, [focusHandle, focusIndex, virtualizer]);
  useEffect(() => {
    if (marked === null) return;
    const timer = setTimeout(() => setMarked(null), FOCUS_MS);
    return () => clearTimeout(timer);
  }, [marked]);

  // The rows are the exchanges' own <li>s (the list keeps its list semantics): tell the
  // virtualizer which index each one is, have it measure the new ones (it then watches
  // their size), and mark the one asked for.
  const measured = useRef(new WeakSet<Element>());
  useLayoutEffect(() => {
    const rows = list.current?.children;
    if (!rows) return;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as HTMLElement;
      const item = items[i];
      if (!item) continue;
      const index = String(item.index);
      if (row.dataset.index !== index) row.dataset.index = index;
      if (!measured.current.has(row)) {
        measured.current.add(row);
        virtualizer.measureElement(row);
      }
      const focused = marked !== null && row.dataset.handle === marked;
      if (focused) row.dataset.focused = "true";
      else if (row.dataset.focused !== undefined) delete row.dataset.focused;
    }
  });

  // At the bottom, the view follows; moving up from elsewhere than the bottom is the user
  // leaving it (the answer growing moves nothing up). Near the top, earlier messages load.
  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const top = el.scrollTop;
    if (el.scrollHeight - top - el.clientHeight <= FOLLOW_SLACK) following.current = true;
    else if (top < lastTop.current) following.current = false;
    lastTop.current = top;
    setAtEnd(following.current);
    if (top <= NEAR_TOP) onNearTop?.();
  }, [onNearTop]);
  // The content may grow without a render (a code block highlighted, a table laid out).
  useEffect(() => {
    const el = list.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (following.current && scroller.current) pinToBottom(scroller.current);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasList]);

  function jumpToLatest() {
    following.current = true;
    if (scroller.current) pinToBottom(scroller.current);
    setAtEnd(true);
    // The button goes away: the keyboard stays in the chat rather than on the page.
    scroller.current?.focus({ preventScroll: true });
  }

  const names = useMemo(() => new Map(agents.map((a) => [a.id, a.name])), [agents]);
  const nameOf = useCallback((agentId: string) => names.get(agentId) ?? agentId, [names]);
  const announcement = useChatAnnouncement(entries, nameOf);

  const first = items[0];
  const last = items[items.length - 1];
  const before = first ? first.start - listTop : 0;
  const after = last ? virtualizer.getTotalSize() - (last.end - listTop) : 0;

  return (
    <div className="chat-view">
      <ChatAnnouncer text={announcement} />
      {/* Focusable, so that the keyboard can scroll the chat. */}
      <div
        className="chat-scroll"
        ref={scroller}
        onScroll={onScroll}
        tabIndex={0}
        role="region"
        aria-label={words.messagesLabel}
        data-testid="chat-scroll"
      >
        <div className="chat-top" ref={header}>
          {top}
        </div>
        {entries.length === 0 ? (
          (empty ?? (
            <div className="chat-empty" data-testid="chat-empty">
              <p className="chat-empty-title">No messages yet</p>
              <p>Pick an agent above and write your first message below.</p>
            </div>
          ))
        ) : (
          <ol
            className="chat-list"
            data-testid="chat-list"
            ref={list}
            style={{ paddingTop: before, paddingBottom: Math.max(0, after) }}
          >
            {items.map((item) => {
              const entry = entries[item.index]!;
              return (
                <Exchange
                  key={entry.handle}
                  entry={entry}
                  agentName={nameOf(entry.request.agentId)}
                  actions={actions}
                  canContinue={canContinue}
                  canGiveFeedback={canGiveFeedback}
                />
              );
            })}
          </ol>
        )}
      </div>
      {!atEnd && entries.length > 0 && (
        <button type="button" className="button jump-to-latest" data-testid="jump-to-latest" onClick={jumpToLatest}>
          <span aria-hidden="true">↓</span> {words.jumpToLatest}
        </button>
      )}
    </div>
  );
}

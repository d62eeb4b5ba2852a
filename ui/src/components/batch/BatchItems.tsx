import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type Ref } from "react";
import type { Part } from "../../bindings";
import { formatCost, formatTokens } from "../../format";
import { messages } from "../../messages";
import type { BatchItemView } from "../../bindings";
import { PartList } from "../parts";

const words = messages.batch.run;

/** A collapsed item is one line. */
const ROW_HEIGHT = 36;
/** An open item's first guess; it is measured once shown. */
const OPEN_ESTIMATE = 220;

/** An item's answer as the parts of a chat answer: its text and its structured output. */
function partsOf(item: BatchItemView): Part[] {
  const parts: Part[] = [];
  if (item.outputText !== null && item.outputText !== "") parts.push({ kind: "text", text: item.outputText });
  if (item.parsedOutput !== null) parts.push({ kind: "structuredOutput", json: item.parsedOutput, source: "parsedOutput" });
  return parts;
}

function ItemDetail({ item, id }: { item: BatchItemView; id: string }) {
  const parts = useMemo(() => partsOf(item), [item]);
  let body;
  switch (item.status) {
    case "queued":
    case "running":
      body = <p className="part-muted">{words.waiting}</p>;
      break;
    case "cancelled":
      body = <p className="part-muted">{words.cancelledItem}</p>;
      break;
    case "failed":
      body = (
        <p className="batch-item-error" data-testid="batch-item-error">
          {item.error ? words.itemError(item.error) : words.itemStatus.failed}
        </p>
      );
      break;
    case "done":
      body = parts.length > 0 ? <PartList parts={parts} running={false} /> : <p className="part-muted">{words.noOutput}</p>;
      break;
  }
  return (
    <div id={id} className="batch-item-detail" data-testid="batch-item-detail">
      {body}
      {item.status === "failed" && parts.length > 0 && <PartList parts={parts} running={false} />}
      {(item.usage || item.costMicrodollars !== null) && (
        <p className="usage-line" data-testid="batch-item-usage">
          {item.usage ? formatTokens(item.usage, item.costMicrodollars) : words.cost(formatCost(item.costMicrodollars ?? 0))}
        </p>
      )}
    </div>
  );
}

const Item = memo(function Item({
  item,
  index,
  start,
  open,
  onToggle,
  measure,
}: {
  item: BatchItemView;
  index: number;
  start: number;
  open: boolean;
  onToggle: (position: number) => void;
  measure: Ref<HTMLDivElement> | undefined;
}) {
  const detailId = `batch-item-detail-${item.position}`;
  return (
    <div
      ref={measure}
      role="listitem"
      className={`batch-item status-${item.status}${open ? " open" : ""}`}
      data-testid="batch-item"
      data-status={item.status}
      data-position={item.position}
      data-index={index}
      style={{ transform: `translateY(${start}px)`, minHeight: ROW_HEIGHT }}
    >
      <button
        type="button"
        className="batch-grid batch-item-summary"
        aria-expanded={open}
        aria-controls={open ? detailId : undefined}
        style={{ height: ROW_HEIGHT }}
        onClick={() => onToggle(item.position)}
      >
        <span className="batch-cell-key" title={item.key}>
          {item.key}
        </span>
        <span className="batch-cell-message" title={item.message}>
          {item.message}
        </span>
        <span className="batch-cell-state" data-testid="batch-item-state">
          <span className={`batch-dot status-${item.status}`} aria-hidden="true" />
          {words.itemStatus[item.status]}
        </span>
      </button>
      {open && <ItemDetail item={item} id={detailId} />}
    </div>
  );
});

/**
 * A run's items as a live list; an item opens (click, Enter or Space) to show its
 * answer or its error; Up and Down move between items. Virtualized: only the items in view are in the DOM; an open
 * item is measured, the others are one line.
 */
export function BatchItems({ items }: { items: readonly BatchItemView[] }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set());
  const scroll = useRef<HTMLDivElement>(null);
  const toggle = useCallback((position: number) => {
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(position)) next.add(position);
      return next;
    });
  }, []);
  // Stable while only items' states change (a running batch changes them many times a
  // second): new functions would make the virtualizer re-measure every item each time.
  // Positions never change within a run, and sizes depend only on which are open.
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const isOpen = useCallback((index: number) => open.has(itemsRef.current[index]?.position ?? -1), [open]);
  const estimateSize = useCallback((index: number) => (isOpen(index) ? OPEN_ESTIMATE : ROW_HEIGHT), [isOpen]);
  // An item's size is remembered by key: an open one gets a key of its own, so
  // closing it goes back to one line.
  const getItemKey = useCallback(
    (index: number) => `${isOpen(index) ? "open" : "row"}-${itemsRef.current[index]?.position ?? index}`,
    [isOpen],
  );
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroll.current,
    estimateSize,
    getItemKey,
    overscan: 10,
  });

  // Up and Down move between items, bringing the next one into the DOM first.
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  useEffect(() => {
    if (focusIndex === null) return;
    const button = scroll.current?.querySelector<HTMLElement>(`[data-index="${focusIndex}"] > button`);
    if (button) {
      button.focus();
      setFocusIndex(null);
    }
  });
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const row = (e.target as HTMLElement).closest<HTMLElement>("[data-index]");
    if (!row) return;
    const next = Number(row.dataset.index) + (e.key === "ArrowDown" ? 1 : -1);
    if (next < 0 || next >= items.length) return;
    e.preventDefault();
    virtualizer.scrollToIndex(next);
    setFocusIndex(next);
  }

  return (
    <div className="batch-items">
      <div className="batch-grid batch-table-head" aria-hidden="true">
        <span>{words.key}</span>
        <span>{words.message}</span>
        <span>{words.state}</span>
      </div>
      {/* The list scrolls; it takes the focus so the keyboard can scroll it too. */}
      <div
        ref={scroll}
        role="list"
        aria-label={words.items}
        className="batch-table-scroll batch-items-scroll"
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div role="none" className="batch-table-rows" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const item = items[v.index]!;
            const itemOpen = open.has(item.position);
            return (
              <Item
                key={item.position}
                item={item}
                index={v.index}
                start={v.start}
                open={itemOpen}
                onToggle={toggle}
                measure={itemOpen ? virtualizer.measureElement : undefined}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

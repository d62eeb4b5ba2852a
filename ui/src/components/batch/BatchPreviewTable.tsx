import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useId, useMemo, useRef, useState } from "react";
import { formatCount } from "../../format";
import { messages } from "../../messages";
import type { BatchRow, BatchRowFlag } from "../../bindings";

const words = messages.batch.preview;

/** Every row has one line: a fixed height keeps 10,000+ rows cheap to lay out. */
const ROW_HEIGHT = 34;

export function describeFlag(flag: BatchRowFlag): string {
  switch (flag.code) {
    case "duplicateKey":
      return words.flags.duplicateKey(formatCount(flag.firstLine));
    case "emptyKey":
      return words.flags.emptyKey;
    case "emptyMessage":
      return words.flags.emptyMessage;
    case "tooLong":
      return words.flags.tooLong(formatCount(flag.length), formatCount(flag.limit));
  }
}

const Row = memo(function Row({ row, index, start }: { row: BatchRow; index: number; start: number }) {
  const flagged = row.flags.length > 0;
  return (
    <div
      role="row"
      className={`batch-grid batch-preview-row${flagged ? " flagged" : ""}`}
      data-testid="batch-row"
      data-flagged={flagged ? "true" : "false"}
      aria-rowindex={index + 2}
      style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)` }}
    >
      <span role="cell" className="batch-cell-line">
        {row.line}
      </span>
      <span role="cell" className="batch-cell-key" title={row.key}>
        {row.key}
      </span>
      <span role="cell" className="batch-cell-message" title={row.message}>
        {row.message}
      </span>
      <span role="cell" className="batch-cell-problem" data-testid={flagged ? "batch-row-flag" : undefined}>
        {row.flags.map(describeFlag).join(" · ")}
      </span>
    </div>
  );
});

/**
 * The parsed rows, flagged ones highlighted with their reason, with a filter to show
 * only those. Virtualized: only the rows in view (and a few around) are in the DOM.
 */
export function BatchPreviewTable({ rows, flagged }: { rows: readonly BatchRow[]; flagged: number }) {
  const [onlyFlagged, setOnlyFlagged] = useState(false);
  const shown = useMemo(() => (onlyFlagged ? rows.filter((r) => r.flags.length > 0) : rows), [rows, onlyFlagged]);
  const scroll = useRef<HTMLDivElement>(null);
  const id = useId();
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroll.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  return (
    <section className="batch-preview" data-testid="batch-preview" aria-labelledby={`${id}-title`}>
      <div className="batch-preview-head">
        <h3 id={`${id}-title`}>{words.label}</h3>
        <span className="batch-row-count" data-testid="batch-row-count">
          {words.rows(rows.length, formatCount(rows.length))}
          {flagged > 0 && (
            <span className="batch-flagged-count">
              {" · "}
              {words.flagged(flagged, formatCount(flagged))}
            </span>
          )}
        </span>
        <label className="form-check batch-only-flagged">
          <input
            type="checkbox"
            data-testid="batch-only-flagged"
            checked={onlyFlagged}
            onChange={(e) => setOnlyFlagged(e.target.checked)}
          />
          <span>{words.onlyFlagged}</span>
        </label>
      </div>
      {shown.length === 0 && <p className="batch-table-empty">{onlyFlagged ? words.noFlagged : words.none}</p>}
      <div
        role="table"
        className="batch-table"
        hidden={shown.length === 0}
        aria-labelledby={`${id}-title`}
        aria-rowcount={shown.length + 1}
      >
        <div role="rowgroup" className="batch-table-head">
          <div role="row" className="batch-grid" aria-rowindex={1}>
            <span role="columnheader">{words.line}</span>
            <span role="columnheader">{words.key}</span>
            <span role="columnheader">{words.message}</span>
            <span role="columnheader">{words.problem}</span>
          </div>
        </div>
        {/* The rows scroll; they take the focus so the keyboard can scroll them. */}
        <div ref={scroll} className="batch-table-scroll batch-preview-scroll" tabIndex={0} role="rowgroup">
          <div role="none" className="batch-table-rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((v) => (
              <Row key={v.key} row={shown[v.index]!} index={v.index} start={v.start} />
            ))}
          </div>
        </div>
      </div>
    </section>
  );
}

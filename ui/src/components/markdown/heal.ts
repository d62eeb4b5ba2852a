// Healing the growing end of a streamed answer, so that half-written markdown renders
// as what it is becoming instead of flashing raw syntax.
//
// `remend` (the healer of streamdown) closes unfinished emphasis, inline code,
// strikethrough and block math, shows an unfinished link as its text, drops an
// unfinished image and guards against a lone `-`/`=` turning the line above into a
// heading. An open code fence needs nothing: CommonMark renders it as a code block up
// to the end. What `remend` leaves alone is a table whose delimiter row has not arrived
// (`| a | b |` alone is a paragraph): `healTable` adds the delimiter row, so the header
// shows as a table header from its first line on.

import remend, { isWithinCodeBlock, isWithinMathBlock, type RemendHandler } from "remend";

const FENCE_OR_INDENTED_CODE = /^(?: {0,3}(?:```|~~~)| {4}|\t)/;
/** A table row as it starts while streaming: a pipe first, then at least one cell. */
const ROW_START = /^ {0,3}\|/;
/** A delimiter row, finished or not (`|`, `|--`, `| --- | :-`). */
const PARTIAL_DELIMITER = /^ {0,3}\|[\s|:-]*$/;

/** The cells of a table row (outer pipes ignored, escaped pipes kept). */
function cellCount(row: string): number {
  const inner = row.trim().replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
  if (inner.trim() === "") return 0;
  return inner.split(/(?<!\\)\|/).length;
}

function delimiterRow(cells: number): string {
  return `|${" --- |".repeat(cells)}`;
}

/** A half-written delimiter row completed to `cells` cells, keeping the alignment typed so far. */
function completeDelimiterRow(typed: string, cells: number): string | null {
  const inner = typed.trim().replace(/^\|/, "").replace(/\|$/, "");
  const parts = inner === "" ? [] : inner.split("|");
  if (parts.length > cells) return null;
  const done = parts.map((part) => {
    const cell = part.trim();
    if (/^:?-+:?$/.test(cell)) return cell;
    return cell.startsWith(":") ? ":-" : "---";
  });
  while (done.length < cells) done.push("---");
  return `| ${done.join(" | ")} |`;
}

/**
 * Adds or completes the delimiter row of a table whose header row is the last line (or
 * the last line but one, followed by a half-written delimiter row) of the block.
 */
export function healTable(block: string): string {
  if (FENCE_OR_INDENTED_CODE.test(block)) return block;
  const body = block.replace(/\n+$/, "");
  const lines = body.split("\n");
  const last = lines[lines.length - 1];
  const header = lines.length >= 2 ? lines[lines.length - 2] : null;
  const tableStartsAt = (index: number) => index === 0 || lines[index - 1].trim() === "";

  if (header !== null && ROW_START.test(header) && PARTIAL_DELIMITER.test(last) && tableStartsAt(lines.length - 2)) {
    const cells = cellCount(header);
    const delimiter = cells === 0 ? null : completeDelimiterRow(last, cells);
    if (delimiter === null) return block;
    lines[lines.length - 1] = delimiter;
    return lines.join("\n");
  }
  if (ROW_START.test(last) && !PARTIAL_DELIMITER.test(last) && tableStartsAt(lines.length - 1)) {
    const cells = cellCount(last);
    if (cells === 0) return block;
    return `${body}\n${delimiterRow(cells)}`;
  }
  return block;
}

/** An emphasis, strikethrough or code marker at the very end with nothing after it yet. */
const BARE_MARKER_AT_END = /(^|[\s([{])(?:\*{1,3}|_{1,3}|~{1,2}|`{1,2})$/;

/**
 * `remend` closes a marker once text follows it (`**b` → `**b**`) but leaves a bare
 * one (`see **`), which would show as stars for a moment: it is held back instead.
 */
const bareMarker: RemendHandler = {
  name: "athena-bare-marker",
  priority: 90,
  handle: (text) => {
    const match = BARE_MARKER_AT_END.exec(text);
    if (!match || isWithinCodeBlock(text, text.length - 1) || isWithinMathBlock(text, text.length - 1)) return text;
    return text.slice(0, match.index + match[1].length);
  },
};

/** The last block of an answer that is still streaming, made renderable. */
export function healStreamingBlock(block: string): string {
  const healed = remend(block, {
    // An unfinished link shows as its text, not as a link to a placeholder address.
    linkMode: "text-only",
    // A single `$` is far more often money than math.
    inlineKatex: false,
    handlers: [bareMarker],
  });
  return healTable(healed);
}

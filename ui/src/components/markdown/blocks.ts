// Splitting an answer into top-level blocks, so that a growing answer re-renders only
// its end.
//
// The split is marked's block lexer (`Lexer.lex`, as streamdown does); each top-level
// token is a block, blank lines stay with the block before them, and block math
// (`$$` fences, which marked does not know) is kept whole even across blank lines.
// Reference definitions (`[id]: https://…`) and footnote definitions (`[^1]: …`) are
// collected, and a block that uses `[text][id]` or `[^1]` is given the definitions it
// uses, wherever in the answer they are (see `MarkdownBlock`).
//
// `BlockSplitter` is incremental for an answer that only grows: everything before the
// last two blocks is kept as it was and only the rest is lexed again (the last block can
// still change, and can join the one before it, e.g. a list whose next item arrives
// after a blank line). So a new delta costs the length of the last blocks, not of the
// whole answer.

import { Lexer, type Token, type Tokens } from "marked";

interface Definition {
  /** The label as markdown matches it (case and spacing folded). */
  label: string;
  /** The definition as written. */
  raw: string;
}

interface Block {
  source: string;
  /** Offset of the block in the (normalised) answer. */
  start: number;
  /** The reference definitions this block holds. */
  definitions: Definition[];
  /** Every `[label]` in the block, folded: the references it may use. */
  labels: Set<string>;
}

export interface Split {
  /** The blocks; joined they are the answer (line endings normalised to `\n`). */
  blocks: string[];
  /** For each block, the definitions (held by any block) that it uses, one a line. */
  definitions: string[];
}

/** A `$$` fence opening display math: `$$` first on the line, no other `$` after it. */
const MATH_OPENING = /^ {0,3}\$\$[^$]*$/;
const MATH_CLOSING = /^ {0,3}\$\$\s*$/;
/** Footnote definitions (`[^1]: text`); a block that starts with one holds them. */
const FOOTNOTE_DEFINITION = /^ {0,3}\[(\^[^\]\s]+)\]:/gm;
const BRACKETED = /\[([^[\]]{1,999})\]/g;
/** Indented code first: a footnote put before it would swallow it as its own content. */
const INDENTED_START = /^(?: {4}|\t)/;

function foldLabel(label: string): string {
  return label.trim().replace(/\s+/g, " ").toLowerCase();
}

function labelsIn(source: string): Set<string> {
  const labels = new Set<string>();
  if (!source.includes("]")) return labels;
  for (const match of source.matchAll(BRACKETED)) labels.add(foldLabel(match[1]));
  return labels;
}

/** A block of footnote definitions is given whole to the blocks that refer to them. */
function addFootnoteDefinitions(block: Block): void {
  if (!block.source.trimStart().startsWith("[^")) return;
  for (const match of block.source.matchAll(FOOTNOTE_DEFINITION)) {
    block.definitions.push({ label: foldLabel(match[1]), raw: block.source.trim() });
  }
}

function mathOpenAfter(raw: string, open: boolean): boolean {
  for (const line of raw.split("\n")) {
    if (open) {
      if (MATH_CLOSING.test(line)) open = false;
    } else if (MATH_OPENING.test(line)) {
      open = true;
    }
  }
  return open;
}

function group(tokens: Token[], text: string, offset: number): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  let mathOpen = false;
  let position = offset;
  for (const token of tokens) {
    if (current === null || (token.type !== "space" && !mathOpen)) {
      current = { source: "", start: position, definitions: [], labels: new Set() };
      blocks.push(current);
    }
    // The text itself, not `token.raw`: marked may rewrite a token a little (a list
    // marker's trailing space), only its length is trusted.
    const raw = text.slice(position - offset, position - offset + token.raw.length);
    current.source += raw;
    position += raw.length;
    if (token.type === "def") {
      const label = foldLabel((token as Tokens.Def).tag);
      if (!label.startsWith("^")) current.definitions.push({ label, raw: raw.trim() });
    }
    // `$$` inside a code block is code, unless the code block is itself inside math.
    if (mathOpen || token.type !== "code") mathOpen = mathOpenAfter(raw, mathOpen);
  }
  if (position - offset !== text.length) {
    // The tokens do not add up to the text (a lexer change): keep the text whole.
    return [{ source: text, start: offset, definitions: [], labels: labelsIn(text) }];
  }
  for (const block of blocks) {
    block.labels = labelsIn(block.source);
    addFootnoteDefinitions(block);
  }
  return blocks;
}

function lex(text: string, offset: number): Block[] {
  if (text === "") return [];
  return group(Lexer.lex(text, { gfm: true }), text, offset);
}

/** Line endings as marked and micromark see them. */
export function normaliseLineEndings(source: string): string {
  return source.includes("\r") ? source.replace(/\r\n?/g, "\n") : source;
}

/** Every definition of the answer by label (the first one wins, as in markdown). */
function definitionsByLabel(blocks: Block[]): Map<string, string> {
  const byLabel = new Map<string, string>();
  for (const block of blocks) {
    for (const definition of block.definitions) {
      if (!byLabel.has(definition.label)) byLabel.set(definition.label, definition.raw);
    }
  }
  return byLabel;
}

/** The definitions a block uses and does not hold itself. */
function definitionsFor(block: Block, byLabel: Map<string, string>): string {
  if (byLabel.size === 0 || block.labels.size === 0) return "";
  const used = new Set<string>();
  for (const [label, raw] of byLabel) {
    if (!block.labels.has(label) || block.definitions.some((own) => own.label === label)) continue;
    if (label.startsWith("^") && INDENTED_START.test(block.source)) continue;
    used.add(raw);
  }
  // A blank line after each: a footnote's text must end before the next one starts.
  return Array.from(used).join("\n\n");
}

/** Splits a whole answer at once. */
export function splitBlocks(source: string): Split {
  const blocks = lex(normaliseLineEndings(source), 0);
  const byLabel = definitionsByLabel(blocks);
  return {
    blocks: blocks.map((block) => block.source),
    definitions: blocks.map((block) => definitionsFor(block, byLabel)),
  };
}

/** Splits an answer that grows, re-lexing only its end. */
export class BlockSplitter {
  private source = "";
  private blocks: Block[] = [];
  private definitionsKey = "";
  private split_: Split = { blocks: [], definitions: [] };

  split(next: string): Split {
    const source = normaliseLineEndings(next);
    let kept = 0;
    if (this.blocks.length > 2 && source.startsWith(this.source)) kept = this.blocks.length - 2;
    const from = kept > 0 ? this.blocks[kept].start : 0;
    const blocks = this.blocks.slice(0, kept).concat(lex(source.slice(from), from));

    // Definitions are few and rarely change: the kept blocks' share is recomputed only
    // when they do.
    const byLabel = definitionsByLabel(blocks);
    const definitionsKey = Array.from(byLabel.values()).join("\n");
    const reuse = definitionsKey === this.definitionsKey ? kept : 0;
    const definitions = this.split_.definitions.slice(0, reuse);
    for (let index = reuse; index < blocks.length; index++) definitions.push(definitionsFor(blocks[index], byLabel));

    this.source = source;
    this.blocks = blocks;
    this.definitionsKey = definitionsKey;
    this.split_ = { blocks: blocks.map((block) => block.source), definitions };
    return this.split_;
  }
}

// An agent's answer (model output: untrusted) rendered as Markdown, while it streams.
//
// Security: model text never becomes HTML. react-markdown builds React elements from
// the markdown syntax tree; raw HTML in the answer is shown as text (`skipHtml` off,
// no `rehype-raw`); every address goes through `urlTransform` (http, https, mailto and
// same-page fragments only); `rehypeHarden` removes any element that could act and any
// `on*` attribute; KaTeX runs with `trust: false`; links open only through the backend
// and images never load (see links.tsx).
//
// Performance: the answer is split into top-level blocks (blocks.ts); each block is a
// memoised component keyed by its index whose props are strings, so a new delta
// re-parses only the block it changed (the last one), whatever the answer's length.
// While streaming, the last block is healed first (heal.ts).

import { memo, useMemo, useRef, type ReactNode } from "react";
import ReactMarkdown, { type Components, type Options } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import "katex/dist/katex.min.css";
import type { FootnoteDefinition, FootnoteReference } from "mdast";
import { BlockSplitter } from "./blocks";
import { streamingPieces } from "./chunks";
import { CodeBlock } from "./CodeBlock";
import { rehypeHarden } from "./harden";
import { healStreamingBlock } from "./heal";
import { MarkdownImage, MarkdownLink } from "./links";
import { urlTransform } from "./urls";
import "./markdown.css";

/** KaTeX: no `\href`, `\url`, `\includegraphics`, `\html…`; errors shown, never thrown. */
const katexOptions = {
  trust: false,
  strict: "error",
  throwOnError: false,
  output: "htmlAndMathml",
  maxSize: 20, // em: no rule or box large enough to cover the window
  maxExpand: 1000,
} as const;

const highlightOptions = {
  detect: false, // guessing the language of every streamed delta costs too much
  plainText: ["text", "txt", "plain", "plaintext"],
};

function TaskCheckbox({ checked }: { checked?: boolean }) {
  return <input type="checkbox" checked={Boolean(checked)} disabled readOnly />;
}

function Table({ children }: { children?: ReactNode }) {
  return (
    <div className="md-table-scroll">
      <table>{children}</table>
    </div>
  );
}

type Handlers = NonNullable<NonNullable<Options["remarkRehypeOptions"]>["handlers"]>;

/**
 * Footnotes stay where they are written: a reference is its label in superscript and a
 * definition is a note with its label. (The default moves definitions to the end of
 * the document and links to them; with an answer split into blocks, a definition
 * usually sits in another block than its reference.) A block is given the definitions
 * it refers to before its own text (`borrowedUpTo` characters): those are not shown
 * again there.
 */
function footnoteHandlers(borrowedUpTo: number): Handlers {
  return {
    footnoteReference: (_state, node: FootnoteReference) => ({
      type: "element",
      tagName: "sup",
      properties: { className: ["md-footnote-ref"] },
      children: [{ type: "text", value: `[${node.label ?? node.identifier}]` }],
    }),
    footnoteDefinition: (state, node: FootnoteDefinition) => {
      if ((node.position?.start.offset ?? 0) < borrowedUpTo) return undefined;
      return {
        type: "element",
        tagName: "div",
        properties: { className: ["md-footnote"] },
        children: [
          {
            type: "element",
            tagName: "span",
            properties: { className: ["md-footnote-label"] },
            children: [{ type: "text", value: `[${node.label ?? node.identifier}]` }],
          },
          ...state.all(node),
        ],
      };
    },
  };
}

const components: Components = {
  a: MarkdownLink,
  img: MarkdownImage,
  pre: CodeBlock,
  input: ({ type, checked }) => (type === "checkbox" ? <TaskCheckbox checked={checked} /> : null),
  table: ({ children }) => <Table>{children}</Table>,
};

function optionsFor(borrowedUpTo: number): Omit<Options, "children"> {
  return {
    remarkPlugins: [remarkGfm, remarkMath],
    remarkRehypeOptions: { handlers: footnoteHandlers(borrowedUpTo) },
    rehypePlugins: [[rehypeKatex, katexOptions], [rehypeHighlight, highlightOptions], rehypeHarden],
    components,
    skipHtml: false, // raw HTML is shown as text, never parsed (no rehype-raw)
    urlTransform,
  };
}

const plainOptions = optionsFor(0);

/**
 * One top-level block; re-renders (and re-parses) only when its strings change.
 * `definitions` are the link and footnote definitions it uses from other blocks.
 */
const MarkdownBlock = memo(function MarkdownBlock({ source, definitions }: { source: string; definitions: string }) {
  // Definitions go first, so an open construct at the end of the block (a code fence,
  // a table) cannot swallow them.
  const prefix = definitions ? `${definitions}\n\n` : "";
  const options = useMemo(() => (prefix ? optionsFor(prefix.length) : plainOptions), [prefix]);
  return <ReactMarkdown {...options}>{prefix + source}</ReactMarkdown>;
});

export interface MarkdownProps {
  /** The answer so far (untrusted model output). */
  source: string;
  /** True while more of the answer may arrive: the unfinished end is healed. */
  streaming: boolean;
}

export function Markdown({ source, streaming }: MarkdownProps) {
  const splitter = useRef<BlockSplitter | null>(null);
  splitter.current ??= new BlockSplitter();
  const split = useMemo(() => splitter.current!.split(source), [source]);
  const last = split.blocks.length - 1;

  return (
    <div className="md-root" data-streaming={streaming || undefined}>
      {split.blocks.map((block, index) => {
        const definitions = split.definitions[index] ?? "";
        if (!streaming || index !== last) return <MarkdownBlock key={index} source={block} definitions={definitions} />;
        const pieces = streamingPieces(block);
        if (pieces.length === 1) return <MarkdownBlock key={index} source={healStreamingBlock(block)} definitions={definitions} />;
        // A long paragraph still growing: earlier pieces keep their strings (and so
        // their rendering); only the last is parsed and laid out again.
        return (
          <div key={index} className="md-pieces">
            {pieces.map((piece, p) => (
              <MarkdownBlock
                key={p}
                source={p === pieces.length - 1 ? healStreamingBlock(piece) : piece}
                definitions={definitions}
              />
            ))}
          </div>
        );
      })}
    </div>
  );
}

// A fenced code block: a header bar with the language and a Copy button, then the code
// as highlighted by rehype-highlight (hast nodes, rendered by React).

import type { ComponentProps } from "react";
import type { ExtraProps } from "react-markdown";
import type { Element } from "hast";
import { messages } from "../../messages";
import { textOf } from "./harden";
import { useCopy } from "../useCopy";

const LANGUAGE_CLASS = /^language-(.+)$/;

function codeElement(pre: Element | undefined): Element | undefined {
  return pre?.children.find((child): child is Element => child.type === "element" && child.tagName === "code");
}

function languageOf(code: Element | undefined): string | null {
  const classes = code?.properties.className;
  if (!Array.isArray(classes)) return null;
  for (const name of classes) {
    const match = LANGUAGE_CLASS.exec(String(name));
    if (match) return match[1].slice(0, 40);
  }
  return null;
}

export function CopyButton({ text, language }: { text: string; language: string | null }) {
  const { state, copy } = useCopy(text);
  const label =
    state === "copied" ? messages.markdown.copied : state === "failed" ? messages.markdown.copyFailed : messages.markdown.copy;
  return (
    <button
      type="button"
      className="md-code-copy"
      data-state={state}
      aria-label={state === "idle" ? messages.markdown.copyCode(language) : label}
      onClick={() => void copy()}
    >
      <span aria-live="polite">{label}</span>
    </button>
  );
}

export function CodeBlock({ node, children }: ComponentProps<"pre"> & ExtraProps) {
  const code = codeElement(node);
  const language = languageOf(code);
  // The source as written: the text of the highlighted spans, without the line end
  // that markdown adds after the last line.
  const text = code ? textOf(code).replace(/\n$/, "") : "";
  return (
    <div className="md-code" data-testid="md-code">
      <div className="md-code-header">
        <span className="md-code-language">{language ?? messages.markdown.code}</span>
        <CopyButton text={text} language={language} />
      </div>
      <pre className="md-code-body">{children}</pre>
    </div>
  );
}

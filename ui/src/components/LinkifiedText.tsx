import { createContext, useContext, useState } from "react";
import type { AppError } from "../bindings";
import { describeError } from "../errors";
import type { Result } from "../result";

/** Opens a link through the backend (which checks it and asks the user first). */
export type OpenLink = (url: string) => Promise<Result<boolean, AppError>>;

export const OpenLinkContext = createContext<OpenLink | null>(null);

// http(s) addresses up to the next whitespace; trailing punctuation is left outside.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'’”]/gi;

export type Segment = { kind: "text"; text: string } | { kind: "link"; url: string };

/** Splits model output into plain text and web addresses. Pure, for tests. */
export function splitLinks(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    if (start > last) segments.push({ kind: "text", text: text.slice(last, start) });
    segments.push({ kind: "link", url: match[0] });
    last = start + match[0].length;
  }
  if (last < text.length) segments.push({ kind: "text", text: text.slice(last) });
  return segments;
}

/**
 * Model output as text, with web addresses made clickable. A click never navigates
 * the window: it asks the backend, which shows the whole address in a native dialog
 * and opens the system browser only on yes.
 */
export function LinkifiedText({ text }: { text: string }) {
  const openLink = useContext(OpenLinkContext);
  const [problem, setProblem] = useState<AppError | null>(null);

  async function open(url: string) {
    if (!openLink) return;
    setProblem(null);
    try {
      const result = await openLink(url);
      if (result.status === "error") setProblem(result.error);
    } catch {
      setProblem({ code: "internal" });
    }
  }

  return (
    <>
      {splitLinks(text).map((segment, i) =>
        segment.kind === "text" ? (
          segment.text
        ) : (
          <a
            key={i}
            href={segment.url}
            className="chat-link"
            data-testid="chat-link"
            title={segment.url}
            onClick={(event) => {
              event.preventDefault();
              void open(segment.url);
            }}
          >
            {segment.url}
          </a>
        ),
      )}
      {problem && (
        <span className="link-error" data-testid="link-error" role="alert">
          {describeError(problem)}
        </span>
      )}
    </>
  );
}

import { Fragment, memo, useId, useMemo, useState, type ReactNode } from "react";
import { formatCount, formatDuration } from "../../format";
import { messages } from "../../messages";
import { useCopy } from "../useCopy";
import { AlertIcon, BlockedIcon, CheckIcon, CrossCircleIcon, QuestionIcon, Spinner, ToolIcon } from "./icons";
import type { PartOf } from "./types";
import { hasHiddenCharacters, visibleSegments, visibleText } from "./visible";

const words = messages.parts.clientTool;

/** A result longer than this many lines shows this many until the user asks for all. */
export const RESULT_LINES_SHOWN = 20;

type Part = PartOf<"clientToolCall">;
type Props = { part: Part; running: boolean };

/** The states in which the call has not settled yet. */
function isOpen(state: Part["state"]): boolean {
  return state === "received" || state === "waitingForYou" || state === "running";
}

function allowedBy(part: Part): string | null {
  return part.approvedBy === null ? null : words.allowedBy[part.approvedBy];
}

/** The badge of the card: its words (also its accessible name) and an icon. */
export function clientToolStatus(part: Part, running: boolean): { text: string; icon: ReactNode } {
  // An execution that ended leaves no call waiting or running here.
  if (!running && isOpen(part.state)) return { text: messages.parts.notFinished, icon: <AlertIcon /> };
  const by = allowedBy(part);
  const withBy = (text: string) => (by ? `${text} · ${by}` : text);
  switch (part.state) {
    case "received":
      return { text: words.states.received, icon: <Spinner /> };
    case "waitingForYou":
      return { text: words.states.waitingForYou, icon: <QuestionIcon /> };
    case "running":
      return { text: withBy(words.states.running), icon: <Spinner /> };
    case "done":
      return {
        text: withBy(part.durationMs !== null ? words.doneIn(formatDuration(part.durationMs)) : words.states.done),
        icon: <CheckIcon />,
      };
    case "failed":
      return { text: words.states.failed, icon: <CrossCircleIcon /> };
    case "denied":
      return { text: words.states.denied, icon: <BlockedIcon /> };
    case "notTaken":
      return { text: words.states.notTaken, icon: <AlertIcon /> };
  }
}

/**
 * Model output as text, with every invisible or direction-changing character shown as
 * a distinct token (⟨U+202E⟩). Only ever React text nodes.
 */
export const VisibleText = memo(function VisibleText({ text }: { text: string }) {
  const segments = useMemo(() => visibleSegments(text), [text]);
  return (
    <>
      {segments.map((s, i) =>
        s.hidden ? (
          <span key={i} className="hidden-char" data-testid="hidden-char">
            {s.text}
          </span>
        ) : (
          <Fragment key={i}>{s.text}</Fragment>
        ),
      )}
    </>
  );
});

function HiddenNote({ text }: { text: string }) {
  const hidden = useMemo(() => hasHiddenCharacters(text), [text]);
  return hidden ? (
    <p className="part-note client-tool-hidden-note" data-testid="client-tool-hidden-note">
      {words.hiddenCharacters}
    </p>
  ) : null;
}

/** A result or reason: all of it when short, its first lines until asked when long. */
function ResultText({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  const id = useId();
  const lines = useMemo(() => text.split("\n"), [text]);
  const long = lines.length > RESULT_LINES_SHOWN;
  const shown = long && !all ? lines.slice(0, RESULT_LINES_SHOWN).join("\n") : text;
  return (
    <>
      <HiddenNote text={text} />
      <pre
        id={id}
        className="part-json client-tool-json"
        data-testid="client-tool-result"
        data-collapsed={long && !all}
        tabIndex={0}
      >
        <VisibleText text={shown} />
      </pre>
      {long && (
        <button
          type="button"
          className="chip-button client-tool-more"
          data-testid="client-tool-show-all"
          aria-expanded={all}
          aria-controls={id}
          onClick={() => setAll(!all)}
        >
          {all ? words.showFewer : words.showAll(formatCount(lines.length))}
        </button>
      )}
    </>
  );
}

/**
 * A tool the agent asked to run on this computer. Rust checks the call, asks the user
 * in a native dialog (this page never answers it), runs it and posts the result; the
 * card shows where the call stands, the full arguments the user is asked about, and
 * the result or the reason it did not run. The arguments are never cut.
 */
export const ClientToolPart = memo(function ClientToolPart({ part, running }: Props) {
  const status = clientToolStatus(part, running);
  const { state: copy, copy: copyArguments } = useCopy(part.arguments);
  const name = useMemo(() => visibleText(part.name), [part.name]);
  const ended = !running && isOpen(part.state);
  const asking = part.state === "waitingForYou" && !ended;
  const hasArguments = part.arguments.trim() !== "";
  const why = part.state === "failed" || part.state === "denied" || part.state === "notTaken";

  return (
    <div
      role="group"
      aria-label={words.label(name, status.text)}
      className={asking ? "part part-card part-client-tool asking" : "part part-card part-client-tool"}
      data-testid="part-client-tool"
      data-state={part.state}
      data-ended={ended || undefined}
    >
      <div className="part-card-header">
        <span className="part-card-icon">
          <ToolIcon />
        </span>
        <span className="part-card-title">{words.title}</span>
        <code className="tool-name" data-testid="client-tool-name">
          <VisibleText text={part.name} />
        </code>
        <span className="part-status client-tool-status" data-testid="client-tool-status">
          {status.icon}
          <span>{status.text}</span>
        </span>
      </div>
      <div className="part-card-body">
        {asking && (
          <p className="client-tool-asking" data-testid="client-tool-waiting-help">
            {words.waitingHelp}
          </p>
        )}
        <div className="client-tool-label-row">
          <h4 className="part-card-label">{words.arguments}</h4>
          {hasArguments && (
            <button
              type="button"
              className="chip-button"
              data-testid="client-tool-copy"
              data-state={copy}
              aria-label={copy === "idle" ? words.copyLabel : undefined}
              onClick={() => void copyArguments()}
            >
              {copy === "copied" ? words.copied : copy === "failed" ? words.copyFailed : words.copy}
            </button>
          )}
        </div>
        <HiddenNote text={part.arguments} />
        <pre className="part-json client-tool-json" data-testid="client-tool-arguments" tabIndex={0}>
          {hasArguments ? <VisibleText text={part.arguments} /> : words.noArguments}
        </pre>
        {part.result !== null && (
          <>
            <h4 className="part-card-label">{why ? words.why : words.result}</h4>
            <ResultText text={part.result} />
          </>
        )}
      </div>
    </div>
  );
});

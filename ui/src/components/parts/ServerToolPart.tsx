import { memo, useId, useMemo, useState } from "react";
import { formatDuration } from "../../format";
import { messages } from "../../messages";
import { ChevronIcon, Spinner, ToolIcon } from "./icons";
import { prettyJson, summarizeArguments } from "./json";
import type { PartOf } from "./types";

const words = messages.parts.tool;

type Props = { part: PartOf<"serverTool">; running: boolean };

function ToolStatus({ part, running }: Props) {
  switch (part.state) {
    case "running":
      return running ? (
        <>
          <Spinner />
          {words.running}
        </>
      ) : (
        <>{messages.parts.notFinished}</>
      );
    case "done":
      return <>{part.durationMs !== null ? words.doneIn(formatDuration(part.durationMs)) : words.done}</>;
    case "failed":
      return <>{words.failed}</>;
  }
}

/** A tool the server ran: name, what it was called with, how it went; details on demand. */
export const ServerToolPart = memo(function ServerToolPart({ part, running }: Props) {
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  const summary = useMemo(() => summarizeArguments(part.arguments), [part.arguments]);

  return (
    <div className="part part-card part-tool" data-testid="part-server-tool" data-state={part.state}>
      <button
        type="button"
        className="part-card-header part-toggle"
        aria-expanded={open}
        aria-controls={bodyId}
        data-testid="tool-toggle"
        onClick={() => setOpen(!open)}
      >
        <span className="part-card-icon">
          <ToolIcon />
        </span>
        <span className="tool-name" data-testid="tool-name">
          {part.name}
        </span>
        {summary && (
          <span className="tool-summary" data-testid="tool-summary">
            {summary}
          </span>
        )}
        <span className="part-status" data-testid="tool-status">
          <ToolStatus part={part} running={running} />
        </span>
        <ChevronIcon open={open} />
      </button>
      <div id={bodyId} className="part-card-body" hidden={!open}>
        {open && (
          <>
            <h4 className="part-card-label">{words.arguments}</h4>
            <pre className="part-json" data-testid="tool-arguments">
              {part.arguments.trim() ? prettyJson(part.arguments) : words.noArguments}
            </pre>
            <h4 className="part-card-label">{part.state === "failed" ? words.error : words.result}</h4>
            {part.result === null ? (
              <p className="part-muted">{running ? words.noResult : messages.parts.notFinished}</p>
            ) : (
              <pre className="part-json" data-testid="tool-result">
                {prettyJson(part.result)}
              </pre>
            )}
          </>
        )}
      </div>
    </div>
  );
});

import { memo, useId, useState } from "react";
import { formatDuration } from "../../format";
import { messages } from "../../messages";
import { ChevronIcon } from "./icons";
import type { PartOf } from "./types";

const words = messages.parts.reasoning;

type Props = { part: PartOf<"reasoning">; running: boolean };

/**
 * The model's reasoning, apart from the answer: open while it streams, folded away once
 * it is over (unless the user opened or closed it). Model output: plain text only.
 */
export const ReasoningPart = memo(function ReasoningPart({ part, running }: Props) {
  const streaming = running && part.durationMs === null;
  // null: follow the stream; a boolean: the user decided.
  const [chosen, setChosen] = useState<boolean | null>(null);
  const open = chosen ?? streaming;
  const bodyId = useId();
  const title = streaming
    ? words.thinking
    : part.durationMs !== null
      ? words.thoughtFor(formatDuration(part.durationMs))
      : words.thoughts;

  return (
    <div className="part part-reasoning" data-testid="part-reasoning" data-streaming={streaming || undefined}>
      <button
        type="button"
        className="part-toggle reasoning-toggle"
        data-testid="reasoning-toggle"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setChosen(!open)}
      >
        <ChevronIcon open={open} />
        <span className={streaming ? "reasoning-title shimmer" : "reasoning-title"}>{title}</span>
      </button>
      <div id={bodyId} className="reasoning-body" data-testid="reasoning-body" hidden={!open}>
        {part.text}
      </div>
    </div>
  );
});

import { memo } from "react";
import { messages } from "../../messages";
import { PauseIcon } from "./icons";
import type { PartOf } from "./types";

/** The execution waits on something outside the stream: a calm notice, not an error. */
export const WaitingPart = memo(function WaitingPart({ part }: { part: PartOf<"waiting"> }) {
  return (
    <p className="part part-waiting" data-testid="part-waiting" data-reason={part.reason} role="status">
      <PauseIcon />
      <span>{messages.parts.waiting[part.reason]}</span>
    </p>
  );
});

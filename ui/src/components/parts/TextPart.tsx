import { memo } from "react";
import { Markdown } from "../markdown";
import type { PartOf } from "./types";

/** Answer text: Markdown, healed at its unfinished end while it streams. */
export const TextPart = memo(function TextPart({ part, streaming }: { part: PartOf<"text">; streaming: boolean }) {
  return (
    <div className="part part-text" data-testid="part-text">
      <Markdown source={part.text} streaming={streaming} />
    </div>
  );
});

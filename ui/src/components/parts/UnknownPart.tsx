import { memo, useId, useState } from "react";
import { messages } from "../../messages";
import { ChevronIcon } from "./icons";
import type { PartOf } from "./types";

const words = messages.parts.unknown;

/** An event the app does not know (or could not read), folded away; raw data on demand. */
export const UnknownPart = memo(function UnknownPart({ part }: { part: PartOf<"unknown"> }) {
  const [open, setOpen] = useState(false);
  const dataId = useId();
  return (
    <div className="part part-unknown" data-testid="part-unknown">
      <button
        type="button"
        className="part-toggle unknown-toggle"
        data-testid="unknown-toggle"
        aria-expanded={open}
        aria-controls={dataId}
        onClick={() => setOpen(!open)}
      >
        <ChevronIcon open={open} />
        <span>{words.title(part.eventType)}</span>
        {part.problem && <span className="unknown-problem">{words.problem(part.problem)}</span>}
      </button>
      <pre id={dataId} className="part-json" data-testid="unknown-data" hidden={!open}>
        {open ? part.data : null}
      </pre>
    </div>
  );
});

import { memo, useMemo } from "react";
import { messages } from "../../messages";
import { TerminalIcon } from "./icons";
import { prettyJson } from "./json";
import type { PartOf } from "./types";

const words = messages.parts.clientTool;

/** A tool the agent asked to run on this computer (not run in this version). */
export const ClientToolPart = memo(function ClientToolPart({ part }: { part: PartOf<"clientToolCall"> }) {
  const args = useMemo(() => prettyJson(part.arguments), [part.arguments]);
  return (
    <div className="part part-card part-client-tool" data-testid="part-client-tool">
      <div className="part-card-header">
        <span className="part-card-icon">
          <TerminalIcon />
        </span>
        <span className="part-card-title">{words.title}</span>
      </div>
      <div className="part-card-body">
        <p className="client-tool-asked" data-testid="client-tool-asked">
          {words.asked(part.name)}
        </p>
        <h4 className="part-card-label">{words.arguments}</h4>
        <pre className="part-json" data-testid="client-tool-arguments">
          {args}
        </pre>
        <p className="part-note">{words.notEnabled}</p>
      </div>
    </div>
  );
});

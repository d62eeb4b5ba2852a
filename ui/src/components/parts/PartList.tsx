import type { ReactNode } from "react";
import type { Part } from "../../bindings";
import { ClientToolPart } from "./ClientToolPart";
import { MediaJobPart } from "./MediaJobPart";
import { ReasoningPart } from "./ReasoningPart";
import { ServerToolPart } from "./ServerToolPart";
import { StructuredPart } from "./StructuredPart";
import { TextPart } from "./TextPart";
import { UnknownPart } from "./UnknownPart";
import { WaitingPart } from "./WaitingPart";
import { WorkflowTimeline } from "./WorkflowTimeline";
import type { PartOf } from "./types";
import "./parts.css";

type Props = {
  parts: readonly Part[];
  /** Whether the execution is still streaming. */
  running: boolean;
};

function PartView({ part, running, last }: { part: Part; running: boolean; last: boolean }) {
  switch (part.kind) {
    case "text":
      return <TextPart part={part} streaming={running && last} />;
    case "reasoning":
      return <ReasoningPart part={part} running={running} />;
    case "serverTool":
      return <ServerToolPart part={part} running={running} />;
    case "workflowStep":
      return <WorkflowTimeline steps={[part]} running={running} />;
    case "mediaJob":
      return <MediaJobPart part={part} running={running} />;
    case "clientToolCall":
      return <ClientToolPart part={part} running={running} />;
    case "structuredOutput":
      return <StructuredPart part={part} />;
    case "waiting":
      return <WaitingPart part={part} />;
    case "unknown":
      return <UnknownPart part={part} />;
  }
}

/**
 * An execution's parts in order. Consecutive workflow steps share one timeline. Parts
 * are only ever added at the end, so a part's index is a stable key; each part
 * component is memoised on its part object, which the store replaces only when it
 * changes.
 */
export function PartList({ parts, running }: Props) {
  const structured = structuredJson(parts);
  const out: ReactNode[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // An answer that is only the structured result's JSON is shown once: as the card.
    if (part.kind === "text" && structured.size > 0 && structured.has(canonicalJson(part.text) ?? "")) continue;
    if (part.kind === "workflowStep") {
      const start = i;
      const steps: PartOf<"workflowStep">[] = [part];
      while (i + 1 < parts.length) {
        const next = parts[i + 1]!;
        if (next.kind !== "workflowStep") break;
        steps.push(next);
        i++;
      }
      out.push(<WorkflowTimeline key={start} steps={steps} running={running} />);
      continue;
    }
    out.push(<PartView key={i} part={part} running={running} last={i === parts.length - 1} />);
  }
  return <>{out}</>;
}

/** The canonical JSON of every structured output among `parts`. */
function structuredJson(parts: readonly Part[]): Set<string> {
  const found = new Set<string>();
  for (const part of parts) {
    if (part.kind !== "structuredOutput") continue;
    const canonical = canonicalJson(part.json);
    if (canonical !== null) found.add(canonical);
  }
  return found;
}

/** `text` parsed as JSON and printed compactly with sorted keys, or null when it is not JSON. */
function canonicalJson(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return null;
  try {
    return JSON.stringify(sortKeys(JSON.parse(trimmed)));
  } catch {
    return null;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((k) => [k, sortKeys(record[k])]));
  }
  return value;
}

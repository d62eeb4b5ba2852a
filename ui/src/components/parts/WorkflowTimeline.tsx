import { memo } from "react";
import { formatDuration } from "../../format";
import { messages } from "../../messages";
import { Spinner } from "./icons";
import type { PartOf } from "./types";

const words = messages.parts.workflow;

type StepProps = { part: PartOf<"workflowStep">; running: boolean };

/** One step: label, kind, and a running indicator or how long it took. */
export const WorkflowStep = memo(function WorkflowStep({ part, running }: StepProps) {
  const state = part.durationMs === null ? "running" : "done";
  return (
    <li className="workflow-step" data-testid="workflow-step" data-state={state}>
      <span className="workflow-dot" aria-hidden="true" />
      <span className="workflow-label">{part.label ?? part.nodeId}</span>
      {part.nodeType && <span className="workflow-type">{part.nodeType}</span>}
      <span className="workflow-time">
        {part.durationMs !== null ? (
          formatDuration(part.durationMs)
        ) : running ? (
          <>
            <Spinner />
            {words.running}
          </>
        ) : (
          messages.parts.notFinished
        )}
      </span>
    </li>
  );
});

/** Consecutive workflow steps as one timeline. */
export function WorkflowTimeline({ steps, running }: { steps: PartOf<"workflowStep">[]; running: boolean }) {
  return (
    <ol className="part workflow-timeline" data-testid="workflow-timeline" aria-label={words.label}>
      {steps.map((step, index) => (
        <WorkflowStep key={index} part={step} running={running} />
      ))}
    </ol>
  );
}

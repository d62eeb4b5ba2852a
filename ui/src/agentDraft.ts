// The "Add agent" form as typed, and the `AgentSummary` it makes. The backend checks
// the definition (`validate_agent` in core) and names each problem's field as
// `id`, `name`, `variables[i].name`, `variables[i].choices`, ...; the form shows each
// under its input. Only what cannot be sent at all (a bound that is not a number) is
// caught here.

import type { AgentSummary, AgentVariable, FieldProblem, VariableKind } from "./bindings";

export type VariableKindName = VariableKind["type"];

/** One row of the variables editor, every field as typed. */
export type VariableDraft = {
  /** Stable React key of the row. */
  key: number;
  name: string;
  kind: VariableKindName;
  /** Number bounds, as typed; blank for none. */
  minimum: string;
  maximum: string;
  integer: boolean;
  /** The choices, comma-separated. */
  choices: string;
  /** Blank for none; "true"/"false" for a boolean. */
  default: string;
  required: boolean;
  description: string;
};

export type AgentDraft = {
  id: string;
  name: string;
  description: string;
  requiresUserMessage: boolean;
  variables: VariableDraft[];
};

export const emptyAgentDraft: AgentDraft = {
  id: "",
  name: "",
  description: "",
  requiresUserMessage: true,
  variables: [],
};

export function emptyVariable(key: number): VariableDraft {
  return {
    key,
    name: "",
    kind: "text",
    minimum: "",
    maximum: "",
    integer: false,
    choices: "",
    default: "",
    required: false,
    description: "",
  };
}

/** The choices of a comma-separated list, trimmed, blanks dropped. */
export function splitChoices(text: string): string[] {
  return text
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
}

/** A bound as typed: null when blank, NaN when not a number. */
function bound(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

function kindOf(row: VariableDraft, field: string, problems: FieldProblem[]): VariableKind {
  switch (row.kind) {
    case "text":
      return { type: "text" };
    case "boolean":
      return { type: "boolean" };
    case "choice":
      return { type: "choice", choices: splitChoices(row.choices) };
    case "number": {
      const minimum = bound(row.minimum);
      const maximum = bound(row.maximum);
      if (minimum !== null && Number.isNaN(minimum)) problems.push({ field: `${field}.minimum`, problem: { code: "notANumber" } });
      if (maximum !== null && Number.isNaN(maximum)) problems.push({ field: `${field}.maximum`, problem: { code: "notANumber" } });
      return { type: "number", minimum, maximum, integer: row.integer };
    }
  }
}

/**
 * The agent the form describes, and the problems that keep it from being sent (none
 * means: send it, and let the backend check the rest).
 */
export function agentFromDraft(draft: AgentDraft): { agent: AgentSummary; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const variables: AgentVariable[] = draft.variables.map((row, i) => {
    const kind = kindOf(row, `variables[${i}]`, problems);
    const value = kind.type === "text" ? row.default : row.default.trim();
    return {
      name: row.name.trim(),
      description: row.description.trim(),
      required: row.required,
      kind,
      default: value === "" ? null : value,
    };
  });
  return {
    agent: {
      id: draft.id.trim(),
      name: draft.name.trim(),
      description: draft.description.trim(),
      requiresUserMessage: draft.requiresUserMessage,
      variables,
    },
    problems,
  };
}

// A wizard agent's form as the UI keeps it: every value is the text the user typed or
// picked, by variable name. The backend parses and checks the values again
// (`variables_from_form` in core); here only what can be flagged before asking it.

import type { AgentVariable, FieldProblem } from "./bindings";

/** A wizard's values as typed, by variable name (what `send_message` takes). */
export type Variables = { [key in string]: string };

/** The value a variable starts with: its default, else blank ("false" for a checkbox). */
export function initialValue(variable: AgentVariable): string {
  if (variable.kind.type === "boolean") return variable.default === "true" ? "true" : "false";
  return variable.default ?? "";
}

/** The values a form starts with. */
export function initialValues(variables: readonly AgentVariable[]): Variables {
  const values: Variables = {};
  for (const v of variables) values[v.name] = initialValue(v);
  return values;
}

/**
 * The `variables` argument of a send or a cost preview, and the problems found before
 * sending (a required variable left blank). Null when the agent has no variables.
 * Booleans are "true" or "false"; a blank optional value is left out; text is sent as
 * typed.
 */
export function variablesToSend(
  variables: readonly AgentVariable[],
  values: Variables,
): { variables: Variables | null; problems: FieldProblem[] } {
  if (variables.length === 0) return { variables: null, problems: [] };
  const out: Variables = {};
  const problems: FieldProblem[] = [];
  for (const v of variables) {
    const raw = values[v.name] ?? initialValue(v);
    if (v.kind.type === "boolean") {
      out[v.name] = raw === "true" ? "true" : "false";
      continue;
    }
    if (raw.trim() === "") {
      if (v.required) problems.push({ field: v.name, problem: { code: "required" } });
      continue;
    }
    out[v.name] = raw;
  }
  return { variables: out, problems };
}

import { describe, expect, it } from "vitest";
import { emptyVariable, agentFromDraft, splitChoices } from "./agentDraft";
import type { AgentVariable } from "./bindings";
import { initialValues, variablesToSend } from "./wizard";

const v = (name: string, kind: AgentVariable["kind"], fields: Partial<AgentVariable> = {}): AgentVariable => ({
  name,
  description: "",
  required: false,
  kind,
  default: null,
  ...fields,
});

describe("variablesToSend", () => {
  it("is null for an agent without variables", () => {
    expect(variablesToSend([], {})).toEqual({ variables: null, problems: [] });
  });

  it("sends text as typed, booleans as true/false, and leaves blank optional values out", () => {
    const vars = [
      v("topic", { type: "text" }),
      v("note", { type: "text" }),
      v("n", { type: "number", minimum: null, maximum: null, integer: false }),
      v("flag", { type: "boolean" }),
    ];
    expect(variablesToSend(vars, { topic: "  spaced  ", note: "   ", n: "" })).toEqual({
      variables: { topic: "  spaced  ", flag: "false" },
      problems: [],
    });
  });

  it("names each required variable left blank", () => {
    const vars = [v("a", { type: "text" }, { required: true }), v("b", { type: "choice", choices: ["x"] }, { required: true })];
    expect(variablesToSend(vars, { a: " " }).problems).toEqual([
      { field: "a", problem: { code: "required" } },
      { field: "b", problem: { code: "required" } },
    ]);
  });

  it("starts from the defaults", () => {
    const vars = [v("a", { type: "text" }, { default: "hi" }), v("b", { type: "boolean" }, { default: "true" }), v("c", { type: "boolean" })];
    expect(initialValues(vars)).toEqual({ a: "hi", b: "true", c: "false" });
    expect(variablesToSend(vars, {}).variables).toEqual({ a: "hi", b: "true", c: "false" });
  });
});

describe("agentFromDraft", () => {
  it("splits choices on commas, trimmed, blanks dropped", () => {
    expect(splitChoices(" a, b ,,c,")).toEqual(["a", "b", "c"]);
  });

  it("reads number bounds, blank as none, and flags one that is not a number", () => {
    const row = { ...emptyVariable(1), name: "n", kind: "number" as const, minimum: "-2.5", maximum: "" };
    expect(agentFromDraft({ id: "agent:x", name: "X", description: "", requiresUserMessage: true, variables: [row] }).agent.variables[0]!.kind).toEqual({
      type: "number",
      minimum: -2.5,
      maximum: null,
      integer: false,
    });
    const bad = agentFromDraft({ id: "agent:x", name: "X", description: "", requiresUserMessage: true, variables: [{ ...row, maximum: "1e3x" }] });
    expect(bad.problems).toEqual([{ field: "variables[0].maximum", problem: { code: "notANumber" } }]);
  });
});

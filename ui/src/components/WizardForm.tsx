import { useId } from "react";
import { messages } from "../messages";
import type { AgentSummary, AgentVariable } from "../bindings";
import { initialValue, type Variables } from "../wizard";
import type { ProblemWords } from "./settings/fields";

const words = messages.wizard;

type Props = {
  agent: AgentSummary;
  values: Variables;
  onChange: (values: Variables) => void;
  /** Problems in words, by variable name (`variables` for the whole form). */
  problems: ProblemWords;
  disabled?: boolean;
};

/** The element id of a variable's control (names may hold spaces; ids may not). */
export function variableInputId(formId: string, index: number): string {
  return `${formId}-v${index}`;
}

/**
 * The variables of a wizard agent, above the composer: one control per variable, as
 * its kind asks (text, number with its bounds, a choice, a checkbox), starting from its
 * default. The values stay text; the backend parses them.
 */
export function WizardForm({ agent, values, onChange, problems, disabled = false }: Props) {
  const formId = useId();
  const whole = problems.get("variables") ?? [];
  return (
    <fieldset className="wizard-form" data-testid="wizard-form" data-form-id={formId} disabled={disabled}>
      <legend>{words.legend(agent.name)}</legend>
      <div className="wizard-grid">
        {agent.variables.map((v, i) => (
          <VariableControl
            key={v.name}
            id={variableInputId(formId, i)}
            variable={v}
            value={values[v.name] ?? initialValue(v)}
            problems={problems.get(v.name) ?? []}
            onChange={(value) => onChange({ ...values, [v.name]: value })}
          />
        ))}
      </div>
      {whole.length > 0 && (
        <p className="form-problem" data-testid="problem-variables">
          {whole.join(" ")}
        </p>
      )}
    </fieldset>
  );
}

type ControlProps = {
  id: string;
  variable: AgentVariable;
  value: string;
  problems: string[];
  onChange: (value: string) => void;
};

function VariableControl({ id, variable: v, value, problems, onChange }: ControlProps) {
  const hintId = v.description ? `${id}-hint` : null;
  const problemId = problems.length > 0 ? `${id}-problem` : null;
  const a11y = {
    id,
    "data-testid": `variable-${v.name}`,
    "aria-describedby": [problemId, hintId].filter(Boolean).join(" ") || undefined,
    "aria-invalid": problems.length > 0 ? true : undefined,
    "aria-required": v.required ? true : undefined,
  };
  const label = (
    <>
      <span className="wizard-name">{v.name}</span>
      {v.required && (
        <span className="wizard-required" title={words.required}>
          {" "}
          {words.requiredLabel}
        </span>
      )}
    </>
  );

  let control;
  switch (v.kind.type) {
    case "text":
      control = <input {...a11y} type="text" value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "number":
      control = (
        <input
          {...a11y}
          type="number"
          inputMode="decimal"
          min={v.kind.minimum ?? undefined}
          max={v.kind.maximum ?? undefined}
          step={v.kind.integer ? 1 : "any"}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "choice":
      control = (
        <select {...a11y} value={value} onChange={(e) => onChange(e.target.value)}>
          {(value === "" || !v.required) && <option value="">{v.required ? words.choose : words.none}</option>}
          {v.kind.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      );
      break;
    case "boolean":
      control = <input {...a11y} type="checkbox" checked={value === "true"} onChange={(e) => onChange(e.target.checked ? "true" : "false")} />;
      break;
  }

  const boolean = v.kind.type === "boolean";
  return (
    <div className={`form-field wizard-field ${boolean ? "form-field-inline" : ""}`}>
      {boolean ? (
        <label className="form-check" htmlFor={id}>
          {control}
          <span>{label}</span>
        </label>
      ) : (
        <>
          <label className="form-label" htmlFor={id}>
            {label}
          </label>
          {control}
        </>
      )}
      {hintId && (
        <p className="form-hint" id={hintId}>
          {v.description}
        </p>
      )}
      {problemId && (
        <p className="form-problem" id={problemId} data-testid={`problem-${v.name}`}>
          {problems.join(" ")}
        </p>
      )}
    </div>
  );
}

import { emptyVariable, splitChoices, type VariableDraft, type VariableKindName } from "../../agentDraft";
import { messages } from "../../messages";
import { Field, type ProblemWords } from "./fields";

const words = messages.agentForm;

const KINDS: VariableKindName[] = ["text", "number", "choice", "boolean"];

type Props = {
  formId: string;
  rows: VariableDraft[];
  onChange: (rows: VariableDraft[]) => void;
  problems: ProblemWords;
};

/** The variables of a wizard agent: one row each, with the fields its type needs. */
export function VariablesEditor({ formId, rows, onChange, problems }: Props) {
  function update(index: number, change: Partial<VariableDraft>) {
    onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  }

  function add() {
    const key = rows.reduce((max, r) => Math.max(max, r.key), 0) + 1;
    onChange([...rows, emptyVariable(key)]);
  }

  return (
    <fieldset className="variables-editor">
      <legend>{words.variables}</legend>
      {rows.length === 0 && <p className="form-hint">{words.noVariables}</p>}
      {rows.map((row, i) => (
        <VariableRow
          key={row.key}
          formId={formId}
          index={i}
          row={row}
          problems={problems}
          onChange={(change) => update(i, change)}
          onRemove={() => onChange(rows.filter((_, j) => j !== i))}
        />
      ))}
      <button type="button" className="button quiet bordered" data-testid="add-variable" onClick={add}>
        {words.addVariable}
      </button>
    </fieldset>
  );
}

type RowProps = {
  formId: string;
  index: number;
  row: VariableDraft;
  problems: ProblemWords;
  onChange: (change: Partial<VariableDraft>) => void;
  onRemove: () => void;
};

function VariableRow({ formId, index, row, problems, onChange, onRemove }: RowProps) {
  const f = (name: string) => `variables[${index}].${name}`;
  const common = { formId, problems };
  return (
    <div className="variable-row" data-testid="variable-row" role="group" aria-label={words.variable(index + 1)}>
      <div className="variable-row-head">
        <span className="variable-row-title">{words.variable(index + 1)}</span>
        <button
          type="button"
          className="button quiet bordered"
          data-testid="remove-variable"
          aria-label={words.removeVariableLabel(index + 1)}
          onClick={onRemove}
        >
          {words.removeVariable}
        </button>
      </div>
      <div className="variable-grid">
        <Field {...common} field={f("name")} label={words.variableName}>
          {(a) => (
            <input {...a} data-testid="var-name" type="text" spellCheck={false} value={row.name} onChange={(e) => onChange({ name: e.target.value })} />
          )}
        </Field>
        <Field {...common} field={f("kind")} label={words.kind}>
          {(a) => (
            <select
              {...a}
              data-testid="var-kind"
              value={row.kind}
              onChange={(e) => onChange({ kind: e.target.value as VariableKindName, default: "" })}
            >
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {words.kinds[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {row.kind === "number" && (
          <>
            <Field {...common} field={f("minimum")} label={words.minimum}>
              {(a) => (
                <input {...a} data-testid="var-minimum" type="text" inputMode="decimal" value={row.minimum} onChange={(e) => onChange({ minimum: e.target.value })} />
              )}
            </Field>
            <Field {...common} field={f("maximum")} label={words.maximum}>
              {(a) => (
                <input {...a} data-testid="var-maximum" type="text" inputMode="decimal" value={row.maximum} onChange={(e) => onChange({ maximum: e.target.value })} />
              )}
            </Field>
            <Field {...common} field={f("integer")} label={words.integer} inline>
              {(a) => (
                <input {...a} data-testid="var-integer" type="checkbox" checked={row.integer} onChange={(e) => onChange({ integer: e.target.checked })} />
              )}
            </Field>
          </>
        )}
        {row.kind === "choice" && (
          <Field {...common} field={f("choices")} label={words.choices} className="wide">
            {(a) => (
              <input {...a} data-testid="var-choices" type="text" value={row.choices} onChange={(e) => onChange({ choices: e.target.value })} />
            )}
          </Field>
        )}
        <Field {...common} field={f("default")} label={words.default}>
          {(a) =>
            row.kind === "boolean" || row.kind === "choice" ? (
              <select {...a} data-testid="var-default" value={row.default} onChange={(e) => onChange({ default: e.target.value })}>
                <option value="">{words.noDefault}</option>
                {(row.kind === "boolean" ? ["true", "false"] : splitChoices(row.choices)).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...a}
                data-testid="var-default"
                type="text"
                inputMode={row.kind === "number" ? "decimal" : undefined}
                value={row.default}
                onChange={(e) => onChange({ default: e.target.value })}
              />
            )
          }
        </Field>
        <Field {...common} field={f("required")} label={words.required} inline>
          {(a) => (
            <input {...a} data-testid="var-required" type="checkbox" checked={row.required} onChange={(e) => onChange({ required: e.target.checked })} />
          )}
        </Field>
        <Field {...common} field={f("description")} label={words.variableDescription} className="wide">
          {(a) => (
            <input {...a} data-testid="var-description" type="text" value={row.description} onChange={(e) => onChange({ description: e.target.value })} />
          )}
        </Field>
      </div>
    </div>
  );
}

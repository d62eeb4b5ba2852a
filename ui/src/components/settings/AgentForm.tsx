import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { agentFromDraft, emptyAgentDraft, type AgentDraft } from "../../agentDraft";
import { describeAgentCheck, describeError, describeProblem } from "../../errors";
import { messages } from "../../messages";
import type { AgentAdded, AgentCheck, AgentSummary, AppError, FieldProblem } from "../../bindings";
import type { Result } from "../../result";
import { Field, focusFirstProblem, problemWords } from "./fields";
import { VariablesEditor } from "./VariablesEditor";

const words = messages.agentForm;

export type AgentFormApi = {
  addAgent(workspaceId: string, agent: AgentSummary): Promise<Result<AgentAdded, AppError>>;
};

type Props = {
  api: AgentFormApi;
  workspaceId: string;
  onAdded: (added: AgentAdded) => void;
  onCancel: () => void;
};

/** `variables[1].choices[2]` belongs under `variables[1].choices`, said with its number. */
const CHOICE = /^(variables\[\d+\]\.choices)\[(\d+)\]$/;

function placeOf(p: FieldProblem): { field: string; words: string } {
  const m = CHOICE.exec(p.field);
  if (m) return { field: m[1]!, words: words.choiceProblem(Number(m[2]) + 1, describeProblem(p.problem)) };
  return { field: p.field, words: describeProblem(p.problem) };
}

const FIXED_FIELDS = ["id", "name", "description", "requiresUserMessage"];

function shownInForm(field: string, rows: number): boolean {
  if (FIXED_FIELDS.includes(field)) return true;
  const m = /^variables\[(\d+)\]\./.exec(field);
  return m !== null && Number(m[1]) < rows;
}

/**
 * Adds an agent by id. Save asks the backend, which checks the definition, then asks
 * the server for the agent's cost (a check that the id, key and workspace work) and
 * keeps the agent only if that check passes.
 */
export function AgentForm({ api, workspaceId, onAdded, onCancel }: Props) {
  const formId = useId();
  const [draft, setDraft] = useState<AgentDraft>(emptyAgentDraft);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [check, setCheck] = useState<AgentCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    first.current?.focus();
  }, []);

  const byField = problemWords(problems, placeOf);
  const elsewhere = problems.filter((p) => !shownInForm(placeOf(p).field, draft.variables.length));
  const set = (change: Partial<AgentDraft>) => setDraft((d) => ({ ...d, ...change }));

  function showProblems(found: FieldProblem[]) {
    setProblems(found);
    focusFirstProblem(formId, found, (p) => placeOf(p).field);
  }

  async function save() {
    if (checking) return;
    setCheck(null);
    setError(null);
    const { agent, problems: local } = agentFromDraft(draft);
    if (local.length > 0) {
      showProblems(local);
      return;
    }
    setProblems([]);
    setChecking(true);
    let result: Result<AgentAdded, AppError>;
    try {
      result = await api.addAgent(workspaceId, agent);
    } catch {
      result = { status: "error", error: { code: "internal" } };
    }
    setChecking(false);
    if (result.status === "ok") {
      onAdded(result.data);
      return;
    }
    const e = result.error;
    if (e.code === "invalidInput") showProblems(e.problems);
    else if (e.code === "agentCheckFailed") setCheck(e.check);
    else setError(describeError(e));
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void save();
  }

  return (
    <form className="settings-form" data-testid="agent-form" onSubmit={onSubmit} noValidate>
      <h4 className="settings-form-title">{words.title}</h4>
      {problems.length > 0 && (
        <div className="form-summary" role="alert" data-testid="agent-form-problems">
          <p>{words.problems}</p>
          {elsewhere.map((p, i) => (
            <p key={i}>
              {p.field}: {describeProblem(p.problem)}
            </p>
          ))}
        </div>
      )}
      <Field formId={formId} field="id" label={words.id} hint={words.idHint} problems={byField}>
        {(a) => (
          <input
            ref={first}
            {...a}
            data-testid="agent-id"
            type="text"
            placeholder={words.idPlaceholder}
            spellCheck={false}
            value={draft.id}
            onChange={(e) => set({ id: e.target.value })}
          />
        )}
      </Field>
      <Field formId={formId} field="name" label={words.name} problems={byField}>
        {(a) => <input {...a} data-testid="agent-name" type="text" value={draft.name} onChange={(e) => set({ name: e.target.value })} />}
      </Field>
      <Field formId={formId} field="description" label={words.description} problems={byField}>
        {(a) => (
          <input {...a} data-testid="agent-description-input" type="text" value={draft.description} onChange={(e) => set({ description: e.target.value })} />
        )}
      </Field>
      <Field formId={formId} field="requiresUserMessage" label={words.requiresMessage} hint={words.requiresMessageHint} problems={byField} inline>
        {(a) => (
          <input
            {...a}
            data-testid="agent-requires-message"
            type="checkbox"
            checked={draft.requiresUserMessage}
            onChange={(e) => set({ requiresUserMessage: e.target.checked })}
          />
        )}
      </Field>
      <VariablesEditor formId={formId} rows={draft.variables} onChange={(variables) => set({ variables })} problems={byField} />
      {checking && (
        <p className="form-status" role="status" data-testid="agent-checking">
          {words.checking}
        </p>
      )}
      {check && (
        <p className="form-problem check-result" role="alert" data-testid="agent-check-result">
          {describeAgentCheck(check)}
        </p>
      )}
      {error && (
        <p className="form-problem" role="alert" data-testid="agent-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button primary" data-testid="save-agent" disabled={checking}>
          {words.save}
        </button>
        <button type="button" className="button quiet bordered" onClick={onCancel}>
          {words.cancel}
        </button>
      </div>
    </form>
  );
}

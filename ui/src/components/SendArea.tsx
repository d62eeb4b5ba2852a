import { useEffect, useRef, useState } from "react";
import { describeError, describeProblem } from "../errors";
import { messages } from "../messages";
import type { AgentSummary, AppError, CostPreview, FieldProblem } from "../bindings";
import type { Result } from "../result";
import { initialValues, variablesToSend, type Variables } from "../wizard";
import { Composer, type ComposerHandle } from "./Composer";
import { CostPreviewPanel } from "./CostPreviewPanel";
import { problemWords } from "./settings/fields";
import { WizardForm } from "./WizardForm";
import type { ComposerAttachments } from "../attachments/useAttachments";

const words = messages.cost;

type Props = {
  /** The agent the message goes to (its variables and whether a message is needed). */
  agent: AgentSummary | null;
  /** Changes when the user moves to another chat: the preview and problems are dropped. */
  resetKey: string | number;
  text: string;
  onTextChange: (text: string) => void;
  /** The wizard's values as typed (undefined: the defaults). */
  values: Variables | undefined;
  onValuesChange: (values: Variables) => void;
  onSend: (text: string, variables: Variables | null) => Promise<Result<string, AppError>>;
  onPreviewCost: (variables: Variables | null) => Promise<Result<CostPreview, AppError>>;
  /** Send shows the cost first and sends on its Send button. */
  alwaysPreviewCost: boolean;
  onBlur: () => void;
  disabled: boolean;
  placeholder: string;
  focusKey: string | number;
  /** The composer's attachments (none: files can't be attached here). */
  attachments?: ComposerAttachments;
};

type Preview =
  | null
  | { phase: "loading"; confirm: boolean }
  | { phase: "shown"; preview: CostPreview; confirm: boolean }
  | { phase: "failed"; error: AppError };

/**
 * Where a message is written and sent: a wizard agent's variables, the cost preview and
 * the composer. With "always preview" on, Send first shows the cost and the message goes
 * only on the panel's Send.
 */
export function SendArea(props: Props) {
  const { agent, alwaysPreviewCost } = props;
  const variables = agent?.variables ?? [];
  const values = props.values ?? initialValues(variables);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [preview, setPreview] = useState<Preview>(null);
  const confirmed = useRef(false);
  const composer = useRef<ComposerHandle>(null);
  const wizard = useRef<HTMLDivElement>(null);
  const live = useRef(0);

  useEffect(() => {
    live.current += 1;
    setProblems([]);
    setPreview(null);
    confirmed.current = false;
  }, [props.resetKey, agent?.id]);

  // The first flagged variable takes the focus.
  useEffect(() => {
    if (problems.length === 0) return;
    wizard.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [problems]);

  const wizardFields = new Set([...variables.map((v) => v.name), "variables"]);
  const byField = problemWords(problems);

  /** The variables to send, or null after flagging the required ones left blank. */
  function collect(): { ok: true; variables: Variables | null } | { ok: false; problems: FieldProblem[] } {
    const found = variablesToSend(variables, values);
    if (found.problems.length > 0) {
      setProblems(found.problems);
      return { ok: false, problems: found.problems };
    }
    setProblems([]);
    return { ok: true, variables: found.variables };
  }

  async function showPreview(vars: Variables | null, confirm: boolean) {
    const mine = live.current;
    setPreview({ phase: "loading", confirm });
    let result: Result<CostPreview, AppError>;
    try {
      result = await props.onPreviewCost(vars);
    } catch {
      result = { status: "error", error: { code: "internal" } };
    }
    if (mine !== live.current) return;
    if (result.status === "ok") {
      setPreview({ phase: "shown", preview: result.data, confirm });
    } else {
      if (result.error.code === "invalidInput") setProblems(result.error.problems);
      setPreview({ phase: "failed", error: result.error });
    }
  }

  async function send(text: string): Promise<Result<string, AppError> | null> {
    const found = collect();
    if (!found.ok) return { status: "error", error: { code: "invalidInput", problems: found.problems } };
    if (alwaysPreviewCost && !confirmed.current) {
      void showPreview(found.variables, true);
      return null;
    }
    confirmed.current = false;
    setPreview(null);
    const result = await props.onSend(text, found.variables);
    if (result.status === "error" && result.error.code === "invalidInput") setProblems(result.error.problems);
    return result;
  }

  function describeSendError(error: AppError): string {
    if (error.code === "invalidInput" && error.problems.length > 0 && error.problems.every((p) => wizardFields.has(p.field))) {
      return messages.wizard.problems;
    }
    return describeError(error);
  }

  function previewNow() {
    const found = collect();
    if (!found.ok) return;
    confirmed.current = false;
    void showPreview(found.variables, false);
  }

  function changeValues(next: Variables) {
    props.onValuesChange(next);
    // The cost may depend on the values: a shown preview no longer holds.
    if (preview !== null) {
      live.current += 1;
      setPreview(null);
    }
    confirmed.current = false;
  }

  const outside = problems.filter((p) => !wizardFields.has(p.field));

  return (
    <div className="send-area">
      {agent && variables.length > 0 && (
        <div ref={wizard}>
          <WizardForm agent={agent} values={values} onChange={changeValues} problems={byField} disabled={props.disabled} />
        </div>
      )}
      {outside.length > 0 && (
        <p className="composer-error" role="alert">
          {outside.map((p) => `${p.field}: ${describeProblem(p.problem)}`).join(" ")}
        </p>
      )}
      {preview?.phase === "loading" && (
        <p className="cost-loading" role="status" data-testid="cost-loading">
          {words.previewing}
        </p>
      )}
      {preview?.phase === "failed" && (
        <p className="composer-error" role="alert" data-testid="cost-error">
          {preview.error.code === "invalidInput" ? messages.wizard.problems : describeError(preview.error)}
        </p>
      )}
      {preview?.phase === "shown" && (
        <CostPreviewPanel
          preview={preview.preview}
          onClose={preview.confirm ? undefined : () => setPreview(null)}
          confirm={
            preview.confirm
              ? {
                  sending: false,
                  onSend: () => {
                    confirmed.current = true;
                    composer.current?.submit();
                  },
                  onCancel: () => {
                    confirmed.current = false;
                    setPreview(null);
                  },
                }
              : undefined
          }
        />
      )}
      <Composer
        submitRef={composer}
        text={props.text}
        onTextChange={(text) => {
          confirmed.current = false;
          props.onTextChange(text);
        }}
        onSend={send}
        onBlur={props.onBlur}
        disabled={props.disabled}
        placeholder={props.placeholder}
        focusKey={props.focusKey}
        messageOptional={agent !== null && !agent.requiresUserMessage}
        describeSendError={describeSendError}
        errorResetKey={props.values}
        attachments={props.attachments}
        besideSend={
          <button
            type="button"
            className="button quiet bordered"
            data-testid="preview-cost"
            title={words.previewLabel}
            disabled={props.disabled || preview?.phase === "loading"}
            onClick={previewNow}
          >
            {words.preview}
          </button>
        }
      />
    </div>
  );
}

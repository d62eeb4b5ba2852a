import type { ReactNode } from "react";
import { describeProblem } from "../../errors";
import type { FieldProblem } from "../../bindings";

/** What an input needs to point at its hint and its problems. */
export type InputA11y = {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
};

/** The problems of a form by field, each already in words. */
export type ProblemWords = ReadonlyMap<string, string[]>;

/**
 * Groups problems by the field they belong to. `fieldOf` may move a problem to another
 * field (a choice's problem to its variable's choices input).
 */
export function problemWords(
  problems: readonly FieldProblem[],
  fieldOf: (p: FieldProblem) => { field: string; words: string } = (p) => ({ field: p.field, words: describeProblem(p.problem) }),
): ProblemWords {
  const map = new Map<string, string[]>();
  for (const p of problems) {
    const { field, words } = fieldOf(p);
    map.set(field, [...(map.get(field) ?? []), words]);
  }
  return map;
}

/** The element id of a form's input for a field. */
export function inputId(formId: string, field: string): string {
  return `${formId}-${field}`;
}

/** Moves the focus to the input of the first problem that has one. */
export function focusFirstProblem(formId: string, problems: readonly FieldProblem[], fieldOf: (p: FieldProblem) => string = (p) => p.field) {
  for (const p of problems) {
    const el = document.getElementById(inputId(formId, fieldOf(p)));
    if (el) {
      el.focus();
      return;
    }
  }
}

type FieldProps = {
  formId: string;
  /** The field as the backend names it (for `problem-<field>`). */
  field: string;
  label: ReactNode;
  hint?: ReactNode;
  problems: ProblemWords;
  className?: string;
  /** The input, given its id and descriptions. */
  children: (a11y: InputA11y) => ReactNode;
  /** A checkbox puts its label after the box. */
  inline?: boolean;
};

/** One labelled input with its hint and, under it, its problems. */
export function Field({ formId, field, label, hint, problems, className, children, inline = false }: FieldProps) {
  const id = inputId(formId, field);
  const words = problems.get(field) ?? [];
  const hintId = hint ? `${id}-hint` : null;
  const problemId = words.length > 0 ? `${id}-problem` : null;
  const describedBy = [problemId, hintId].filter(Boolean).join(" ") || undefined;
  const input = children({ id, "aria-describedby": describedBy, "aria-invalid": words.length > 0 ? true : undefined });
  return (
    <div className={`form-field ${inline ? "form-field-inline" : ""} ${className ?? ""}`}>
      {inline ? (
        <label className="form-check" htmlFor={id}>
          {input}
          <span>{label}</span>
        </label>
      ) : (
        <>
          <label className="form-label" htmlFor={id}>
            {label}
          </label>
          {input}
        </>
      )}
      {hint && (
        <p className="form-hint" id={hintId ?? undefined}>
          {hint}
        </p>
      )}
      {words.length > 0 && (
        <p className="form-problem" id={problemId ?? undefined} data-testid={`problem-${field}`}>
          {words.join(" ")}
        </p>
      )}
    </div>
  );
}

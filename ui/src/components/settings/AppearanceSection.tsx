import { useId, useState } from "react";
import type { AppError, AppearanceView, ThemeChoice } from "../../bindings";
import { describeError } from "../../errors";
import { messages } from "../../messages";
import type { Result } from "../../result";
import { pageTheme, type PageTheme } from "../../theme";
import "./appearance.css";

const words = messages.appearance;

/** The command the section uses (a subset of `commands`). */
export type AppearanceApi = {
  setTheme(theme: ThemeChoice): Promise<Result<AppearanceView, AppError>>;
};

const CHOICES: { value: ThemeChoice; label: string; hint?: string }[] = [
  { value: "system", label: words.system, hint: words.systemHint },
  { value: "light", label: words.light },
  { value: "dark", label: words.dark },
];

/**
 * Light, dark or as the system says. The page changes at once; the choice is saved in
 * the app's settings (and the native window follows). A choice that was not saved is
 * taken back, with the reason.
 */
export function AppearanceSection({ api, theme = pageTheme() }: { api: AppearanceApi; theme?: PageTheme }) {
  const id = useId();
  const [choice, setChoice] = useState<ThemeChoice>(theme.choice);
  const [error, setError] = useState<string | null>(null);

  async function choose(next: ThemeChoice) {
    const before = choice;
    setChoice(next);
    setError(null);
    theme.apply(next);
    let result: Result<AppearanceView, AppError>;
    try {
      result = await api.setTheme(next);
    } catch {
      result = { status: "error", error: { code: "internal" } };
    }
    if (result.status === "ok") {
      setChoice(result.data.theme);
      theme.apply(result.data.theme);
    } else {
      setChoice(before);
      theme.apply(before);
      setError(`${words.saveFailed} ${describeError(result.error)}`);
    }
  }

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`} data-testid="appearance-section">
      <h3 id={`${id}-title`}>{words.title}</h3>
      <fieldset className="theme-choices">
        <legend>{words.theme}</legend>
        {CHOICES.map((c) => (
          <label className="form-check" key={c.value}>
            <input
              type="radio"
              name={`${id}-theme`}
              value={c.value}
              data-testid={`theme-${c.value}`}
              checked={choice === c.value}
              aria-describedby={c.hint ? `${id}-${c.value}-hint` : undefined}
              onChange={() => void choose(c.value)}
            />
            <span>{c.label}</span>
            {c.hint && (
              <span className="form-hint theme-hint" id={`${id}-${c.value}-hint`}>
                {c.hint}
              </span>
            )}
          </label>
        ))}
      </fieldset>
      {error && (
        <p className="form-problem" role="alert" data-testid="appearance-error">
          {error}
        </p>
      )}
    </section>
  );
}

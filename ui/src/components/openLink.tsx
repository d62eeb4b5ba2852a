import { createContext, useContext, useState, type ReactNode } from "react";
import type { AppError } from "../bindings";
import { describeError } from "../errors";
import type { Result } from "../result";

/** Opens a link through the backend (which checks it and asks the user first). */
export type OpenLink = (url: string) => Promise<Result<boolean, AppError>>;

/** The app's `open_link` command, for links in model output. */
export const OpenLinkContext = createContext<OpenLink | null>(null);

/**
 * `open(url)` asks the backend to open a link (it never navigates the window);
 * `problemNote` is the refusal or failure to show beside the link, if any.
 */
export function useOpenLink(): { open: (url: string) => Promise<void>; problemNote: ReactNode } {
  const openLink = useContext(OpenLinkContext);
  const [problem, setProblem] = useState<AppError | null>(null);

  async function open(url: string) {
    if (!openLink) return;
    setProblem(null);
    try {
      const result = await openLink(url);
      if (result.status === "error") setProblem(result.error);
    } catch {
      setProblem({ code: "internal" });
    }
  }

  const problemNote = problem && (
    <span className="link-error md-link-error" data-testid="link-error" role="alert">
      {describeError(problem)}
    </span>
  );
  return { open, problemNote };
}

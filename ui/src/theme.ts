// The page's colour scheme: the user's choice (System, Light, Dark, kept in the app's
// settings by the backend) resolved against the OS's light or dark setting, set as
// `data-theme="light|dark"` on <html>, which the stylesheets' palettes key on
// (styles.css light, theme.css dark). With System the page follows the OS as it changes.

import type { ThemeChoice } from "./bindings";

export type Scheme = "light" | "dark";

/** What the page needs of `matchMedia("(prefers-color-scheme: dark)")`. */
export type DarkQuery = {
  readonly matches: boolean;
  addEventListener(type: "change", listener: () => void): void;
};

/** The scheme to show for a choice, given whether the OS is dark now. */
export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Scheme {
  if (choice === "system") return systemDark ? "dark" : "light";
  return choice;
}

export type PageTheme = {
  /** The choice applied last (System until one is applied). */
  readonly choice: ThemeChoice;
  /** Applies a choice: the page's scheme changes at once. */
  apply(choice: ThemeChoice): void;
};

/**
 * The theme of a document. Nothing is set until the first `apply` (the stylesheet's
 * `prefers-color-scheme` fallback paints meanwhile), so the page never shows the OS's
 * scheme for a moment when the user chose the other one.
 */
export function createTheme(root: HTMLElement, dark: DarkQuery | null): PageTheme {
  let choice: ThemeChoice = "system";
  let applied = false;
  const paint = () => {
    root.dataset.theme = resolveTheme(choice, dark?.matches ?? false);
    root.dataset.themeChoice = choice;
  };
  dark?.addEventListener("change", () => {
    if (applied && choice === "system") paint();
  });
  return {
    get choice() {
      return choice;
    },
    apply(next) {
      choice = next;
      applied = true;
      paint();
    },
  };
}

let page: PageTheme | null = null;

/** This page's theme (one per document). */
export function pageTheme(): PageTheme {
  page ??= createTheme(
    document.documentElement,
    typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : null,
  );
  return page;
}

import { describe, expect, it } from "vitest";
import { createTheme, resolveTheme, type DarkQuery } from "./theme";

/** An OS setting the test flips. */
function fakeOs(dark: boolean) {
  const listeners: (() => void)[] = [];
  const query: DarkQuery & { matches: boolean; set(dark: boolean): void } = {
    matches: dark,
    addEventListener: (_type, listener) => listeners.push(listener),
    set(value) {
      this.matches = value;
      for (const l of listeners) l();
    },
  };
  return query;
}

describe("resolveTheme", () => {
  it("follows the OS only for System", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
  });
});

describe("createTheme", () => {
  it("sets nothing before the choice is known, then the resolved scheme on the root", () => {
    const root = document.createElement("html");
    const os = fakeOs(false);
    const theme = createTheme(root, os);
    expect(root.dataset.theme).toBeUndefined();
    os.set(true);
    // Still unknown: the stylesheet's own fallback shows the OS's scheme meanwhile.
    expect(root.dataset.theme).toBeUndefined();
    theme.apply("light");
    expect(root.dataset.theme).toBe("light");
    expect(root.dataset.themeChoice).toBe("light");
    expect(theme.choice).toBe("light");
  });

  it("follows the OS as it changes with System, and not with a manual choice", () => {
    const root = document.createElement("html");
    const os = fakeOs(false);
    const theme = createTheme(root, os);
    theme.apply("system");
    expect(root.dataset.theme).toBe("light");
    os.set(true);
    expect(root.dataset.theme).toBe("dark");
    theme.apply("light");
    expect(root.dataset.theme).toBe("light");
    os.set(false);
    os.set(true);
    expect(root.dataset.theme).toBe("light");
    theme.apply("dark");
    os.set(false);
    expect(root.dataset.theme).toBe("dark");
    theme.apply("system");
    expect(root.dataset.theme).toBe("light");
  });

  it("is light with System where the webview cannot say", () => {
    const root = document.createElement("html");
    createTheme(root, null).apply("system");
    expect(root.dataset.theme).toBe("light");
  });
});

import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppError, AppearanceView, ThemeChoice } from "../../bindings";
import type { Result } from "../../result";
import { createTheme } from "../../theme";
import { AppearanceSection } from "./AppearanceSection";

afterEach(cleanup);

function setup(answer: (theme: ThemeChoice) => Result<AppearanceView, AppError>, osDark = false) {
  const root = document.createElement("html");
  const theme = createTheme(root, { matches: osDark, addEventListener: () => undefined });
  theme.apply("system");
  const api = { setTheme: vi.fn(async (t: ThemeChoice) => answer(t)) };
  render(<AppearanceSection api={api} theme={theme} />);
  return { root, theme, api };
}

const radio = (choice: ThemeChoice) => screen.getByTestId(`theme-${choice}`) as HTMLInputElement;

describe("AppearanceSection", () => {
  it("shows the current choice and switches the page at once, saving the new one", async () => {
    const s = setup((theme) => ({ status: "ok", data: { theme } }), true);
    expect(radio("system").checked).toBe(true);
    expect(s.root.dataset.theme).toBe("dark");
    await act(async () => fireEvent.click(radio("light")));
    expect(s.api.setTheme).toHaveBeenCalledWith("light");
    expect(radio("light").checked).toBe(true);
    expect(s.root.dataset.theme).toBe("light");
    await act(async () => fireEvent.click(radio("dark")));
    expect(s.root.dataset.theme).toBe("dark");
    expect(s.theme.choice).toBe("dark");
    expect(screen.getByRole("group", { name: "Theme" })).toBeTruthy();
  });

  it("takes back a choice that was not saved and says why", async () => {
    const s = setup(() => ({ status: "error", error: { code: "storage" } }));
    await act(async () => fireEvent.click(radio("dark")));
    expect(s.api.setTheme).toHaveBeenCalledWith("dark");
    expect(radio("system").checked).toBe(true);
    expect(s.root.dataset.theme).toBe("light");
    expect(screen.getByTestId("appearance-error").textContent).toMatch(/^The theme was not saved: /);
  });
});

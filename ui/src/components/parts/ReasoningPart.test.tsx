import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ReasoningPart } from "./ReasoningPart";
import { reasoning } from "./samples";

afterEach(cleanup);

function toggle() {
  return screen.getByTestId("reasoning-toggle");
}

describe("ReasoningPart", () => {
  it("is open while it streams, then folds away when its duration arrives", () => {
    const view = render(<ReasoningPart part={reasoning} running />);
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
    expect(toggle().textContent).toBe("Thinking…");
    const body = screen.getByTestId("reasoning-body");
    expect(toggle().getAttribute("aria-controls")).toBe(body.id);
    expect(body.hidden).toBe(false);
    expect(body.textContent).toBe("Let me think.\n<b>not bold</b>");

    view.rerender(<ReasoningPart part={{ ...reasoning, text: reasoning.text + " More." }} running />);
    expect(toggle().getAttribute("aria-expanded")).toBe("true");

    view.rerender(<ReasoningPart part={{ ...reasoning, durationMs: 1234 }} running />);
    expect(toggle().getAttribute("aria-expanded")).toBe("false");
    expect(toggle().textContent).toBe("Thought for 1.2 s");
    expect(screen.getByTestId("reasoning-body").hidden).toBe(true);
  });

  it("stays the way the user left it", () => {
    const view = render(<ReasoningPart part={reasoning} running />);
    fireEvent.click(toggle()); // closed while streaming
    expect(toggle().getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(toggle()); // and opened again: now the user's choice
    view.rerender(<ReasoningPart part={{ ...reasoning, durationMs: 20 }} running />);
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
    expect(toggle().textContent).toBe("Thought for 20 ms");
  });

  it("starts folded when it is already over, and opens on a click", () => {
    render(<ReasoningPart part={{ ...reasoning, durationMs: 20 }} running={false} />);
    expect(toggle().getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(toggle());
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
    expect(screen.getByTestId("reasoning-body").hidden).toBe(false);
  });

  it("does not say Thinking once the run has ended without a duration", () => {
    render(<ReasoningPart part={reasoning} running={false} />);
    expect(toggle().textContent).toBe("Thoughts");
    expect(toggle().getAttribute("aria-expanded")).toBe("false");
  });
});

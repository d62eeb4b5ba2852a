import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { InspectedEvents } from "../bindings";
import { snapshot, text } from "../testFixtures";
import { Exchange, type ExchangeActions } from "./Exchange";
import { tool } from "./parts/samples";

const writeText = vi.fn(async (_text: string) => undefined);

beforeEach(() => {
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  writeText.mockReset();
  writeText.mockImplementation(async () => undefined);
});
afterEach(cleanup);

const events: InspectedEvents = {
  events: [
    { number: 3, atMs: 0, eventType: "start", json: '{\n  "type": "start"\n}' },
    { number: 4, atMs: 1250, eventType: "text", json: '{\n  "delta": "<img src=x>"\n}' },
  ],
  cut: 2,
};

function fakeActions(over: Partial<ExchangeActions> = {}): ExchangeActions {
  return {
    retry: vi.fn<ExchangeActions["retry"]>(async () => ({ status: "ok", data: "h2" })),
    stop: vi.fn<ExchangeActions["stop"]>(async () => ({ status: "ok", data: null })),
    inspect: vi.fn<ExchangeActions["inspect"]>(async () => ({ status: "ok", data: events })),
    ...over,
  };
}

function renderExchange(entry = snapshot("h1", { text: "Hi", status: "completed" }), actions = fakeActions()) {
  render(
    <ol>
      <Exchange entry={entry} agentName="Helper" actions={actions} />
    </ol>,
  );
  return actions;
}

describe("Exchange while running", () => {
  it("has a Stop button that asks the store to stop this execution", async () => {
    const actions = renderExchange(snapshot("h1", { text: "Hal" }));
    const stop = screen.getByRole("button", { name: "Stop answering" });
    expect(stop.dataset.testid).toBe("stop-button");
    await act(async () => fireEvent.click(stop));
    expect(actions.stop).toHaveBeenCalledWith("h1");
    expect(screen.queryByTestId("stop-error")).toBeNull();
  });

  it("says why stopping failed", async () => {
    renderExchange(
      snapshot("h1"),
      fakeActions({ stop: vi.fn(async () => ({ status: "error" as const, error: { code: "unknownExecution" as const, handle: "h1" } })) }),
    );
    await act(async () => fireEvent.click(screen.getByTestId("stop-button")));
    expect(screen.getByTestId("stop-error").textContent).toMatch(/no longer known to the app/);
  });

  it("treats a stop command that throws as an internal error", async () => {
    renderExchange(snapshot("h1"), fakeActions({ stop: vi.fn(async () => Promise.reject(new Error("ipc"))) }));
    await act(async () => fireEvent.click(screen.getByTestId("stop-button")));
    expect(screen.getByTestId("stop-error").textContent).toMatch(/Something went wrong inside Athena Desktop/);
  });

  it("keeps the agent's parts inside the assistant message and the controls outside", () => {
    renderExchange(snapshot("h1", { parts: [tool, text("Working on it")] }));
    const answer = screen.getByTestId("message-assistant");
    expect(within(answer).getByTestId("part-server-tool")).toBeTruthy();
    expect(within(answer).getByTestId("part-text").textContent).toBe("Working on it");
    expect(within(answer).queryByTestId("stop-button")).toBeNull();
  });
});

describe("Exchange actions once finished", () => {
  it("copies the answer's Markdown (every text part) and says Copied", async () => {
    renderExchange(
      snapshot("h1", { status: "completed", parts: [text("# Title"), tool, text("Body **bold**")] }),
    );
    const copy = screen.getByTestId("copy-answer");
    await act(async () => fireEvent.click(copy));
    expect(writeText).toHaveBeenCalledWith("# Title\n\nBody **bold**");
    expect(copy.textContent).toBe("Copied");
  });

  it("says when copying failed", async () => {
    writeText.mockImplementation(async () => {
      throw new Error("denied");
    });
    renderExchange();
    await act(async () => fireEvent.click(screen.getByTestId("copy-answer")));
    expect(screen.getByTestId("copy-answer").textContent).toBe("Copy failed");
  });

  it("offers no Copy when there is no text", () => {
    renderExchange(snapshot("h1", { status: "completed", parts: [tool] }));
    expect(screen.queryByTestId("copy-answer")).toBeNull();
    expect(screen.getByTestId("inspect-button")).toBeTruthy();
  });
});

describe("Inspect", () => {
  async function open(actions = fakeActions()) {
    renderExchange(undefined, actions);
    const button = screen.getByTestId("inspect-button");
    button.focus();
    await act(async () => fireEvent.click(button));
    return { actions, button, view: screen.getByTestId("inspect-view") };
  }

  it("fetches the raw events on open and lists them in order, as text", async () => {
    const { actions, view } = await open();
    expect(actions.inspect).toHaveBeenCalledWith("h1");
    expect(view.getAttribute("role")).toBe("dialog");
    expect(view.getAttribute("aria-modal")).toBe("true");
    const items = within(view).getAllByTestId("inspect-event");
    expect(items.map((item) => item.querySelector(".inspect-event-head")?.textContent)).toEqual([
      "#3+0 msstart",
      "#4+1,250 mstext",
    ]);
    expect(items[1]!.querySelector("pre")?.textContent).toBe('{\n  "delta": "<img src=x>"\n}');
    expect(view.querySelector("img")).toBeNull();
    expect(within(view).getByTestId("inspect-cut").textContent).toBe(
      "2 older events are not shown (only the newest are kept).",
    );
  });

  it("moves the focus in, closes on Escape and gives the focus back", async () => {
    const { button, view } = await open();
    expect(view.contains(document.activeElement)).toBe(true);
    expect(document.activeElement).toBe(screen.getByTestId("inspect-close"));
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(screen.queryByTestId("inspect-view")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("closes with its button", async () => {
    const { button } = await open();
    fireEvent.click(screen.getByRole("button", { name: "Close the raw events" }));
    expect(screen.queryByTestId("inspect-view")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("keeps Tab inside the dialog", async () => {
    const { view } = await open();
    const close = screen.getByTestId("inspect-close");
    const body = view.querySelector<HTMLElement>(".inspect-body")!;
    body.focus();
    fireEvent.keyDown(body, { key: "Tab" });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(body);
  });

  it("shows an error in words", async () => {
    const { view } = await open(
      fakeActions({ inspect: vi.fn(async () => ({ status: "error" as const, error: { code: "unknownExecution" as const, handle: "h1" } })) }),
    );
    expect(within(view).getByTestId("inspect-error").textContent).toMatch(/no longer known to the app/);
    expect(within(view).queryAllByTestId("inspect-event")).toHaveLength(0);
  });
});

import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError, Feedback, InspectedEvents } from "../bindings";
import { snapshot, text } from "../testFixtures";
import { Exchange, type ExchangeActions } from "./Exchange";
import { clientToolDone, clientToolWaiting, tool } from "./parts/samples";

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
    resend: vi.fn<ExchangeActions["resend"]>(async () => ({ status: "ok", data: null })),
    regenerate: vi.fn<ExchangeActions["regenerate"]>(async () => ({ status: "ok", data: "h2" })),
    feedback: vi.fn<ExchangeActions["feedback"]>(async () => ({ status: "ok", data: null })),
    stop: vi.fn<ExchangeActions["stop"]>(async () => ({ status: "ok", data: null })),
    inspect: vi.fn<ExchangeActions["inspect"]>(async () => ({ status: "ok", data: events })),
    ...over,
  };
}

function renderExchange(
  entry = snapshot("h1", { text: "Hi", status: "completed" }),
  actions = fakeActions(),
  flags: { canContinue?: boolean; canGiveFeedback?: boolean } = {},
) {
  render(
    <ol>
      <Exchange entry={entry} agentName="Helper" actions={actions} {...flags} />
    </ol>,
  );
  return actions;
}

describe("Exchange while running", () => {
  it("says under the answer that the approval dialog waits, while a tool call asks", () => {
    renderExchange(snapshot("h1", { parts: [clientToolDone, { ...clientToolWaiting, callId: "ct_2" }] }));
    expect(screen.getByTestId("silence-counter").textContent).toBe("Waiting for your answer in the approval dialog");
    cleanup();
    renderExchange(snapshot("h1", { parts: [clientToolDone] }));
    expect(screen.queryByTestId("silence-counter")).toBeNull();
  });

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

describe("Exchange of a wizard run", () => {
  it("shows the variables it was sent with, as text, never as markup", () => {
    const entry = snapshot("h1", { text: "Outline", status: "completed" });
    entry.request = {
      ...entry.request,
      message: "",
      variables: [
        { name: "topic", value: "<b>Quarterly</b> planning" },
        { name: "sections", value: "4" },
      ],
    };
    renderExchange(entry);
    const shown = screen.getByTestId("message-variables");
    expect(shown.textContent).toBe("topic<b>Quarterly</b> planningsections4");
    expect(shown.querySelector("b")).toBeNull();
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

describe("Resend", () => {
  const failedBefore = (error: AppError) => snapshot("h1", { status: "failed", error });
  const resendable: AppError[] = [
    { code: "unreachable" },
    { code: "timeout" },
    { code: "interrupted" },
    { code: "internal" },
    { code: "http", status: 429, serverCode: null, serverMessage: null },
    { code: "http", status: 503, serverCode: null, serverMessage: null },
  ];
  const notResendable: AppError[] = [
    { code: "http", status: 400, serverCode: null, serverMessage: null },
    { code: "http", status: 401, serverCode: null, serverMessage: null },
    { code: "executionFailed", serverCode: null, serverMessage: null },
    { code: "streamEndedEarly", executionId: null },
    { code: "alreadyReceived" },
    { code: "validation", field: "message", rule: "tooLong", limit: 1, actual: 2 },
  ];

  it.each(resendable.map((e) => [JSON.stringify(e), e] as const))("is offered for %s before any answer", async (_name, error) => {
    const actions = renderExchange(failedBefore(error));
    await act(async () => fireEvent.click(screen.getByTestId("resend")));
    expect(actions.resend).toHaveBeenCalledWith("h1");
  });

  it.each(notResendable.map((e) => [JSON.stringify(e), e] as const))("is not offered for %s", (_name, error) => {
    renderExchange(failedBefore(error));
    expect(screen.queryByTestId("resend")).toBeNull();
    expect(screen.getByTestId("execution-error")).toBeTruthy();
  });

  it("is not offered once the server started it or parts arrived", () => {
    renderExchange(snapshot("h1", { status: "failed", error: { code: "unreachable" }, executionId: "e1" }));
    expect(screen.queryByTestId("resend")).toBeNull();
    cleanup();
    renderExchange(snapshot("h1", { status: "failed", error: { code: "timeout" }, text: "Part" }));
    expect(screen.queryByTestId("resend")).toBeNull();
  });

  it("is not offered in an archived conversation", () => {
    renderExchange(failedBefore({ code: "unreachable" }), fakeActions(), { canContinue: false });
    expect(screen.queryByTestId("resend")).toBeNull();
    expect(screen.queryByTestId("regenerate")).toBeNull();
  });
});

describe("alreadyReceived and interrupted", () => {
  it("says the server already has the message and that Regenerate sends it again", () => {
    renderExchange(snapshot("h1", { status: "failed", error: { code: "alreadyReceived" } }));
    const error = screen.getByTestId("execution-error").textContent ?? "";
    expect(error).toContain("Already received by the server — its answer can't be fetched.");
    expect(error).toContain("Regenerate sends it again as a new message (it may be charged again).");
    expect(screen.queryByTestId("resend")).toBeNull();
    expect(screen.getByTestId("regenerate")).toBeTruthy();
  });

  it("keeps an interrupted partial answer and labels it, without an error card", () => {
    renderExchange(snapshot("h1", { status: "failed", error: { code: "interrupted" }, text: "Half an answ" }));
    expect(screen.getByTestId("message-assistant").textContent).toBe("Half an answ");
    expect(screen.getByTestId("interrupted-note").textContent).toBe(
      "Interrupted — the app closed before this answer finished. What had arrived is kept.",
    );
    expect(screen.queryByTestId("execution-error")).toBeNull();
    expect(screen.queryByTestId("execution-notice")?.textContent ?? "").not.toMatch(/failed/);
    expect(screen.getAllByText(/Interrupted|failed/)).toHaveLength(1);
  });
});

describe("Regenerate", () => {
  it.each(["completed", "stopped"] as const)("is offered on a %s answer and regenerates this handle", async (status) => {
    const actions = renderExchange(snapshot("h1", { status, text: "Hi" }));
    await act(async () => fireEvent.click(screen.getByTestId("regenerate")));
    expect(actions.regenerate).toHaveBeenCalledWith("h1");
  });

  it("is not offered where Resend can try the same message with its key", () => {
    renderExchange(snapshot("h1", { status: "failed", error: { code: "timeout" } }));
    expect(screen.getByTestId("resend")).toBeTruthy();
    expect(screen.queryByTestId("regenerate")).toBeNull();
  });

  it("is not offered while the answer streams or waits", () => {
    renderExchange(snapshot("h1", { text: "Hal" }));
    expect(screen.queryByTestId("regenerate")).toBeNull();
    cleanup();
    renderExchange(snapshot("h1", { status: "awaitingApproval" }));
    expect(screen.queryByTestId("regenerate")).toBeNull();
  });

  it("shows why it could not regenerate", async () => {
    renderExchange(
      undefined,
      fakeActions({ regenerate: vi.fn(async () => ({ status: "error" as const, error: { code: "conversationArchived" as const } })) }),
    );
    await act(async () => fireEvent.click(screen.getByTestId("regenerate")));
    expect(screen.getByTestId("action-error").textContent).toMatch(/archived/);
  });
});

describe("Feedback", () => {
  const answered = (feedback: Feedback | null = null) =>
    snapshot("h1", { status: "completed", text: "Hi", messageId: "m1", feedback });

  it("is offered only on an answer with a message id, in a conversation the server keeps", () => {
    renderExchange(snapshot("h1", { status: "completed", text: "Hi" }));
    expect(screen.queryByTestId("feedback-up")).toBeNull();
    cleanup();
    renderExchange(answered(), fakeActions(), { canGiveFeedback: false });
    expect(screen.queryByTestId("feedback-up")).toBeNull();
  });

  it("sends thumbs up and down for this handle", async () => {
    const actions = renderExchange(answered());
    const up = screen.getByRole("button", { name: "Good answer" });
    expect(up.getAttribute("aria-pressed")).toBe("false");
    await act(async () => fireEvent.click(up));
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Bad answer" })));
    expect(actions.feedback).toHaveBeenNthCalledWith(1, "h1", true);
    expect(actions.feedback).toHaveBeenNthCalledWith(2, "h1", false);
  });

  it("is disabled while sending and shows the chosen one pressed once sent", () => {
    renderExchange(answered({ up: false, delivery: "sending" }));
    expect((screen.getByTestId("feedback-up") as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("feedback-down") as HTMLButtonElement).disabled).toBe(true);
    cleanup();
    renderExchange(answered({ up: false, delivery: "sent" }));
    expect(screen.getByTestId("feedback-down").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("feedback-up").getAttribute("aria-pressed")).toBe("false");
    expect((screen.getByTestId("feedback-down") as HTMLButtonElement).disabled).toBe(false);
  });

  it("says when it wasn't sent and tries the same choice again", async () => {
    const actions = renderExchange(answered({ up: true, delivery: "failed" }));
    expect(screen.getByTestId("feedback-failed").textContent).toContain("Feedback wasn't sent.");
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Try again" })));
    expect(actions.feedback).toHaveBeenCalledWith("h1", true);
  });

  it("shows a command error in words", async () => {
    renderExchange(
      answered(),
      fakeActions({ feedback: vi.fn(async () => ({ status: "error" as const, error: { code: "noMessageId" as const } })) }),
    );
    await act(async () => fireEvent.click(screen.getByTestId("feedback-up")));
    expect(screen.getByTestId("feedback-error").textContent).toMatch(/no id/);
  });
});

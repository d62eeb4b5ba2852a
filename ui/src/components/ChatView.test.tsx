import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AgentSummary } from "../bindings";
import { snapshot, usage } from "../testFixtures";
import { ChatView } from "./ChatView";
import type { ExchangeActions } from "./Exchange";

const agents: AgentSummary[] = [{ id: "agent-1", name: "Helper", description: "Helps.", requiresUserMessage: true, variables: [] }];

function fakeActions(over: Partial<ExchangeActions> = {}): ExchangeActions {
  return {
    resend: vi.fn<ExchangeActions["resend"]>(async () => ({ status: "ok", data: null })),
    regenerate: vi.fn<ExchangeActions["regenerate"]>(async () => ({ status: "ok", data: "h" })),
    feedback: vi.fn<ExchangeActions["feedback"]>(async () => ({ status: "ok", data: null })),
    stop: vi.fn<ExchangeActions["stop"]>(async () => ({ status: "ok", data: null })),
    inspect: vi.fn<ExchangeActions["inspect"]>(async () => ({ status: "ok", data: { events: [], cut: 0 } })),
    ...over,
  };
}

afterEach(cleanup);

describe("ChatView", () => {
  it("renders model output as Markdown without HTML", () => {
    const hostile = '<img src=x onerror="alert(1)"><b>bold</b>\n<script>alert(2)</script>\n\nand **strong**';
    const { container } = render(
      <ChatView entries={[snapshot("a", { text: hostile, status: "completed" })]} agents={agents} actions={fakeActions()} />,
    );
    const answer = screen.getByTestId("message-assistant");
    expect(answer.textContent).toContain("<b>bold</b>");
    expect(answer.textContent).toContain("<script>alert(2)</script>");
    expect(container.querySelector("img, b, script")).toBeNull();
    expect(answer.querySelector("strong")?.textContent).toBe("strong");
  });

  it("shows the user's message, a streaming indicator and a Stop button while running", () => {
    render(<ChatView entries={[snapshot("a", { message: "Hi!", text: "Hel" })]} agents={agents} actions={fakeActions()} />);
    expect(screen.getByTestId("message-user").textContent).toBe("Hi!");
    expect(screen.getByTestId("message-assistant").textContent).toBe("Hel");
    expect(screen.getByTestId("part-text").textContent).toBe("Hel");
    expect(screen.getByTestId("streaming-indicator")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Stop answering" })).toBe(screen.getByTestId("stop-button"));
    expect(screen.queryByTestId("usage-line")).toBeNull();
    expect(screen.queryByTestId("copy-answer")).toBeNull();
    expect(screen.queryByTestId("inspect-button")).toBeNull();
  });

  it("shows the usage line and the message actions once finished, without the indicator", () => {
    render(
      <ChatView entries={[snapshot("a", { text: "Done.", status: "completed", usage })]} agents={agents} actions={fakeActions()} />,
    );
    expect(screen.queryByTestId("streaming-indicator")).toBeNull();
    expect(screen.queryByTestId("stop-button")).toBeNull();
    expect(screen.getByTestId("usage-line").textContent).toBe("1,234 tokens (1,000 in · 234 out) · $0.0042 · 2.34 s");
    expect(screen.getByTestId("copy-answer")).toBeTruthy();
    expect(screen.getByTestId("inspect-button")).toBeTruthy();
  });

  it("shows the error in words and regenerates the answer", async () => {
    const actions = fakeActions();
    render(
      <ChatView
        entries={[
          snapshot("a", {
            agentId: "agent-7",
            message: "Tell me a story",
            text: "Once upon",
            status: "failed",
            error: { code: "streamEndedEarly", executionId: null },
          }),
        ]}
        agents={agents}
        actions={actions}
      />,
    );
    expect(screen.getByTestId("message-assistant").textContent).toBe("Once upon");
    expect(screen.getByTestId("execution-error").textContent).toContain("The answer stopped arriving");
    expect(screen.getByTestId("execution-error").textContent).not.toContain("refunded");
    expect(screen.queryByTestId("resend")).toBeNull(); // parts arrived: not resendable
    const regenerate = screen.getByTestId("regenerate");
    expect(regenerate.textContent).toBe("Regenerate");
    await act(async () => fireEvent.click(regenerate));
    expect(actions.regenerate).toHaveBeenCalledWith("a");
  });

  it("says the credits were refunded when the server reports the run failed", () => {
    render(
      <ChatView
        entries={[snapshot("a", { status: "failed", error: { code: "executionFailed", serverCode: null, serverMessage: "boom" } })]}
        agents={agents}
        actions={fakeActions()}
      />,
    );
    const error = screen.getByTestId("execution-error").textContent ?? "";
    expect(error).toContain('The server said: "boom"');
    expect(error).toContain("The credits for this run were refunded.");
  });

  it("shows why a resend could not be sent", async () => {
    const actions = fakeActions({ resend: vi.fn(async () => ({ status: "error" as const, error: { code: "timeout" as const } })) });
    render(
      <ChatView entries={[snapshot("a", { status: "failed", error: { code: "unreachable" } })]} agents={agents} actions={actions} />,
    );
    await act(async () => fireEvent.click(screen.getByTestId("resend")));
    expect(actions.resend).toHaveBeenCalledWith("a");
    expect(screen.getByTestId("action-error").textContent).toContain("The server took too long to answer");
  });

  it("explains a run that stopped to wait, with no error block", () => {
    render(<ChatView entries={[snapshot("a", { status: "awaitingApproval" })]} agents={agents} actions={fakeActions()} />);
    expect(screen.getByTestId("execution-notice").textContent).toContain("waiting for an approval");
    expect(screen.queryByTestId("execution-error")).toBeNull();
    expect(screen.queryByTestId("streaming-indicator")).toBeNull();
  });

  it("does not repeat a wait that a waiting part already explains", () => {
    render(
      <ChatView
        entries={[snapshot("a", { status: "awaitingClientTool", parts: [{ kind: "waiting", reason: "awaitingClientTool" }] })]}
        agents={agents}
        actions={fakeActions()}
      />,
    );
    expect(screen.getByTestId("part-waiting")).toBeTruthy();
    expect(screen.queryByTestId("execution-notice")).toBeNull();
  });

  it("says that a stopped answer may still be finished and charged", () => {
    render(
      <ChatView entries={[snapshot("a", { status: "stopped", text: "Half" })]} agents={agents} actions={fakeActions()} />,
    );
    expect(screen.getByTestId("execution-notice").textContent).toBe(
      "You stopped this answer. The server may still finish it and charge for it.",
    );
    expect(screen.queryByTestId("execution-error")).toBeNull();
    expect(screen.queryByTestId("stop-button")).toBeNull();
    expect(screen.getByTestId("message-assistant").textContent).toBe("Half");
  });

  it("keeps exchanges in order", () => {
    render(
      <ChatView
        entries={[snapshot("a", { message: "one" }), snapshot("b", { message: "two" })]}
        agents={agents}
        actions={fakeActions()}
      />,
    );
    expect(screen.getAllByTestId("message-user").map((e) => e.textContent)).toEqual(["one", "two"]);
  });
});

describe("ChatView for screen readers", () => {
  it("has one polite live region, and the growing list is not one", () => {
    const { container } = render(
      <ChatView entries={[snapshot("a", { text: "Hel" })]} agents={agents} actions={fakeActions()} />,
    );
    const live = container.querySelectorAll("[aria-live]");
    expect(live).toHaveLength(1);
    expect(live[0]!.getAttribute("aria-live")).toBe("polite");
    expect(screen.getByTestId("chat-list").hasAttribute("aria-live")).toBe(false);
  });

  it("announces when an answer starts and ends, not each delta, and not what was there at load", () => {
    const actions = fakeActions();
    const view = render(
      <ChatView entries={[snapshot("old", { status: "completed", text: "Earlier" })]} agents={agents} actions={actions} />,
    );
    const announcer = screen.getByTestId("chat-announcer");
    expect(announcer.textContent).toBe("");
    const old = snapshot("old", { status: "completed", text: "Earlier" });
    view.rerender(<ChatView entries={[old, snapshot("b", { text: "" })]} agents={agents} actions={actions} />);
    expect(announcer.textContent).toBe("Helper is answering");
    view.rerender(<ChatView entries={[old, snapshot("b", { seq: 2, text: "Hel" })]} agents={agents} actions={actions} />);
    view.rerender(<ChatView entries={[old, snapshot("b", { seq: 3, text: "Hello" })]} agents={agents} actions={actions} />);
    expect(announcer.textContent).toBe("Helper is answering");
    view.rerender(
      <ChatView entries={[old, snapshot("b", { seq: 4, text: "Hello", status: "completed" })]} agents={agents} actions={actions} />,
    );
    expect(announcer.textContent).toBe("Helper finished answering");
  });

  it("announces a failure with its sentence", () => {
    const actions = fakeActions();
    const view = render(<ChatView entries={[snapshot("b")]} agents={agents} actions={actions} />);
    view.rerender(
      <ChatView entries={[snapshot("b", { seq: 2, status: "failed", error: { code: "timeout" } })]} agents={agents} actions={actions} />,
    );
    expect(screen.getByTestId("chat-announcer").textContent).toMatch(/^Helper could not finish\. The server took too long/);
  });
});

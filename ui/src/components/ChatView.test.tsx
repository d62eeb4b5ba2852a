import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AgentSummary, AppError } from "../bindings";
import type { Result } from "../result";
import { snapshot, usage } from "../testFixtures";
import { ChatView } from "./ChatView";

const agents: AgentSummary[] = [{ id: "agent-1", name: "Helper", description: "Helps.", requiresUserMessage: true }];
type Retry = (agentId: string, message: string) => Promise<Result<string, AppError>>;
const noRetry = vi.fn<Retry>(async () => ({ status: "ok", data: "h" }));

afterEach(cleanup);

describe("ChatView", () => {
  it("renders model output as text, never as HTML", () => {
    const hostile = '<img src=x onerror="alert(1)"><b>bold</b>\n<script>alert(2)</script>';
    const { container } = render(
      <ChatView entries={[snapshot("a", { text: hostile, status: "completed" })]} agents={agents} onRetry={noRetry} />,
    );
    const answer = screen.getByTestId("message-assistant");
    expect(answer.textContent).toBe(hostile);
    expect(container.querySelector("img, b, script")).toBeNull();
  });

  it("shows the user's message and a streaming indicator while running", () => {
    render(
      <ChatView entries={[snapshot("a", { message: "Hi!", text: "Hel" })]} agents={agents} onRetry={noRetry} />,
    );
    expect(screen.getByTestId("message-user").textContent).toBe("Hi!");
    expect(screen.getByTestId("message-assistant").textContent).toBe("Hel");
    expect(screen.getByTestId("streaming-indicator")).toBeTruthy();
    expect(screen.queryByTestId("usage-line")).toBeNull();
  });

  it("shows the usage line once finished, without the indicator", () => {
    render(
      <ChatView
        entries={[snapshot("a", { text: "Done.", status: "completed", usage })]}
        agents={agents}
        onRetry={noRetry}
      />,
    );
    expect(screen.queryByTestId("streaming-indicator")).toBeNull();
    expect(screen.getByTestId("usage-line").textContent).toBe("1,234 tokens (1,000 in · 234 out) · $0.0042 · 2.34 s");
  });

  it("shows the error in words and retries the same message with the same agent", async () => {
    const retry = vi.fn<Retry>(async () => ({ status: "ok", data: "h2" }));
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
        onRetry={retry}
      />,
    );
    expect(screen.getByTestId("message-assistant").textContent).toBe("Once upon");
    expect(screen.getByTestId("execution-error").textContent).toContain("The answer stopped arriving");
    await act(async () => fireEvent.click(screen.getByTestId("retry")));
    expect(retry).toHaveBeenCalledWith("agent-7", "Tell me a story");
  });

  it("shows why a retry could not be sent", async () => {
    const retry = vi.fn<Retry>(async () => ({ status: "error", error: { code: "timeout" } }));
    render(
      <ChatView
        entries={[snapshot("a", { status: "failed", error: { code: "unreachable" } })]}
        agents={agents}
        onRetry={retry}
      />,
    );
    await act(async () => fireEvent.click(screen.getByTestId("retry")));
    expect(screen.getByTestId("execution-error").textContent).toContain("The server took too long to answer");
  });

  it("explains a run that stopped to wait, with no error block", () => {
    render(
      <ChatView entries={[snapshot("a", { status: "awaitingApproval" })]} agents={agents} onRetry={noRetry} />,
    );
    expect(screen.getByTestId("execution-notice").textContent).toContain("waiting for an approval");
    expect(screen.queryByTestId("execution-error")).toBeNull();
    expect(screen.queryByTestId("streaming-indicator")).toBeNull();
  });

  it("keeps exchanges in order", () => {
    render(
      <ChatView
        entries={[snapshot("a", { message: "one" }), snapshot("b", { message: "two" })]}
        agents={agents}
        onRetry={noRetry}
      />,
    );
    expect(screen.getAllByTestId("message-user").map((e) => e.textContent)).toEqual(["one", "two"]);
  });
});

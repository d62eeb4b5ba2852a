import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError, ExecutionUpdate, WorkspaceOverview } from "../bindings";
import type { Result } from "../result";
import { accepted, addText, append, snapshot, update } from "../testFixtures";
import { createChatStore, type SyncCommands } from "../store/sync";
import { App, type AppApi } from "./App";

const overview: WorkspaceOverview = {
  workspaceId: "demo",
  workspaceName: "Demo workspace",
  isDemo: true,
  agents: [
    { id: "writer", name: "Writer", description: "Drafts and edits prose.", requiresUserMessage: true },
    { id: "coder", name: "Coder", description: "Writes and reviews code.", requiresUserMessage: true },
  ],
  workspaces: [{ id: "demo", name: "Demo workspace", isDemo: true }],
};

const runWorkspace: WorkspaceOverview = {
  workspaceId: "http://127.0.0.1:9#workspace:e2e",
  workspaceName: "E2E",
  isDemo: false,
  agents: [{ id: "agent:x", name: "X", description: "The run's agent.", requiresUserMessage: true }],
  workspaces: [
    { id: "demo", name: "Demo workspace", isDemo: true },
    { id: "http://127.0.0.1:9#workspace:e2e", name: "E2E", isDemo: false },
  ],
};

function setup(over: Partial<WorkspaceOverview> = {}) {
  let emit: (u: ExecutionUpdate) => void = () => undefined;
  const sendMessage = vi.fn<SyncCommands["sendMessage"]>(async (request) => {
    emit(accepted("h-new", request.message, request.agentId));
    return { status: "ok", data: "h-new" } as Result<string, AppError>;
  });
  const stopExecution = vi.fn<SyncCommands["stopExecution"]>(async () => ({ status: "ok", data: null }));
  const inspectExecution = vi.fn<SyncCommands["inspectExecution"]>(async () => ({
    status: "ok",
    data: { events: [{ number: 1, atMs: 3, eventType: "start", json: '{\n  "type": "start"\n}' }], cut: 0 },
  }));
  const commands: SyncCommands = {
    chatSnapshot: async () => ({
      executions: [snapshot("h-old", { seq: 4, message: "Earlier question", text: "Earlier answer", status: "completed" })],
    }),
    executionSnapshot: async (handle) => ({ status: "error", error: { code: "unknownExecution", handle } }),
    sendMessage,
    stopExecution,
    inspectExecution,
  };
  const chat = createChatStore(commands, {
    executionUpdate: {
      listen: async (cb) => {
        emit = (u) => cb({ payload: u });
        return () => undefined;
      },
    },
  });
  const api: AppApi = {
    workspaceOverview: vi.fn(async () => ({ ...overview, ...over })),
    selectWorkspace: vi.fn(async (id: string) =>
      id === "demo"
        ? { status: "ok" as const, data: { ...overview, workspaces: runWorkspace.workspaces } }
        : { status: "error" as const, error: { code: "unknownWorkspace" as const, workspaceId: id } },
    ),
    reportReady: vi.fn(async () => undefined),
    openLink: vi.fn(async () => ({ status: "ok" as const, data: true })),
  };
  return { api, chat, sendMessage, stopExecution, inspectExecution, emit: (u: ExecutionUpdate) => emit(u) };
}

async function renderApp(s: ReturnType<typeof setup>) {
  await act(async () => {
    render(<App api={s.api} chat={s.chat} />);
  });
}

beforeEach(() => {
  localStorage.clear();
  delete document.body.dataset.ready;
});
afterEach(cleanup);

describe("App", () => {
  it("shows the app name, the workspace with its demo marker and the agents", async () => {
    const s = setup();
    await renderApp(s);
    expect(screen.getByRole("heading").textContent).toBe("Athena Desktop");
    expect(screen.getByTestId("workspace-badge").textContent).toContain("Demo workspace");
    expect(screen.getByTestId("demo-marker").textContent).toBe("demo");
    const picker = screen.getByTestId("agent-picker") as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual(["Writer", "Coder"]);
    expect(screen.getByTestId("agent-description").textContent).toBe("Drafts and edits prose.");
    fireEvent.change(picker, { target: { value: "coder" } });
    expect(screen.getByTestId("agent-description").textContent).toBe("Writes and reviews code.");
  });

  it("has no demo marker for a real workspace", async () => {
    const s = setup({ isDemo: false, workspaceName: "Acme" });
    await renderApp(s);
    expect(screen.getByTestId("workspace-badge").textContent).toBe("Acme");
    expect(screen.queryByTestId("demo-marker")).toBeNull();
  });

  it("offers every workspace and switches agents with the workspace", async () => {
    const s = setup(runWorkspace);
    await renderApp(s);
    const picker = screen.getByTestId("workspace-picker") as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual(["Demo workspace (demo)", "E2E"]);
    expect(picker.value).toBe(runWorkspace.workspaceId);
    expect(screen.queryByTestId("demo-marker")).toBeNull();
    await act(async () => fireEvent.change(picker, { target: { value: "demo" } }));
    expect(s.api.selectWorkspace).toHaveBeenCalledWith("demo");
    expect(screen.getByTestId("demo-marker")).toBeTruthy();
    expect([...(screen.getByTestId("agent-picker") as HTMLSelectElement).options].map((o) => o.textContent)).toEqual([
      "Writer",
      "Coder",
    ]);
  });

  it("says so when a workspace cannot be selected", async () => {
    const s = setup(runWorkspace);
    await renderApp(s);
    await act(async () => fireEvent.change(screen.getByTestId("workspace-picker"), { target: { value: "gone" } }));
    expect(screen.getByTestId("workspace-error").textContent).toMatch(/no longer available/);
  });

  it("signals readiness once, after the overview and the chat snapshot are on screen", async () => {
    const s = setup();
    expect(document.body.dataset.ready).toBeUndefined();
    await renderApp(s);
    expect(screen.getByTestId("message-user").textContent).toBe("Earlier question");
    // Ready is signalled after the first screen has painted (two animation frames).
    await waitFor(() => expect(s.api.reportReady).toHaveBeenCalled());
    expect(document.body.dataset.ready).toBe("true");
    expect(s.api.reportReady).toHaveBeenCalledOnce();
  });

  it("sends to the selected agent and shows the exchange as it streams", async () => {
    const s = setup();
    await renderApp(s);
    fireEvent.change(screen.getByTestId("agent-picker"), { target: { value: "coder" } });
    fireEvent.change(screen.getByTestId("composer"), { target: { value: "Write a loop" } });
    await act(async () => fireEvent.click(screen.getByTestId("send")));
    expect(s.sendMessage).toHaveBeenCalledWith({ agentId: "coder", message: "Write a loop" });
    expect((screen.getByTestId("composer") as HTMLTextAreaElement).value).toBe("");
    expect(screen.getAllByTestId("message-user").map((e) => e.textContent)).toEqual([
      "Earlier question",
      "Write a loop",
    ]);
    act(() => s.emit(addText("h-new", 2, "Use `for`")));
    act(() => s.emit(append("h-new", 3, " loops.")));
    const answer = screen.getAllByTestId("message-assistant")[1]!;
    expect(answer.textContent).toBe("Use for loops.");
    expect(answer.querySelector("code")?.textContent).toBe("for");
    act(() => s.emit(update("h-new", 4, { type: "finished", status: "completed", usage: null })));
    expect(screen.queryByTestId("stop-button")).toBeNull();
  });

  it("stops a running answer through the store and shows the stopped notice", async () => {
    const s = setup();
    await renderApp(s);
    fireEvent.change(screen.getByTestId("composer"), { target: { value: "Go on" } });
    await act(async () => fireEvent.click(screen.getByTestId("send")));
    await act(async () => fireEvent.click(screen.getByTestId("stop-button")));
    expect(s.stopExecution).toHaveBeenCalledWith("h-new");
    act(() => s.emit(update("h-new", 2, { type: "stopped" })));
    expect(screen.queryByTestId("stop-button")).toBeNull();
    expect(screen.getByTestId("execution-notice").textContent).toMatch(/^You stopped this answer/);
  });

  it("inspects a finished answer's raw events", async () => {
    const s = setup();
    await renderApp(s);
    await act(async () => fireEvent.click(screen.getByTestId("inspect-button")));
    expect(s.inspectExecution).toHaveBeenCalledWith("h-old");
    expect(screen.getAllByTestId("inspect-event").map((e) => e.textContent)).toEqual(['#1+3 msstart{\n  "type": "start"\n}']);
  });
});

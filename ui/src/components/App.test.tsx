import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConversationChanged, ConversationSummary, ExecutionSnapshot, ExecutionUpdate, HistoryStatus } from "../bindings";
import type { AppError, SettingsView, ThemeChoice, WorkspaceOverview, WorkspaceStatusChanged } from "../bindings";
import type { Result } from "../result";
import { accepted, addText, append, conversation, snapshot, update } from "../testFixtures";
import { createChatStore, type SyncCommands } from "../store/sync";
import { App, type AppApi, type AppEvents } from "./App";
import { batchFakes } from "./batch/testFakes";
import { toolsFakes } from "./settings/toolsFakes";
import { conversationActionsFakes } from "./conversationActionsFakes";
import { attachmentsFakes } from "../attachments/testFakes";

const overview: WorkspaceOverview = {
  workspaceId: "demo",
  workspaceName: "Demo workspace",
  isDemo: true,
  agents: [
    { id: "writer", name: "Writer", description: "Drafts and edits prose.", requiresUserMessage: true, variables: [] },
    { id: "coder", name: "Coder", description: "Writes and reviews code.", requiresUserMessage: true, variables: [] },
  ],
  workspaces: [
    { id: "demo", name: "Demo workspace", isDemo: true },
    { id: "other", name: "Other", isDemo: false },
  ],
  creditsRemaining: null,
  appVersion: null,
  preferredAgentId: null,
};

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

type Seed = {
  conversations?: ConversationSummary[];
  messages?: Record<string, ExecutionSnapshot[]>;
  drafts?: Record<string, string>;
  history?: HistoryStatus;
  overview?: WorkspaceOverview;
  settings?: SettingsView;
};

/** A fake backend holding conversations, their messages and drafts in memory. */
function setup(seed: Seed = {}) {
  let emit: (u: ExecutionUpdate) => void = () => undefined;
  let emitChanged: (c: ConversationChanged) => void = () => undefined;
  let emitStatus: (e: WorkspaceStatusChanged) => void = () => undefined;
  const shown = seed.overview ?? overview;
  const conversations = new Map((seed.conversations ?? []).map((c) => [c.id, c]));
  const messages = new Map(Object.entries(seed.messages ?? {}));
  let started = 0;
  let sent = 0;

  const commands = {
    executionSnapshot: vi.fn<SyncCommands["executionSnapshot"]>(async (handle) => ({
      status: "error",
      error: { code: "unknownExecution", handle },
    })),
    listConversations: vi.fn<SyncCommands["listConversations"]>(async (workspaceId, archived) => ({
      status: "ok",
      data: [...conversations.values()]
        .filter((c) => c.workspaceId === workspaceId && c.archived === archived)
        .sort((a, b) => (b.lastActivityMs ?? 0) - (a.lastActivityMs ?? 0)),
    })),
    startConversation: vi.fn<SyncCommands["startConversation"]>(async (workspaceId, agentId) => {
      const c = conversation(`new-${++started}`, {
        workspaceId,
        agentId,
        agentName: shown.agents.find((a) => a.id === agentId)?.name ?? agentId,
        title: "",
        lastActivityMs: NOW,
      });
      conversations.set(c.id, c);
      return { status: "ok", data: c };
    }),
    openConversation: vi.fn<SyncCommands["openConversation"]>(async (id) => {
      const c = conversations.get(id);
      if (!c) return { status: "error", error: { code: "unknownConversation", conversationId: id } };
      return {
        status: "ok",
        data: { conversation: c, draft: seed.drafts?.[id] ?? "", messages: messages.get(id) ?? [], moreBefore: false, before: null },
      };
    }),
    saveDraft: vi.fn<SyncCommands["saveDraft"]>(async () => null),
    sendMessage: vi.fn<SyncCommands["sendMessage"]>(async (conversationId, message) => {
      const handle = `h-new-${++sent}`;
      const c = conversations.get(conversationId);
      emit(accepted(handle, message, c?.agentId ?? "?", conversationId));
      return { status: "ok", data: handle } as Result<string, AppError>;
    }),
    resendMessage: vi.fn<SyncCommands["resendMessage"]>(async () => ({ status: "ok", data: null })),
    regenerateMessage: vi.fn<SyncCommands["regenerateMessage"]>(async () => ({ status: "ok", data: "h-regen" })),
    giveFeedback: vi.fn<SyncCommands["giveFeedback"]>(async () => ({ status: "ok", data: null })),
    stopExecution: vi.fn<SyncCommands["stopExecution"]>(async () => ({ status: "ok", data: null })),
    inspectExecution: vi.fn<SyncCommands["inspectExecution"]>(async () => ({
      status: "ok",
      data: { events: [{ number: 1, atMs: 3, eventType: "start", json: '{\n  "type": "start"\n}' }], cut: 0 },
    })),
  } satisfies SyncCommands;
  const chat = createChatStore(
    commands,
    {
      executionUpdate: {
        listen: async (cb) => {
          emit = (u) => cb({ payload: u });
          return () => undefined;
        },
      },
      conversationChanged: {
        listen: async (cb) => {
          emitChanged = (c) => cb({ payload: c });
          return () => undefined;
        },
      },
    },
    { now: () => NOW },
  );
  const api: AppApi = {
    workspaceOverview: vi.fn(async () => shown),
    selectWorkspace: vi.fn(async (id: string) =>
      id === "other"
        ? { status: "ok" as const, data: { ...overview, workspaceId: "other", workspaceName: "Other", isDemo: false } }
        : { status: "error" as const, error: { code: "unknownWorkspace" as const, workspaceId: id } },
    ),
    historyStatus: vi.fn(async () => seed.history ?? { kind: "ready" as const, interrupted: 0 }),
    reportReady: vi.fn(async () => undefined),
    openLink: vi.fn(async () => ({ status: "ok" as const, data: true })),
    previewCost: vi.fn(async () => ({ status: "ok" as const, data: { credits: 12, baseCost: 10, rules: [] } })),
    getSettings: vi.fn(async () => seed.settings ?? { alwaysPreviewCost: false, notice: null }),
    setAlwaysPreviewCost: vi.fn(async (on: boolean) => ({ status: "ok" as const, data: { alwaysPreviewCost: on, notice: null } })),
    setTheme: vi.fn(async (theme: ThemeChoice) => ({ status: "ok" as const, data: { theme } })),
    listProfiles: vi.fn(async () => ({
      status: "ok" as const,
      data: { activeId: "demo", profiles: [], keychain: { available: true, reason: null } },
    })),
    saveProfile: vi.fn(),
    deleteProfile: vi.fn(),
    chooseCaCertificate: vi.fn(),
    addAgent: vi.fn(),
    removeAgent: vi.fn(),
    importAgents: vi.fn(),
    exportAgents: vi.fn(),
    ...toolsFakes(),
    ...batchFakes(),
    ...conversationActionsFakes(),
    ...attachmentsFakes(),
  };
  const events: AppEvents = {
    workspaceStatusChanged: {
      listen: async (cb) => {
        emitStatus = (e) => cb({ payload: e });
        return () => undefined;
      },
    },
    batchRunChanged: { listen: async () => () => undefined },
    filesDropped: { listen: async () => () => undefined },
  };
  return {
    api,
    chat,
    events,
    commands,
    status: (e: WorkspaceStatusChanged) => act(() => emitStatus(e)),
    emit: (u: ExecutionUpdate) => act(() => emit(u)),
    changed: (c: ConversationChanged) => act(() => emitChanged(c)),
  };
}

async function renderApp(s: ReturnType<typeof setup>) {
  await act(async () => {
    render(<App api={s.api} chat={s.chat} events={s.events} now={() => NOW} />);
  });
  await act(async () => undefined);
}

const two = {
  conversations: [
    conversation("c1", { title: "Trip to Lisbon", agentId: "writer", agentName: "Writer", lastActivityMs: NOW - 2 * 60_000 }),
    conversation("c2", { title: "Sorting in Rust", agentId: "coder", agentName: "Coder", lastActivityMs: NOW - 3 * 86_400_000 }),
  ],
  messages: {
    c1: [snapshot("h1", { seq: 4, message: "Plan a trip", text: "Day one: Alfama.", status: "completed", agentId: "writer", conversationId: "c1" })],
    c2: [snapshot("h2", { seq: 4, message: "Sort a vec", text: "Use sort().", status: "completed", agentId: "coder", conversationId: "c2" })],
  },
  drafts: { c2: "and a stable sort?" },
};

const sidebarTitles = () => screen.getAllByTestId("conversation-title").map((e) => e.textContent);
const item = (id: string) => document.querySelector<HTMLElement>(`[data-testid="conversation-item"][data-conversation-id="${id}"]`)!;
const composer = () => screen.getByTestId("composer") as HTMLTextAreaElement;

beforeEach(() => {
  delete document.body.dataset.ready;
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("App start-up", () => {
  it("asks for the history status, lists the workspace's chats and opens the most recent", async () => {
    const s = setup(two);
    await renderApp(s);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Athena Desktop");
    expect(screen.getByTestId("workspace-badge").textContent).toContain("Demo workspace");
    expect(s.api.historyStatus).toHaveBeenCalled();
    expect(s.commands.listConversations).toHaveBeenCalledWith("demo", false, null, 50);
    expect(s.commands.openConversation).toHaveBeenCalledWith("c1", null, 50);
    expect(sidebarTitles()).toEqual(["Trip to Lisbon", "Sorting in Rust"]);
    expect(item("c1").getAttribute("aria-current")).toBe("true");
    expect(item("c1").textContent).toContain("2 min ago");
    expect(item("c1").textContent).toContain("Writer");
    expect(screen.getAllByTestId("message-user").map((e) => e.textContent)).toEqual(["Plan a trip"]);
    // It has messages: its agent is fixed and shown, not a picker.
    expect(screen.queryByTestId("agent-picker")).toBeNull();
    expect(screen.getByTestId("conversation-agent").textContent).toBe("with Writer");
    await waitFor(() => expect(s.api.reportReady).toHaveBeenCalledOnce());
    expect(document.body.dataset.ready).toBe("true");
  });

  it("shows an empty new chat with the agent picker when there is no conversation", async () => {
    const s = setup();
    await renderApp(s);
    expect(screen.getByTestId("chat-empty").textContent).toContain("Write your first message to Writer");
    const picker = screen.getByTestId("agent-picker") as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual(["Writer", "Coder"]);
    expect(s.commands.openConversation).not.toHaveBeenCalled();
    expect(s.commands.startConversation).not.toHaveBeenCalled();
  });

  it("starts a new chat with the agent last used in the workspace, when it still offers it", async () => {
    const s = setup({ overview: { ...overview, preferredAgentId: "coder" } });
    await renderApp(s);
    expect((screen.getByTestId("agent-picker") as HTMLSelectElement).value).toBe("coder");
    expect(screen.getByTestId("chat-empty").textContent).toContain("Write your first message to Coder");
    cleanup();
    const gone = setup({ overview: { ...overview, preferredAgentId: "removed-agent" } });
    await renderApp(gone);
    expect((screen.getByTestId("agent-picker") as HTMLSelectElement).value).toBe("writer");
  });

  it.each([
    [{ kind: "movedAside", path: "/h.db", movedTo: "/h.db.broken", reason: "file is not a database" } as HistoryStatus, /moved to \/h\.db\.broken and a new history was started/],
    [{ kind: "newerSchema", path: "/h.db", found: 9, known: 3 } as HistoryStatus, /newer version of Athena Desktop \(schema 9; this version knows 3\)/],
    [{ kind: "unavailable", reason: "disk full" } as HistoryStatus, /Chat history is unavailable \(disk full\); chats in this session won't be saved\./],
  ])("shows a dismissible history banner (%#)", async (history, words) => {
    const s = setup({ history });
    await renderApp(s);
    const banner = screen.getByTestId("history-banner");
    expect(banner.textContent).toMatch(words);
    fireEvent.click(within(banner).getByRole("button", { name: "Dismiss this notice" }));
    expect(screen.queryByTestId("history-banner")).toBeNull();
  });

  it("shows no banner when the history is ready, even with interrupted answers", async () => {
    const s = setup({ history: { kind: "ready", interrupted: 2 } });
    await renderApp(s);
    expect(screen.queryByTestId("history-banner")).toBeNull();
  });
});

describe("new chat", () => {
  it("creates the conversation with the picked agent on the first keystroke and saves the draft debounced", async () => {
    const s = setup();
    await renderApp(s);
    vi.useFakeTimers();
    fireEvent.change(screen.getByTestId("agent-picker"), { target: { value: "coder" } });
    await act(async () => fireEvent.change(composer(), { target: { value: "W" } }));
    expect(s.commands.startConversation).toHaveBeenCalledWith("demo", "coder");
    await act(async () => fireEvent.change(composer(), { target: { value: "Write a loop" } }));
    expect(s.commands.startConversation).toHaveBeenCalledOnce();
    expect(s.commands.saveDraft).not.toHaveBeenCalled();
    await act(async () => vi.advanceTimersByTime(300));
    expect(s.commands.saveDraft).toHaveBeenCalledWith("new-1", "Write a loop");
    expect(s.commands.saveDraft).toHaveBeenCalledOnce();
    expect(sidebarTitles()).toEqual(["New chat"]);
  });

  it("sends the first message to the new conversation; its title comes from the message", async () => {
    const s = setup();
    await renderApp(s);
    fireEvent.change(screen.getByTestId("agent-picker"), { target: { value: "coder" } });
    await act(async () => fireEvent.change(composer(), { target: { value: "Write a loop\nin Rust" } }));
    await act(async () => fireEvent.click(screen.getByTestId("send")));
    expect(s.commands.sendMessage).toHaveBeenCalledWith("new-1", "Write a loop\nin Rust", null);
    expect(composer().value).toBe("");
    expect(s.commands.saveDraft).toHaveBeenLastCalledWith("new-1", "");
    expect(sidebarTitles()).toEqual(["Write a loop"]);
    expect(screen.getByTestId("conversation-agent").textContent).toBe("with Coder");
    s.emit(addText("h-new-1", 2, "Use `for`", "new-1"));
    s.emit(append("h-new-1", 3, " loops.", 0, "new-1"));
    expect(screen.getByTestId("message-assistant").textContent).toBe("Use for loops.");
  });

  it("changing the agent of an empty chat starts one with that agent and moves the text over", async () => {
    const s = setup();
    await renderApp(s);
    await act(async () => fireEvent.change(composer(), { target: { value: "Hello" } }));
    expect(s.commands.startConversation).toHaveBeenLastCalledWith("demo", "writer");
    await act(async () => fireEvent.change(screen.getByTestId("agent-picker"), { target: { value: "coder" } }));
    expect(s.commands.startConversation).toHaveBeenLastCalledWith("demo", "coder");
    expect(composer().value).toBe("Hello");
    expect(s.commands.saveDraft).toHaveBeenCalledWith("new-2", "Hello");
    await act(async () => fireEvent.click(screen.getByTestId("send")));
    expect(s.commands.sendMessage).toHaveBeenCalledWith("new-2", "Hello", null);
  });

  it("keeps an empty chat on New chat, and leaves a chat with messages for a new one", async () => {
    const s = setup(two);
    await renderApp(s);
    await act(async () => fireEvent.click(screen.getByTestId("new-chat")));
    expect(screen.getByTestId("chat-empty")).toBeTruthy();
    expect(screen.getByTestId("agent-picker")).toBeTruthy();
    expect(document.querySelector('[aria-current="true"]')).toBeNull();
    await act(async () => fireEvent.change(composer(), { target: { value: "x" } }));
    expect(s.commands.startConversation).toHaveBeenCalledWith("demo", "writer");
    await act(async () => fireEvent.change(composer(), { target: { value: "" } }));
    await act(async () => fireEvent.click(screen.getByTestId("new-chat")));
    expect(s.commands.startConversation).toHaveBeenCalledOnce();
    expect(item("new-1").getAttribute("aria-current")).toBe("true");
  });
});

describe("switching conversations", () => {
  it("loads each conversation's draft and flushes the pending one on switch", async () => {
    const s = setup(two);
    await renderApp(s);
    vi.useFakeTimers();
    await act(async () => fireEvent.change(composer(), { target: { value: "more about Porto" } }));
    expect(s.commands.saveDraft).not.toHaveBeenCalled();
    await act(async () => fireEvent.click(item("c2")));
    expect(s.commands.saveDraft).toHaveBeenCalledWith("c1", "more about Porto");
    expect(composer().value).toBe("and a stable sort?");
    expect(screen.getAllByTestId("message-user").map((e) => e.textContent)).toEqual(["Sort a vec"]);
    expect(item("c2").getAttribute("aria-current")).toBe("true");
  });

  it("flushes the draft when the composer loses the focus", async () => {
    const s = setup(two);
    await renderApp(s);
    vi.useFakeTimers();
    await act(async () => fireEvent.change(composer(), { target: { value: "half" } }));
    fireEvent.blur(composer());
    expect(s.commands.saveDraft).toHaveBeenCalledWith("c1", "half");
  });

  it("keeps another conversation streaming and marks it answering in the sidebar", async () => {
    const s = setup(two);
    await renderApp(s);
    s.emit(accepted("h-run", "Faster?", "coder", "c2"));
    expect(item("c2").dataset.running).toBe("true");
    expect(within(item("c2")).getByRole("img", { name: "answering" })).toBeTruthy();
    expect(item("c1").dataset.running).toBe("false");
    // The open conversation doesn't show it; the sidebar moved it up.
    expect(screen.getAllByTestId("message-user").map((e) => e.textContent)).toEqual(["Plan a trip"]);
    expect(sidebarTitles()).toEqual(["Sorting in Rust", "Trip to Lisbon"]);
    s.emit(addText("h-run", 2, "Use sort_unstable.", "c2"));
    await act(async () => fireEvent.click(item("c2")));
    expect(screen.getAllByTestId("message-user").map((e) => e.textContent)).toEqual(["Sort a vec", "Faster?"]);
    expect(s.commands.stopExecution).not.toHaveBeenCalled();
    s.emit(update("h-run", 3, { type: "finished", status: "completed", usage: null, messageId: "m" }, "c2"));
    expect(item("c2").dataset.running).toBe("false");
  });

  it("lists the other workspace's conversations after a switch", async () => {
    const s = setup({
      conversations: [...two.conversations, conversation("o1", { workspaceId: "other", title: "Elsewhere", lastActivityMs: NOW })],
      messages: two.messages,
    });
    await renderApp(s);
    await act(async () => fireEvent.change(screen.getByTestId("workspace-picker"), { target: { value: "other" } }));
    expect(s.commands.listConversations).toHaveBeenLastCalledWith("other", false, null, 50);
    expect(sidebarTitles()).toEqual(["Elsewhere"]);
    expect(s.commands.openConversation).toHaveBeenLastCalledWith("o1", null, 50);
  });

  it("says so when a workspace cannot be selected", async () => {
    const s = setup();
    await renderApp(s);
    await act(async () => fireEvent.change(screen.getByTestId("workspace-picker"), { target: { value: "gone" } }));
    expect(screen.getByTestId("workspace-error").textContent).toMatch(/no longer available/);
  });
});

describe("archived and notices", () => {
  it("moves a conversation that was archived to Archived, readable with Continue in a new chat", async () => {
    const s = setup(two);
    await renderApp(s);
    s.changed({ conversation: { ...two.conversations[0]!, archived: true }, notice: null });
    expect(sidebarTitles()).toEqual(["Sorting in Rust"]);
    await act(async () => fireEvent.click(screen.getByTestId("archived-toggle")));
    expect(s.commands.listConversations).toHaveBeenCalledWith("demo", true, null, 50);
    const archived = screen.getByTestId("archived-list");
    expect(within(archived).getAllByTestId("conversation-title").map((e) => e.textContent)).toEqual(["Trip to Lisbon"]);
    // Still open: readable, not continued.
    expect(screen.getByTestId("message-user").textContent).toBe("Plan a trip");
    expect(screen.queryByTestId("composer")).toBeNull();
    expect(screen.getByTestId("archived-bar").textContent).toContain("This chat is archived: it can be read, not continued.");
    expect(screen.queryByTestId("regenerate")).toBeNull();
    await act(async () => fireEvent.click(screen.getByTestId("continue-new-chat")));
    expect(s.commands.startConversation).toHaveBeenCalledWith("demo", "writer");
    expect(item("new-1").getAttribute("aria-current")).toBe("true");
    expect(screen.getByTestId("composer")).toBeTruthy();
  });

  it("says a previous chat was archived on the server, at the top of the new one", async () => {
    const s = setup(two);
    await renderApp(s);
    await act(async () => fireEvent.click(screen.getByTestId("new-chat")));
    await act(async () => fireEvent.change(composer(), { target: { value: "Hi again" } }));
    s.changed({
      conversation: conversation("new-1", { agentId: "writer", agentName: "Writer", title: "", lastActivityMs: NOW }),
      notice: { kind: "previousArchived", previousId: "c1" },
    });
    expect(screen.getByTestId("conversation-notice").textContent).toBe(
      "Your previous chat with Writer was archived on the server, so this one starts fresh. It's under Archived.",
    );
  });

  it("says a local-only conversation is kept on this computer, with the status when known", async () => {
    const local = conversation("c1", { title: "Local", agentName: "Writer", agentId: "writer", localOnly: true, lastActivityMs: NOW });
    const s = setup({ conversations: [local] });
    await renderApp(s);
    expect(screen.getByTestId("local-only-note").textContent).toBe(
      "Kept on this computer only: the server doesn't keep conversations for this key, so Writer won't remember earlier messages.",
    );
    s.changed({ conversation: local, notice: { kind: "localOnly", status: 404 } });
    expect(screen.getByTestId("local-only-note").textContent).toContain("for this key (404), so Writer");
  });
});

describe("answers", () => {
  it("stops, regenerates and inspects through the store", async () => {
    const s = setup(two);
    await renderApp(s);
    await act(async () => fireEvent.click(screen.getByTestId("regenerate")));
    expect(s.commands.regenerateMessage).toHaveBeenCalledWith("h1");
    await act(async () => fireEvent.click(screen.getByTestId("inspect-button")));
    expect(s.commands.inspectExecution).toHaveBeenCalledWith("h1");
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await act(async () => fireEvent.change(composer(), { target: { value: "Go on" } }));
    await act(async () => fireEvent.click(screen.getByTestId("send")));
    await act(async () => fireEvent.click(screen.getByTestId("stop-button")));
    expect(s.commands.stopExecution).toHaveBeenCalledWith("h-new-1");
    s.emit(update("h-new-1", 2, { type: "stopped" }));
    expect(screen.getByTestId("execution-notice").textContent).toMatch(/^You stopped this answer/);
  });
});

describe("workspaces, status and notices", () => {
  const wizard = {
    id: "report",
    name: "Report",
    description: "Writes reports.",
    requiresUserMessage: false,
    variables: [
      { name: "topic", description: "", required: true, kind: { type: "text" as const }, default: null },
      { name: "charts", description: "", required: false, kind: { type: "boolean" as const }, default: "true" },
    ],
  };
  const withCredits: WorkspaceOverview = { ...overview, agents: [...overview.agents, wizard], creditsRemaining: 1234, appVersion: "7" };
  const status = (fields: Partial<WorkspaceStatusChanged>): WorkspaceStatusChanged => ({
    workspaceId: "demo",
    creditsRemaining: 1000,
    appVersion: "7",
    appVersionChanged: false,
    agentChecks: null,
    ...fields,
  });

  it("shows the workspace, its credits and version in the status bar, updated by the backend's events", async () => {
    const s = setup({ overview: withCredits });
    await renderApp(s);
    const bar = screen.getByTestId("status-bar");
    expect(within(bar).getByTestId("status-workspace").textContent).toBe("Demo workspace");
    expect(within(bar).getByTestId("credits-left").textContent).toBe("1,234 credits left");
    expect(within(bar).getByTestId("app-version").textContent).toBe("version 7");
    s.status(status({ creditsRemaining: 987_654 }));
    expect(screen.getByTestId("credits-left").textContent).toBe("987,654 credits left");
    // Another workspace's figures are not this one's.
    s.status(status({ workspaceId: "other", creditsRemaining: 5 }));
    expect(screen.getByTestId("credits-left").textContent).toBe("987,654 credits left");
    s.status(status({ creditsRemaining: null }));
    expect(screen.queryByTestId("credits-left")).toBeNull();
    expect(screen.queryByTestId("app-version-notice")).toBeNull();
  });

  it("says quietly when the workspace was updated, with the agents whose check failed", async () => {
    const s = setup({ overview: withCredits });
    await renderApp(s);
    s.status(
      status({
        appVersion: "8",
        appVersionChanged: true,
        agentChecks: [
          { agentId: "writer", agentName: "Writer", check: { outcome: "ok", preview: { credits: 5, baseCost: 5, rules: [] } } },
          { agentId: "coder", agentName: "Coder", check: { outcome: "unknownAgent" } },
        ],
      }),
    );
    const notice = screen.getByTestId("app-version-notice");
    expect(notice.textContent).toContain("This workspace was updated (version 8). Its agents were checked again.");
    expect(within(notice).getAllByTestId("agent-check-notice").map((e) => e.textContent)).toEqual([
      "Coder: This workspace has no agent with this id. Check the id.",
    ]);
    expect(screen.getByTestId("app-version").textContent).toBe("version 8");
    fireEvent.click(within(notice).getByRole("button", { name: "Dismiss this notice" }));
    expect(screen.queryByTestId("app-version-notice")).toBeNull();
  });

  it.each([
    [
      { problem: { code: "corrupt" as const, reason: "expected value at line 1" }, backup: "/cfg/settings.json.bad" },
      "Your settings file couldn't be read (expected value at line 1). It was kept as /cfg/settings.json.bad and the defaults are in use.",
    ],
    [
      { problem: { code: "invalid" as const, field: "alwaysPreviewCost", reason: "not a boolean" }, backup: "/cfg/s.bak" },
      "Your settings file couldn't be read (alwaysPreviewCost: not a boolean). It was kept as /cfg/s.bak and the defaults are in use.",
    ],
    [
      { problem: { code: "newer" as const, version: 4 }, backup: null },
      "Your settings were saved by a newer version of Athena Desktop; this version uses defaults and leaves them untouched.",
    ],
  ])("says what happened to a settings file it couldn't use (%#)", async (notice, words) => {
    const s = setup({ settings: { alwaysPreviewCost: false, notice } });
    await renderApp(s);
    const banner = screen.getByTestId("settings-notice");
    expect(banner.textContent).toContain(words);
    fireEvent.click(within(banner).getByRole("button", { name: "Dismiss this notice" }));
    expect(screen.queryByTestId("settings-notice")).toBeNull();
  });

  it("opens the Workspaces dialog from the header and gives the focus back on close", async () => {
    const s = setup();
    await renderApp(s);
    const button = screen.getByTestId("open-settings");
    expect(button.textContent).toBe("Workspaces");
    button.focus();
    await act(async () => fireEvent.click(button));
    expect(s.api.listProfiles).toHaveBeenCalled();
    const dialog = screen.getByRole("dialog", { name: "Workspaces and preferences" });
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("sends a wizard's values with the message; the values typed in a new chat stay with it", async () => {
    const s = setup({ overview: withCredits });
    await renderApp(s);
    fireEvent.change(screen.getByTestId("agent-picker"), { target: { value: "report" } });
    expect(composer().placeholder).toBe("Message Report (optional)…");
    fireEvent.change(screen.getByTestId("variable-topic"), { target: { value: "Q3 sales" } });
    // Typing creates the conversation; the values typed before stay.
    await act(async () => fireEvent.change(composer(), { target: { value: "Short please" } }));
    expect(s.commands.startConversation).toHaveBeenCalledWith("demo", "report");
    expect((screen.getByTestId("variable-topic") as HTMLInputElement).value).toBe("Q3 sales");
    await act(async () => fireEvent.click(screen.getByTestId("send")));
    expect(s.commands.sendMessage).toHaveBeenCalledWith("new-1", "Short please", { topic: "Q3 sales", charts: "true" });
    expect(composer().value).toBe("");
  });

  it("previews the cost of a new chat (its conversation is created for it)", async () => {
    const s = setup({ overview: withCredits, settings: { alwaysPreviewCost: true, notice: null } });
    await renderApp(s);
    await act(async () => fireEvent.change(composer(), { target: { value: "Hi" } }));
    await act(async () => fireEvent.click(screen.getByTestId("send")));
    expect(s.api.previewCost).toHaveBeenCalledWith("new-1", null);
    expect(s.commands.sendMessage).not.toHaveBeenCalled();
    expect(screen.getByTestId("cost-total").textContent).toBe("12 credits");
    await act(async () => fireEvent.click(screen.getByTestId("confirm-send")));
    expect(s.commands.sendMessage).toHaveBeenCalledWith("new-1", "Hi", null);
  });

  it("reloads the workspace after the workspaces changed in the dialog", async () => {
    const s = setup();
    await renderApp(s);
    (s.api.listProfiles as ReturnType<typeof vi.fn>).mockResolvedValue({
      status: "ok",
      data: {
        activeId: "demo",
        keychain: { available: true, reason: null },
        profiles: [
          {
            id: "p1",
            name: "Acme",
            baseUrl: "https://a.example",
            workspaceId: "workspace:acme",
            kind: "profile",
            key: { state: "keychain", kind: "endUser", hint: "…1234" },
            externalUserId: null,
            caCertificate: null,
            creditsRemaining: null,
            appVersion: null,
            preferredAgentId: null,
            agentCount: 0,
          },
        ],
      },
    });
    (s.api.deleteProfile as ReturnType<typeof vi.fn>).mockResolvedValue({
      status: "ok",
      data: { activeId: "demo", keychain: { available: true, reason: null }, profiles: [] },
    });
    await act(async () => fireEvent.click(screen.getByTestId("open-settings")));
    fireEvent.click(screen.getByTestId("delete-profile"));
    await act(async () => fireEvent.click(screen.getByTestId("confirm-delete")));
    expect(s.api.workspaceOverview).toHaveBeenCalledTimes(2);
  });
});

describe("the Batch screen", () => {
  it("opens from the header in place of the chats, with the workspace's agents and runs, and goes back", async () => {
    const s = setup(two);
    await renderApp(s);
    const open = screen.getByTestId("open-batch");
    expect(open.tagName).toBe("BUTTON");
    expect(open.getAttribute("aria-pressed")).toBe("false");
    expect(screen.queryByTestId("batch-screen")).toBeNull();

    await act(async () => fireEvent.click(open));
    await act(async () => undefined);
    expect(open.getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("batch-screen").hidden).toBe(false);
    expect(screen.getByTestId("conversation-list").closest("[hidden]")).not.toBeNull();
    expect(s.api.batchRuns).toHaveBeenCalledWith("demo");
    expect(document.activeElement).toBe(screen.getByTestId("batch-heading"));
    const agentNames = Array.from((screen.getByTestId("batch-agent") as HTMLSelectElement).options).map((o) => o.textContent);
    expect(agentNames).toEqual(["Writer", "Coder"]);

    await act(async () => fireEvent.click(screen.getByTestId("batch-back")));
    expect(screen.getByTestId("batch-screen").hidden).toBe(true);
    expect(screen.getByTestId("conversation-list").closest("[hidden]")).toBeNull();
    expect(document.activeElement).toBe(open);
    // The chat is as it was.
    expect(item("c1").getAttribute("aria-current")).toBe("true");
  });
});

describe("keyboard", () => {
  const key = (k: string, more: Record<string, unknown> = {}) =>
    act(async () => {
      fireEvent.keyDown(document.activeElement ?? document.body, { key: k, ...more });
    });
  const ctrl = (k: string, code = "") => key(k, { ctrlKey: true, code });
  const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

  it("starts a new chat with Ctrl+N and puts the focus in its message box", async () => {
    const s = setup(two);
    await renderApp(s);
    screen.getByTestId("new-chat").focus();
    await ctrl("n", "KeyN");
    expect(screen.getByTestId("chat-empty")).toBeTruthy();
    expect(document.querySelector('[aria-current="true"]')).toBeNull();
    expect(document.activeElement).toBe(composer());
  });

  it("moves down and up the sidebar with Alt+arrows, the focus staying where it was", async () => {
    const s = setup(two);
    await renderApp(s);
    composer().focus();
    await key("ArrowDown", { altKey: true });
    await settle();
    expect(item("c2").getAttribute("aria-current")).toBe("true");
    expect(composer().value).toBe("and a stable sort?");
    expect(document.activeElement).toBe(composer());
    // At the bottom: nothing below.
    await key("ArrowDown", { altKey: true });
    expect(item("c2").getAttribute("aria-current")).toBe("true");
    // From a row of the sidebar, the focus follows to the new row.
    item("c2").focus();
    await key("ArrowUp", { altKey: true });
    await settle();
    expect(item("c1").getAttribute("aria-current")).toBe("true");
    expect(document.activeElement).toBe(item("c1"));
  });

  it("stops the streaming answer with Escape in the message box or Ctrl+., and leaves Escape alone otherwise", async () => {
    const s = setup(two);
    await renderApp(s);
    composer().focus();
    // Nothing streams: Escape is not taken.
    const idle = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    composer().dispatchEvent(idle);
    expect(idle.defaultPrevented).toBe(false);
    expect(s.commands.stopExecution).not.toHaveBeenCalled();

    await act(async () => fireEvent.change(composer(), { target: { value: "Go on" } }));
    await act(async () => fireEvent.click(screen.getByTestId("send")));
    composer().focus();
    await key("Escape");
    expect(s.commands.stopExecution).toHaveBeenCalledWith("h-new-1");
    s.emit(update("h-new-1", 2, { type: "stopped" }));

    await act(async () => fireEvent.change(composer(), { target: { value: "Again" } }));
    await act(async () => fireEvent.click(screen.getByTestId("send")));
    item("c1").focus();
    // Escape outside the message box does not stop; Ctrl+. does, from anywhere.
    await key("Escape");
    expect(s.commands.stopExecution).toHaveBeenCalledTimes(1);
    await ctrl(".", "Period");
    expect(s.commands.stopExecution).toHaveBeenLastCalledWith("h-new-2");
  });

  it("shows every shortcut with F1 or the header's button; Escape closes it and the focus returns", async () => {
    const s = setup(two);
    await renderApp(s);
    composer().focus();
    await key("F1");
    const help = screen.getByRole("dialog", { name: "Keyboard shortcuts" });
    expect(help.contains(document.activeElement)).toBe(true);
    expect(within(help).getByTestId("shortcut-newChat").textContent).toContain("New chat");
    expect(within(help).getByTestId("shortcut-newChat").textContent).toContain("Ctrl+N");
    expect(within(help).getByTestId("shortcut-stop").textContent).toMatch(/Ctrl\+\..*or.*Esc \(in the message box\)/);
    for (const action of ["search", "focusComposer", "previousConversation", "nextConversation", "openSettings", "showHelp"]) {
      expect(within(help).getByTestId(`shortcut-${action}`)).toBeTruthy();
    }
    // The app's shortcuts are off while a dialog is open.
    await ctrl("n", "KeyN");
    expect(screen.queryByTestId("chat-empty")).toBeNull();
    await key("Escape");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(composer());

    const button = screen.getByRole("button", { name: "Keyboard shortcuts" });
    button.focus();
    await act(async () => fireEvent.click(button));
    expect(screen.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeTruthy();
    await key("Escape");
    expect(document.activeElement).toBe(button);
  });

  it("opens the settings with Ctrl+, and goes to the message box with Ctrl+L", async () => {
    const s = setup(two);
    await renderApp(s);
    item("c2").focus();
    await ctrl("l", "KeyL");
    expect(document.activeElement).toBe(composer());
    await ctrl(",", "Comma");
    expect(screen.getByRole("dialog", { name: "Workspaces and preferences" })).toBeTruthy();
    expect(s.api.listProfiles).toHaveBeenCalled();
  });
});

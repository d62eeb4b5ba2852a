import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AppError, WorkspaceOverview } from "../bindings";
import { LOAD_CHAT_FAILED, LOAD_WORKSPACE_FAILED, NO_AGENTS, describeError } from "../errors";
import type { Result } from "../result";
import { chatEntries } from "../store/chat";
import type { ChatStore } from "../store/sync";
import { useChatState } from "../store/useChatState";
import { AgentPicker } from "./AgentPicker";
import { ChatView } from "./ChatView";
import { Composer } from "./Composer";
import type { ExchangeActions } from "./Exchange";
import { OpenLinkContext, type OpenLink } from "./openLink";
import { WorkspaceBadge } from "./WorkspaceBadge";

/** The commands App uses directly (a subset of `commands` in bindings.ts). */
export interface AppApi {
  workspaceOverview(): Promise<WorkspaceOverview>;
  selectWorkspace(workspaceId: string): Promise<Result<WorkspaceOverview, AppError>>;
  reportReady(): Promise<void>;
  openLink: OpenLink;
}

type Props = { api: AppApi; chat: ChatStore };

type Overview =
  | { phase: "loading" }
  | { phase: "loaded"; overview: WorkspaceOverview }
  | { phase: "failed" };

/**
 * The window: header (workspace, agent), the conversation, the composer. Marks the page
 * ready (body[data-ready] and the `report_ready` command) once the first real screen is up.
 */
export function App({ api, chat }: Props) {
  const [overview, setOverview] = useState<Overview>({ phase: "loading" });
  const [chatLoad, setChatLoad] = useState<"loading" | "loaded" | "failed">("loading");
  const [agentId, setAgentId] = useState<string | null>(null);
  const [switchError, setSwitchError] = useState<AppError | null>(null);
  const chatState = useChatState(chat);
  const reported = useRef(false);

  useEffect(() => {
    let live = true;
    api.workspaceOverview().then(
      (o) => {
        if (!live) return;
        setOverview({ phase: "loaded", overview: o });
        setAgentId((current) => current ?? o.agents[0]?.id ?? null);
      },
      () => live && setOverview({ phase: "failed" }),
    );
    chat.start().then(
      () => live && setChatLoad("loaded"),
      () => live && setChatLoad("failed"),
    );
    return () => {
      live = false;
    };
  }, [api, chat]);

  const settled = overview.phase !== "loading" && chatLoad !== "loading";
  useEffect(() => {
    if (!settled || reported.current) return;
    reported.current = true;
    // Ready means painted: wait two frames so the first screen is on the glass before
    // the screenshot command or the end-to-end suite looks at it.
    afterNextPaint(() => {
      document.body.dataset.ready = "true";
      api.reportReady().catch(() => undefined);
    });
  }, [settled, api]);

  const agents = overview.phase === "loaded" ? overview.overview.agents : [];
  const selected = agents.find((a) => a.id === agentId) ?? null;
  const entries = useMemo(() => chatEntries(chatState), [chatState]);

  const send = useCallback(
    (text: string) => {
      if (!selected) return Promise.resolve({ status: "error" as const, error: { code: "internal" as const } });
      return chat.send({ agentId: selected.id, message: text });
    },
    [chat, selected],
  );
  const actions = useMemo<ExchangeActions>(
    () => ({
      retry: (request) => chat.send(request),
      stop: (handle) => chat.stop(handle),
      inspect: (handle) => chat.inspect(handle),
    }),
    [chat],
  );

  const selectWorkspace = useCallback(
    async (workspaceId: string) => {
      setSwitchError(null);
      const result = await api.selectWorkspace(workspaceId).catch(
        (): Result<WorkspaceOverview, AppError> => ({ status: "error", error: { code: "internal" } }),
      );
      if (result.status === "error") {
        setSwitchError(result.error);
        return;
      }
      setOverview({ phase: "loaded", overview: result.data });
      setAgentId(result.data.agents[0]?.id ?? null);
    },
    [api],
  );

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          <h1>Athena Desktop</h1>
        </div>
        {overview.phase === "loaded" && (
          <WorkspaceBadge
            name={overview.overview.workspaceName}
            isDemo={overview.overview.isDemo}
            activeId={overview.overview.workspaceId}
            workspaces={overview.overview.workspaces}
            onSelect={(id) => void selectWorkspace(id)}
          />
        )}
        <div className="header-spacer" />
        {overview.phase === "loaded" && <AgentPicker agents={agents} selectedId={agentId} onSelect={setAgentId} />}
      </header>
      {switchError && (
        <p className="banner" data-testid="workspace-error" role="alert">
          {describeError(switchError)}
        </p>
      )}
      {overview.phase === "failed" && (
        <p className="banner" data-testid="load-error" role="alert">
          {LOAD_WORKSPACE_FAILED}
        </p>
      )}
      {chatLoad === "failed" && (
        <p className="banner" data-testid="chat-load-error" role="alert">
          {LOAD_CHAT_FAILED}
        </p>
      )}
      {overview.phase === "loaded" && agents.length === 0 && (
        <p className="banner" data-testid="no-agents">
          {NO_AGENTS}
        </p>
      )}
      <main className="chat-area">
        {settled ? (
          <OpenLinkContext.Provider value={api.openLink}>
            <ChatView entries={entries} agents={agents} actions={actions} />
          </OpenLinkContext.Provider>
        ) : (
          <div className="chat-loading" data-testid="loading">
            Loading…
          </div>
        )}
      </main>
      <footer className="composer-dock">
        <Composer
          onSend={send}
          disabled={!selected}
          placeholder={selected ? `Message ${selected.name}…` : "Write a message…"}
        />
      </footer>
    </div>
  );
}

function afterNextPaint(callback: () => void): void {
  if (typeof requestAnimationFrame !== "function") {
    setTimeout(callback, 0);
    return;
  }
  requestAnimationFrame(() => requestAnimationFrame(callback));
}

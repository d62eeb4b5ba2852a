import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { ConversationSummary, HistoryStatus, SearchResult } from "../bindings";
import { LOAD_CHAT_FAILED, LOAD_WORKSPACE_FAILED, NO_AGENTS, describeError } from "../errors";
import { messages } from "../messages";
import type {
  AgentCheckReport,
  AppError,
  CostPreview,
  SettingsView,
  WorkspaceOverview,
} from "../bindings";
import type { Result } from "../result";
import type { Variables } from "../wizard";
import { conversationEntries, isStreaming, streamingByConversation } from "../store/chat";
import { detectPlatform } from "../keyboard/keymap";
import { focusSoon, moveInSidebar, useShortcuts } from "../keyboard/useShortcuts";
import { findConversation } from "../store/conversations";
import type { ChatStore } from "../store/sync";
import { useStoreState } from "../store/useChatState";
import { ChatContextMenu } from "./ChatContextMenu";
import { ConversationList } from "./ConversationList";
import { loadUntil, useConversationActions, type ConversationActionsApi } from "./conversationActions";
import { ConversationPane, type OpenPhase } from "./ConversationPane";
import type { ExchangeActions } from "./Exchange";
import { HistoryBanner } from "./HistoryBanner";
import { AppVersionNotice, SettingsNoticeBanner } from "./Notices";
import type { BatchApi } from "./batch/api";
import { BatchScreen } from "./batch/BatchScreen";
import { OpenLinkContext, type OpenLink } from "./openLink";
import { SettingsDialog, type SettingsApi } from "./settings/SettingsDialog";
import { ShortcutHelp } from "./ShortcutHelp";
import { StatusBar } from "./StatusBar";
import { useSettingsView, useWorkspaceStatusEvents, type AppEvents } from "./useBackendState";
import { useDraftSaver } from "./useDraftSaver";
import { DeepLinkNotice, useDeepLinks, type DeepLinkApi, type DeepLinkEvents } from "./useDeepLinks";
import type { DeepLinkAction, DeepLinkRefusalReason } from "../bindings";
import { WorkspaceBadge } from "./WorkspaceBadge";
import type { AttachmentsApi, AttachmentsEvents } from "../attachments/api";
import { DropZone } from "../attachments/DropZone";
import { AttachmentViewsContext, type AttachmentViews } from "../attachments/SentAttachments";
import { useAttachments } from "../attachments/useAttachments";

/** The commands App and its screens use (a subset of `commands` in bindings.ts). */
export interface AppApi extends SettingsApi, BatchApi, ConversationActionsApi, AttachmentsApi {
  workspaceOverview(): Promise<WorkspaceOverview>;
  selectWorkspace(workspaceId: string): Promise<Result<WorkspaceOverview, AppError>>;
  historyStatus(): Promise<HistoryStatus>;
  reportReady(): Promise<void>;
  openLink: OpenLink;
  previewCost(conversationId: string, variables: Variables | null): Promise<Result<CostPreview, AppError>>;
  getSettings(): Promise<SettingsView>;
}

export type { AppEvents };

type Props = {
  /** With `takeDeepLinks`, the app follows `athena-desktop://` links. */
  api: AppApi & Partial<DeepLinkApi>;
  chat: ChatStore;
  /** The backend's workspace events (none: the status bar shows the overview's figures). */
  events?: AppEvents & Partial<DeepLinkEvents> & Partial<AttachmentsEvents>;
  /** The clock of the sidebar's relative times (Unix ms). */
  now?: () => number;
  /** How long the Batch screen waits after typing before it reads the pasted text again. */
  batchParseDelayMs?: number;
};

/** The key of a new chat's wizard values until its conversation exists. */
const NEW_CHAT = "";

/** A wizard's values as typed in one chat, for the agent they were typed for. */
type WizardEntry = { agentId: string; values: Variables };

/** The notice after a workspace's app changed on the server. */
type VersionNotice = { workspaceId: string; version: string | null; checks: AgentCheckReport[] };

type Overview =
  | { phase: "loading" }
  | { phase: "loaded"; overview: WorkspaceOverview }
  | { phase: "failed" };

const internal: AppError = { code: "internal" };

/**
 * The window: header (workspace), the conversation list on the left, the open
 * conversation on the right. Marks the page ready (body[data-ready] and the
 * `report_ready` command) once the first real screen is up.
 *
 * The selected conversation is null for a new chat that does not exist yet: it is
 * created (with the picked agent) on the first keystroke or on send, so its draft has a
 * home, and "New chat" never piles up empty conversations.
 */
export function App({ api, chat, events, now = Date.now, batchParseDelayMs }: Props) {
  const [overview, setOverview] = useState<Overview>({ phase: "loading" });
  const [startup, setStartup] = useState<"loading" | "loaded" | "failed">("loading");
  const [history, setHistory] = useState<HistoryStatus | null>(null);
  const [switchError, setSwitchError] = useState<AppError | null>(null);
  const [selectedId, setSelectedIdState] = useState<string | null>(null);
  const [open, setOpen] = useState<OpenPhase>({ phase: "loaded" });
  const [opened, setOpened] = useState<ConversationSummary | null>(null);
  const [pickedAgent, setPickedAgentState] = useState<string | null>(null);
  const [text, setTextState] = useState("");
  const [focusKey, setFocusKey] = useState(0);
  const [continuing, setContinuing] = useState(false);
  /** The message a search result opened: the chat scrolls to it and marks it. */
  const [focusHandle, setFocusHandle] = useState<string | undefined>(undefined);
  const [nowMs, setNowMs] = useState(now);
  const [settings, setSettings] = useSettingsView(api.getSettings);
  const [settingsNoticeShown, setSettingsNoticeShown] = useState(true);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [versionNotice, setVersionNotice] = useState<VersionNotice | null>(null);
  /** The main area: the chats, or the Batch screen (kept once opened, so a run stays shown). */
  const [screen, setScreen] = useState<"chats" | "batch">("chats");
  const [batchOpened, setBatchOpened] = useState(false);
  const batchButton = useRef<HTMLButtonElement>(null);
  const [wizardValues, setWizardValues] = useState<ReadonlyMap<string, WizardEntry>>(new Map());
  /** Changes when the user moves to another chat (not when a new chat gets its conversation). */
  const [composerSession, setComposerSession] = useState(0);
  const state = useStoreState(chat);
  const reported = useRef(false);

  // The latest values, for work that finishes after a render.
  const selected = useRef<string | null>(null);
  const textNow = useRef("");
  const touched = useRef(false);
  const picked = useRef<string | null>(null);
  const workspace = useRef<string | null>(null);
  /** A conversation being created for the new chat; send and typing wait for it. */
  const creating = useRef<Promise<Result<string, AppError>> | null>(null);

  const saveDraft = useCallback((id: string, value: string) => chat.saveDraft(id, value), [chat]);
  const drafts = useDraftSaver(saveDraft);

  const setSelected = useCallback((id: string | null) => {
    selected.current = id;
    setSelectedIdState(id);
  }, []);
  const setText = useCallback((value: string) => {
    textNow.current = value;
    setTextState(value);
  }, []);
  const setPicked = useCallback((agentId: string | null) => {
    picked.current = agentId;
    setPickedAgentState(agentId);
  }, []);

  useEffect(() => {
    const timer = setInterval(() => setNowMs(now()), 30_000);
    return () => clearInterval(timer);
  }, [now]);

  /** Opens a conversation: its messages, its draft in the composer. */
  const openConversation = useCallback(
    async (id: string): Promise<boolean> => {
      setSelected(id);
      setFocusHandle(undefined);
      setComposerSession((n) => n + 1);
      setOpen({ phase: "loading" });
      touched.current = false;
      setText("");
      const result = await chat.open(id);
      if (selected.current !== id) return result.status === "ok";
      if (result.status === "ok") {
        setOpened(result.data.conversation);
        setOpen({ phase: "loaded" });
        if (!touched.current) setText(result.data.draft);
        return true;
      }
      setOpen({ phase: "failed", error: result.error });
      return false;
    },
    [chat, setSelected, setText],
  );

  /** Shows a workspace's conversations and opens the most recent (or a new chat). */
  const showWorkspace = useCallback(
    async (o: WorkspaceOverview): Promise<boolean> => {
      workspace.current = o.workspaceId;
      chat.showWorkspace(o.workspaceId);
      setSelected(null);
      setComposerSession((n) => n + 1);
      setOpened(null);
      setOpen({ phase: "loaded" });
      setText("");
      if (!o.agents.some((a) => a.id === picked.current)) setPicked(startingAgent(o));
      const listed = await chat.loadConversations(false);
      if (workspace.current !== o.workspaceId) return true;
      if (listed.status === "error") return false;
      const recent = listed.data[0];
      return recent ? openConversation(recent.id) : true;
    },
    [chat, openConversation, setPicked, setSelected, setText],
  );

  useEffect(() => {
    let live = true;
    void (async () => {
      await chat.start().catch(() => undefined);
      const status = await api.historyStatus().catch(() => null);
      if (live) setHistory(status);
      let o: WorkspaceOverview;
      try {
        o = await api.workspaceOverview();
      } catch {
        if (!live) return;
        setOverview({ phase: "failed" });
        setStartup("loaded");
        return;
      }
      if (!live) return;
      setOverview({ phase: "loaded", overview: o });
      const ok = await showWorkspace(o);
      if (live) setStartup(ok ? "loaded" : "failed");
    })();
    return () => {
      live = false;
    };
  }, [api, chat, showWorkspace]);

  // Credits and the workspace's version as the backend learns them; a version change
  // comes with the agents' new checks.
  useWorkspaceStatusEvents(events, (e) => {
    if (e.workspaceId !== workspace.current) return;
    setOverview((o) =>
      o.phase === "loaded" && o.overview.workspaceId === e.workspaceId
        ? { phase: "loaded", overview: { ...o.overview, creditsRemaining: e.creditsRemaining, appVersion: e.appVersion } }
        : o,
    );
    if (e.appVersionChanged) {
      setVersionNotice({ workspaceId: e.workspaceId, version: e.appVersion, checks: e.agentChecks ?? [] });
    }
  });

  const settled = overview.phase !== "loading" && startup !== "loading";
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

  // A link from outside opens a chat, or starts one with the agent it names (when this
  // workspace has it) and its text in the composer, unsent; a refused link is a notice.
  const [linkRefusal, setLinkRefusal] = useState<DeepLinkRefusalReason | null>(null);
  const followLink = useCallback(
    (action: DeepLinkAction) => {
      if (action.kind === "refused") {
        setLinkRefusal(action.reason);
        return;
      }
      setScreen("chats");
      drafts.flush();
      if (action.kind === "openConversation") {
        void openConversation(action.conversationId);
        return;
      }
      const known = overview.phase === "loaded" ? overview.overview.agents : [];
      if (action.agentId && known.some((a) => a.id === action.agentId)) setPicked(action.agentId);
      setSelected(null);
      setComposerSession((n) => n + 1);
      setOpened(null);
      setOpen({ phase: "loaded" });
      setText(action.text ?? "");
      setFocusKey((k) => k + 1);
    },
    [drafts, openConversation, overview, setPicked, setSelected, setText],
  );
  useDeepLinks(api, events, settled, followLink);

  const agents = overview.phase === "loaded" ? overview.overview.agents : [];
  const conversation = selectedId
    ? (findConversation(state.conversations, selectedId) ?? (opened?.id === selectedId ? opened : null))
    : null;
  const entries = useMemo(
    () => (selectedId ? conversationEntries(state.chat, selectedId) : []),
    [state.chat, selectedId],
  );
  const streaming = useMemo(() => streamingByConversation(state.chat), [state.chat]);
  const isEmpty = entries.length === 0 && open.phase === "loaded";

  /** Makes a new conversation the selected one (it is empty: nothing to open). */
  const adopt = useCallback(
    (c: ConversationSummary) => {
      setSelected(c.id);
      setOpened(c);
      setOpen({ phase: "loaded" });
    },
    [setSelected],
  );

  /** The conversation the composer writes to, created for a new chat if need be. */
  const ensureConversation = useCallback((): Promise<Result<string, AppError>> => {
    if (creating.current) return creating.current;
    const current = selected.current;
    if (current) return Promise.resolve({ status: "ok", data: current });
    const ws = workspace.current;
    const agentId = picked.current;
    if (!ws || !agentId) return Promise.resolve({ status: "error", error: internal });
    const call = chat.startConversation(ws, agentId).then((result): Result<string, AppError> => {
      creating.current = null;
      if (result.status === "error") return result;
      if (selected.current === null && workspace.current === ws) {
        adopt(result.data);
        // The new chat's wizard values are the conversation's now.
        const id = result.data.id;
        setWizardValues((m) => {
          const entry = m.get(NEW_CHAT);
          if (!entry) return m;
          const next = new Map(m);
          next.delete(NEW_CHAT);
          next.set(id, entry);
          return next;
        });
      }
      return { status: "ok", data: result.data.id };
    });
    creating.current = call;
    return call;
  }, [adopt, chat]);

  // Files staged for the open conversation's next message. Drops attach only while the
  // chat is showing (the Batch screen takes them otherwise).
  const { readyIds: readyAttachmentIds, sent: attachmentsSent, ...attachments } = useAttachments(api, events, {
    conversationId: selectedId,
    enabled:
      screen === "chats" && settled && !(conversation?.archived ?? false) && (conversation?.agentId ?? pickedAgent) !== null,
    ensureConversation,
  });
  const attachmentViews = useMemo<AttachmentViews>(
    () => ({ fullView: (id) => api.attachmentFullView(id), thumbnail: (id) => api.attachmentThumbnail(id) }),
    [api],
  );

  const onTextChange = useCallback(
    (value: string) => {
      setText(value);
      touched.current = true;
      const id = selected.current;
      if (id && !creating.current) {
        drafts.change(id, value);
        return;
      }
      if (value === "") return;
      void ensureConversation().then((result) => {
        if (result.status === "ok") drafts.change(result.data, textNow.current);
      });
    },
    [drafts, ensureConversation, setText],
  );

  const send = useCallback(
    async (message: string, variables: Variables | null): Promise<Result<string, AppError>> => {
      const target = await ensureConversation();
      if (target.status === "error") return target;
      const conversationId = target.data;
      drafts.cancel();
      const attachmentIds = readyAttachmentIds(conversationId);
      const result = await chat.send({ conversationId, message, variables, attachmentIds });
      if (result.status === "ok") {
        attachmentsSent(attachmentIds);
        if (selected.current === conversationId) setText("");
        void chat.saveDraft(conversationId, "");
      } else {
        drafts.change(conversationId, message);
      }
      return result;
    },
    [attachmentsSent, chat, drafts, ensureConversation, readyAttachmentIds, setText],
  );

  const previewCost = useCallback(
    async (variables: Variables | null): Promise<Result<CostPreview, AppError>> => {
      const target = await ensureConversation();
      if (target.status === "error") return target;
      try {
        return await api.previewCost(target.data, variables);
      } catch {
        return { status: "error", error: internal };
      }
    },
    [api, ensureConversation],
  );

  const changeVariables = useCallback((agentId: string | null, values: Variables) => {
    if (agentId === null) return;
    const key = selected.current ?? NEW_CHAT;
    setWizardValues((m) => new Map(m).set(key, { agentId, values }));
  }, []);

  const select = useCallback(
    (id: string) => {
      if (id === selected.current) return;
      drafts.flush();
      void openConversation(id);
    },
    [drafts, openConversation],
  );

  const newChat = useCallback(() => {
    const current = selected.current;
    // An empty chat (or a new one not created yet) is kept: no pile of empty chats.
    if (current === null || (isEmpty && conversation && !conversation.archived)) {
      setFocusKey((k) => k + 1);
      return;
    }
    drafts.flush();
    if (conversation && !conversation.archived) setPicked(conversation.agentId);
    setSelected(null);
    setComposerSession((n) => n + 1);
    setOpened(null);
    setOpen({ phase: "loaded" });
    setText("");
    setFocusKey((k) => k + 1);
  }, [conversation, drafts, isEmpty, setPicked, setSelected, setText]);

  const pickAgent = useCallback(
    (agentId: string) => {
      setPicked(agentId);
      const current = conversation;
      const ws = workspace.current;
      if (!current || !ws || !isEmpty || current.archived || current.agentId === agentId) return;
      // An empty conversation's agent is changed by starting one with the new agent;
      // what was typed moves over.
      drafts.cancel();
      const from = current.id;
      const call = chat.startConversation(ws, agentId).then((result): Result<string, AppError> => {
        creating.current = null;
        if (result.status === "error") return result;
        const moved = textNow.current;
        if (selected.current === from) adopt(result.data);
        if (moved !== "") {
          void chat.saveDraft(from, "");
          void chat.saveDraft(result.data.id, moved);
        }
        return { status: "ok", data: result.data.id };
      });
      creating.current = call;
    },
    [adopt, chat, conversation, drafts, isEmpty, setPicked],
  );

  const continueNew = useCallback(async () => {
    const ws = workspace.current;
    if (!conversation || !ws) return;
    setContinuing(true);
    const result = await chat.startConversation(ws, conversation.agentId);
    setContinuing(false);
    if (result.status === "error") {
      setSwitchError(result.error);
      return;
    }
    setPicked(conversation.agentId);
    adopt(result.data);
    setComposerSession((n) => n + 1);
    setText("");
    setFocusKey((k) => k + 1);
  }, [adopt, chat, conversation, setPicked, setText]);

  const actions = useMemo<ExchangeActions>(
    () => ({
      resend: (handle) => chat.resend(handle),
      regenerate: (handle) => chat.regenerate(handle),
      feedback: (handle, up) => chat.feedback(handle, up),
      stop: (handle) => chat.stop(handle),
      inspect: (handle) => chat.inspect(handle),
    }),
    [chat],
  );

  const selectWorkspace = useCallback(
    async (workspaceId: string) => {
      setSwitchError(null);
      drafts.flush();
      const result = await api.selectWorkspace(workspaceId).catch(
        (): Result<WorkspaceOverview, AppError> => ({ status: "error", error: internal }),
      );
      if (result.status === "error") {
        setSwitchError(result.error);
        return;
      }
      setOverview({ phase: "loaded", overview: result.data });
      await showWorkspace(result.data);
    },
    [api, drafts, showWorkspace],
  );

  /** Workspaces were added, edited or deleted: the header, the agents and the status bar follow. */
  const refreshOverview = useCallback(async () => {
    let o: WorkspaceOverview;
    try {
      o = await api.workspaceOverview();
    } catch {
      return;
    }
    const switched = o.workspaceId !== workspace.current;
    setOverview({ phase: "loaded", overview: o });
    if (switched) {
      drafts.flush();
      await showWorkspace(o);
    } else if (!o.agents.some((a) => a.id === picked.current)) {
      setPicked(startingAgent(o));
    }
  }, [api, drafts, setPicked, showWorkspace]);

  /** A workspace's agents changed in the dialog. */
  const agentsChanged = useCallback(
    (o: WorkspaceOverview) => {
      if (o.workspaceId !== workspace.current) return;
      setOverview({ phase: "loaded", overview: o });
      if (!o.agents.some((a) => a.id === picked.current)) setPicked(startingAgent(o));
    },
    [setPicked],
  );

  const conversationActions = useConversationActions(api, chat, activeWorkspaceId(overview));

  /** Opens a search result's conversation and loads its pages until the message is there. */
  const openResult = useCallback(
    async (result: SearchResult) => {
      setScreen("chats");
      const id = result.conversationId;
      if (selected.current !== id) {
        drafts.flush();
        if (!(await openConversation(id)) || selected.current !== id) return;
      } else {
        // The same message again: focus it anew.
        flushSync(() => setFocusHandle(undefined));
      }
      const found = await loadUntil(chat, id, result.handle);
      if (found && selected.current === id) setFocusHandle(result.handle);
    },
    [chat, drafts, openConversation],
  );

  /** The open conversation was deleted: a new chat takes its place. */
  const conversationDeleted = useCallback(
    (id: string) => {
      if (selected.current !== id) return;
      drafts.cancel();
      setSelected(null);
      setComposerSession((n) => n + 1);
      setOpened(null);
      setOpen({ phase: "loaded" });
      setText("");
    },
    [drafts, setSelected, setText],
  );

  const conversationImported = useCallback(
    (c: ConversationSummary) => {
      setScreen("chats");
      drafts.flush();
      void openConversation(c.id);
    },
    [drafts, openConversation],
  );

  const loadList = useCallback(
    (archived: boolean, more: boolean) => void chat.loadConversations(archived, more),
    [chat],
  );

  const openBatch = useCallback(() => {
    drafts.flush();
    setBatchOpened(true);
    setScreen("batch");
  }, [drafts]);

  const [focusBatchButton, setFocusBatchButton] = useState(0);
  const backToChats = useCallback(() => {
    setScreen("chats");
    setFocusBatchButton((n) => n + 1);
  }, []);
  // Back from the Batch screen, the focus goes to the button that opened it.
  useEffect(() => {
    if (focusBatchButton > 0) batchButton.current?.focus();
  }, [focusBatchButton]);

  // Keyboard shortcuts (keyboard/keymap.ts); the help lists them. Off while a dialog is open.
  const platform = useMemo(() => detectPlatform(), []);
  const [helpOpen, setHelpOpen] = useState(false);
  const onChats = screen === "chats";
  useShortcuts(
    {
      newChat: () => {
        setScreen("chats");
        newChat();
        return true;
      },
      search: () => {
        setScreen("chats");
        return focusSoon(() => document.getElementById("conversation-search"), true);
      },
      focusComposer: () => {
        setScreen("chats");
        return focusSoon(() => document.querySelector<HTMLElement>('[data-testid="composer"]'));
      },
      stop: () => {
        const running = onChats ? [...entries].reverse().find(isStreaming) : undefined;
        if (!running) return false;
        void chat.stop(running.handle);
        return true;
      },
      nextConversation: () => onChats && moveInSidebar(selected.current, 1, select),
      previousConversation: () => onChats && moveInSidebar(selected.current, -1, select),
      openSettings: () => {
        if (overview.phase === "loading") return false;
        setSettingsOpen(true);
        return true;
      },
      showHelp: () => {
        setHelpOpen(true);
        return true;
      },
    },
    platform,
  );

  const activeOverview = overview.phase === "loaded" ? overview.overview : null;
  const wizardAgentId = conversation?.agentId ?? pickedAgent;
  const wizardEntry = wizardValues.get(selectedId ?? NEW_CHAT);
  const variableValues = wizardEntry && wizardEntry.agentId === wizardAgentId ? wizardEntry.values : undefined;
  const settingsNotice = settingsNoticeShown ? (settings?.notice ?? null) : null;

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
        {overview.phase === "loaded" && (
          <button
            ref={batchButton}
            type="button"
            className="button quiet bordered"
            data-testid="open-batch"
            aria-pressed={screen === "batch"}
            title={messages.batch.openLabel}
            onClick={openBatch}
          >
            {messages.batch.open}
          </button>
        )}
        {overview.phase !== "loading" && (
          <button
            type="button"
            className="button quiet bordered"
            data-testid="open-settings"
            aria-haspopup="dialog"
            title={messages.settings.openLabel}
            onClick={() => setSettingsOpen(true)}
          >
            {messages.settings.open}
          </button>
        )}
        <button
          type="button"
          className="button quiet bordered help-button"
          data-testid="open-shortcuts"
          aria-haspopup="dialog"
          aria-label={messages.shortcuts.openLabel}
          title={messages.shortcuts.openLabel}
          onClick={() => setHelpOpen(true)}
        >
          {messages.shortcuts.open}
        </button>
      </header>
      {history && <HistoryBanner status={history} onDismiss={() => setHistory(null)} />}
      {linkRefusal && <DeepLinkNotice reason={linkRefusal} onDismiss={() => setLinkRefusal(null)} />}
      {settingsNotice && <SettingsNoticeBanner notice={settingsNotice} onDismiss={() => setSettingsNoticeShown(false)} />}
      {versionNotice && versionNotice.workspaceId === activeOverview?.workspaceId && (
        <AppVersionNotice version={versionNotice.version} checks={versionNotice.checks} onDismiss={() => setVersionNotice(null)} />
      )}
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
      {startup === "failed" && (
        <p className="banner" data-testid="chat-load-error" role="alert">
          {LOAD_CHAT_FAILED}
        </p>
      )}
      {overview.phase === "loaded" && agents.length === 0 && (
        <p className="banner" data-testid="no-agents">
          {NO_AGENTS}
        </p>
      )}
      <div className="app-body">
        {batchOpened && settled && activeOverview && (
          <OpenLinkContext.Provider value={api.openLink}>
            <BatchScreen
              key={activeOverview.workspaceId}
              api={api}
              events={events}
              workspaceId={activeOverview.workspaceId}
              agents={agents}
              initialAgentId={pickedAgent}
              active={screen === "batch"}
              onBack={backToChats}
              now={now}
              parseDelayMs={batchParseDelayMs}
            />
          </OpenLinkContext.Provider>
        )}
        <div className="chat-screen" hidden={screen === "batch"}>
          <ConversationList
            conversations={state.conversations}
            selectedId={selectedId}
            streaming={streaming}
            nowMs={nowMs}
            onSelect={select}
            onNewChat={newChat}
            onLoad={loadList}
            actions={conversationActions}
            onOpenResult={(r) => void openResult(r)}
            onDeleted={conversationDeleted}
            onImported={conversationImported}
          />
          {settled ? (
            <OpenLinkContext.Provider value={api.openLink}>
              <AttachmentViewsContext.Provider value={attachmentViews}>
                <ChatContextMenu>
                  <ConversationPane
                    conversation={conversation}
                    open={open}
                    entries={entries}
                    agents={agents}
                    actions={actions}
                    loaded={selectedId ? state.loaded.get(selectedId) : undefined}
                    onLoadEarlier={() => selectedId && void chat.loadEarlier(selectedId)}
                    onRetryOpen={() => selectedId && void openConversation(selectedId)}
                    notice={selectedId ? state.conversations.notices.get(selectedId) : undefined}
                    localOnlyStatus={selectedId ? (state.conversations.localOnlyStatus.get(selectedId) ?? null) : null}
                    pickedAgentId={pickedAgent}
                    onPickAgent={pickAgent}
                    text={text}
                    onTextChange={onTextChange}
                    onSend={send}
                    onPreviewCost={previewCost}
                    alwaysPreviewCost={settings?.alwaysPreviewCost ?? false}
                    variableValues={variableValues}
                    onVariablesChange={(values) => changeVariables(wizardAgentId, values)}
                    onComposerBlur={drafts.flush}
                    composerFocusKey={focusKey}
                    composerResetKey={composerSession}
                    onContinueNew={() => void continueNew()}
                    continuing={continuing}
                    focusHandle={focusHandle}
                    attachments={attachments.composer}
                  />
                </ChatContextMenu>
              </AttachmentViewsContext.Provider>
            </OpenLinkContext.Provider>
          ) : (
            <section className="conversation-pane">
              <div className="chat-loading" data-testid="loading">
                Loading…
              </div>
            </section>
          )}
        </div>
      </div>
      {activeOverview && (
        <StatusBar
          workspaceName={activeOverview.workspaceName}
          creditsRemaining={activeOverview.creditsRemaining}
          appVersion={activeOverview.appVersion}
        />
      )}
      {settingsOpen && (
        <SettingsDialog
          api={api}
          active={activeOverview}
          settings={settings}
          onSettings={setSettings}
          onProfilesChanged={() => void refreshOverview()}
          onOverview={agentsChanged}
          onClose={() => setSettingsOpen(false)}
        />
      )}
      {helpOpen && <ShortcutHelp platform={platform} onClose={() => setHelpOpen(false)} />}
      {attachments.dragging && <DropZone />}
    </div>
  );
}

function activeWorkspaceId(overview: Overview): string | null {
  return overview.phase === "loaded" ? overview.overview.workspaceId : null;
}

function afterNextPaint(callback: () => void): void {
  if (typeof requestAnimationFrame !== "function") {
    setTimeout(callback, 0);
    return;
  }
  requestAnimationFrame(() => requestAnimationFrame(callback));
}

/** The agent a new chat starts with: the one last used in the workspace, else its first. */
function startingAgent(o: WorkspaceOverview): string | null {
  const preferred = o.preferredAgentId;
  if (preferred && o.agents.some((a) => a.id === preferred)) return preferred;
  return o.agents[0]?.id ?? null;
}

import { useCallback, useEffect, useId, useRef, useState } from "react";
import { describeError } from "../../errors";
import { messages } from "../../messages";
import type { AgentToolsView, AppError, ToolGrantsView, ToolView, WorkspaceOverview } from "../../bindings";
import type { Result } from "../../result";
import { ChevronIcon } from "../parts/icons";

const words = messages.tools;

/**
 * The commands of the Tools section (a subset of `commands`). None of them runs a tool
 * or approves a call: the page can only take power away, or ask Rust for a native
 * dialog that the user answers.
 */
export type ToolsApi = {
  agentTools(workspaceId: string, agentId: string): Promise<Result<AgentToolsView, AppError>>;
  setToolEnabled(workspaceId: string, agentId: string, toolName: string, enabled: boolean): Promise<Result<AgentToolsView, AppError>>;
  revokeToolRule(workspaceId: string, agentId: string, toolName: string): Promise<Result<AgentToolsView, AppError>>;
  toolGrants(): Promise<Result<ToolGrantsView, AppError>>;
  grantFolder(): Promise<Result<ToolGrantsView, AppError>>;
  removeGrantedFolder(path: string): Promise<Result<ToolGrantsView, AppError>>;
  chooseLedgerFile(): Promise<Result<ToolGrantsView, AppError>>;
  forgetLedgerFile(): Promise<Result<ToolGrantsView, AppError>>;
};

type Props = {
  api: ToolsApi;
  /** The active workspace: its agents are the ones listed. */
  active: WorkspaceOverview | null;
  /** Changes when the app's tools changed (an MCP server's came or went): the list is read again. */
  revision?: number;
};

type Load<T> = { phase: "loading" } | { phase: "loaded"; data: T } | { phase: "failed"; error: AppError };

async function settle<T>(call: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await call();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}

/** The agent chosen at first: the one last used in the workspace, else its first. */
function firstAgent(o: WorkspaceOverview): string | null {
  const preferred = o.preferredAgentId;
  if (preferred && o.agents.some((a) => a.id === preferred)) return preferred;
  return o.agents[0]?.id ?? null;
}

/**
 * Tools on this computer: which tools each agent of the active workspace is offered,
 * the "Always allow" rules (revoke only: a rule is made in the native dialog), and the
 * folders and ledger the tools may read (chosen in native dialogs).
 */
export function ToolsSection({ api, active, revision = 0 }: Props) {
  const id = useId();
  const agents = active?.agents ?? [];
  const [chosen, setChosen] = useState<string | null>(() => (active ? firstAgent(active) : null));
  // The workspace may change under the dialog, or lose the chosen agent.
  const agentId = chosen !== null && agents.some((a) => a.id === chosen) ? chosen : active ? firstAgent(active) : null;
  const agent = agents.find((a) => a.id === agentId);

  return (
    <section className="settings-section tools-section" aria-labelledby={`${id}-title`} data-testid="tools-section">
      <h3 id={`${id}-title`}>{words.title}</h3>
      <p className="form-hint tools-intro">{words.intro}</p>
      {active === null ? (
        <p className="form-hint" data-testid="tools-no-workspace">
          {words.noWorkspace}
        </p>
      ) : agents.length === 0 || !agent ? (
        <p className="form-hint" data-testid="tools-no-agents">
          {words.noAgents}
        </p>
      ) : (
        <>
          <div className="form-field form-field-row">
            <label className="form-label" htmlFor={`${id}-agent`}>
              {words.agent}
            </label>
            <select id={`${id}-agent`} data-testid="tools-agent" value={agent.id} onChange={(e) => setChosen(e.target.value)}>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          <AgentTools
            key={`${active.workspaceId}\n${agent.id}\n${revision}`}
            api={api}
            workspaceId={active.workspaceId}
            agentId={agent.id}
            agentName={agent.name}
          />
        </>
      )}
      <Grants api={api} />
    </section>
  );
}

type AgentToolsProps = { api: ToolsApi; workspaceId: string; agentId: string; agentName: string };

/** The tools of one agent (remounted when the agent changes, so no answer lands on another). */
function AgentTools({ api, workspaceId, agentId, agentName }: AgentToolsProps) {
  const [load, setLoad] = useState<Load<AgentToolsView>>({ phase: "loading" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const mounted = useRef(true);
  const list = useRef<HTMLUListElement>(null);
  const [focusOffer, setFocusOffer] = useState<{ tool: string } | null>(null);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    setLoad({ phase: "loading" });
    const result = await settle(() => api.agentTools(workspaceId, agentId));
    if (!mounted.current) return;
    setLoad(result.status === "ok" ? { phase: "loaded", data: result.data } : { phase: "failed", error: result.error });
  }, [api, workspaceId, agentId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // A rule's button goes away with its rule: the focus moves to that tool's checkbox.
  useEffect(() => {
    if (!focusOffer) return;
    const boxes = list.current?.querySelectorAll<HTMLInputElement>("input[data-tool]") ?? [];
    for (const box of boxes) if (box.dataset.tool === focusOffer.tool) box.focus();
  }, [focusOffer]);

  async function change(call: () => Promise<Result<AgentToolsView, AppError>>, done?: (view: AgentToolsView) => void) {
    if (busy) return;
    setBusy(true);
    setError(null);
    setNote(null);
    const result = await settle(call);
    if (!mounted.current) return;
    setBusy(false);
    if (result.status === "error") {
      setError(describeError(result.error));
      return;
    }
    setLoad({ phase: "loaded", data: result.data });
    done?.(result.data);
  }

  const toggle = (tool: ToolView, enabled: boolean) =>
    change(() => api.setToolEnabled(workspaceId, agentId, tool.name, enabled));

  const revoke = (tool: ToolView) =>
    change(
      () => api.revokeToolRule(workspaceId, agentId, tool.name),
      () => {
        setNote(words.revoked(tool.name));
        setFocusOffer({ tool: tool.name });
      },
    );

  if (load.phase === "loading") return <p className="form-hint">{words.loading}</p>;
  if (load.phase === "failed") {
    return (
      <p className="form-problem" role="alert" data-testid="tools-error">
        {describeError(load.error)}{" "}
        <button type="button" className="link-button" onClick={() => void refresh()}>
          {words.retry}
        </button>
      </p>
    );
  }

  const view = load.data;
  const atLimit = view.enabledCount >= view.limit;
  return (
    <div className="agent-tools" aria-busy={busy || undefined}>
      <p className="tools-count" data-testid="tools-count">
        {words.count(view.enabledCount, view.limit)}
      </p>
      {atLimit && (
        <p className="form-hint" data-testid="tools-at-limit">
          {words.atLimit(view.limit)}
        </p>
      )}
      <ul className="settings-list" ref={list} data-testid="tool-list">
        {view.tools.map((tool) => (
          <ToolRow
            key={tool.name}
            tool={tool}
            agentName={agentName}
            // At the limit a tool can still be stopped, not offered.
            blocked={atLimit && !tool.enabled}
            onToggle={(on) => void toggle(tool, on)}
            onRevoke={() => void revoke(tool)}
            busy={busy}
          />
        ))}
      </ul>
      {note && (
        <p className="form-status" role="status" data-testid="tools-note">
          {note}
        </p>
      )}
      {error && (
        <p className="form-problem" role="alert" data-testid="tools-error">
          {error}
        </p>
      )}
    </div>
  );
}

type ToolRowProps = {
  tool: ToolView;
  agentName: string;
  blocked: boolean;
  busy: boolean;
  onToggle: (enabled: boolean) => void;
  onRevoke: () => void;
};

function ToolRow({ tool, agentName, blocked, busy, onToggle, onRevoke }: ToolRowProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <li className="settings-item tool-item" data-testid="tool-item" data-tool={tool.name}>
      <div className="settings-item-head">
        <label className="form-check tool-offer">
          <input
            type="checkbox"
            data-testid="tool-enabled"
            data-tool={tool.name}
            aria-labelledby={`${id}-offer ${id}-name`}
            aria-describedby={`${id}-description`}
            checked={tool.enabled}
            disabled={blocked}
            onChange={(e) => {
              if (!busy) onToggle(e.target.checked);
            }}
          />
          <span id={`${id}-offer`}>{words.offer(agentName)}</span>
        </label>
        <code className="tool-setting-name" id={`${id}-name`}>
          {tool.name}
        </code>
        {tool.source !== "built-in" && (
          <span className="form-hint" data-testid="tool-source">
            {words.source(tool.source)}
          </span>
        )}
      </div>
      <p className="settings-item-line tool-description" id={`${id}-description`}>
        {tool.description}
      </p>
      {tool.alwaysAllowed && (
        <div className="tool-rule" data-testid="tool-always-allowed">
          <span>{words.alwaysAllowed}</span>
          <button
            type="button"
            className="button quiet bordered"
            data-testid="tool-revoke"
            aria-label={words.revokeLabel(tool.name)}
            aria-disabled={busy || undefined}
            onClick={onRevoke}
          >
            {words.revoke}
          </button>
        </div>
      )}
      {tool.ruleOutdated && (
        <div className="tool-rule outdated" data-testid="tool-rule-outdated">
          <span>{words.ruleOutdated}</span>
          <button
            type="button"
            className="button quiet bordered"
            data-testid="tool-remove-rule"
            aria-label={words.removeRuleLabel(tool.name)}
            aria-disabled={busy || undefined}
            onClick={onRevoke}
          >
            {words.removeRule}
          </button>
        </div>
      )}
      <button
        type="button"
        className="part-toggle tool-parameters-toggle"
        data-testid="tool-parameters-toggle"
        aria-expanded={open}
        aria-controls={`${id}-parameters`}
        aria-label={words.parametersLabel(tool.name)}
        onClick={() => setOpen(!open)}
      >
        <ChevronIcon open={open} />
        {words.parameters}
      </button>
      <pre id={`${id}-parameters`} className="tool-parameters" data-testid="tool-parameters" hidden={!open}>
        {open ? tool.parameters : null}
      </pre>
    </li>
  );
}

/** The folders and ledger the tools may read; granted only in native dialogs. */
function Grants({ api }: { api: ToolsApi }) {
  const id = useId();
  const [load, setLoad] = useState<Load<ToolGrantsView>>({ phase: "loading" });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ where: "folders" | "ledger"; text: string } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const grantButton = useRef<HTMLButtonElement>(null);
  const chooseButton = useRef<HTMLButtonElement>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    setLoad({ phase: "loading" });
    const result = await settle(() => api.toolGrants());
    if (!mounted.current) return;
    setLoad(result.status === "ok" ? { phase: "loaded", data: result.data } : { phase: "failed", error: result.error });
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function change(
    what: string,
    where: "folders" | "ledger",
    call: () => Promise<Result<ToolGrantsView, AppError>>,
    done?: (before: ToolGrantsView | null, after: ToolGrantsView) => void,
  ) {
    if (busy !== null) return;
    const before = load.phase === "loaded" ? load.data : null;
    setBusy(what);
    setError(null);
    setNote(null);
    const result = await settle(call);
    if (!mounted.current) return;
    setBusy(null);
    if (result.status === "error") {
      setError({ where, text: describeError(result.error) });
      return;
    }
    setLoad({ phase: "loaded", data: result.data });
    done?.(before, result.data);
  }

  const grant = () =>
    change("grant", "folders", () => api.grantFolder(), (before, after) => {
      const known = new Set(before?.folders.map((f) => f.path));
      const added = after.folders.find((f) => !known.has(f.path));
      if (added) setNote(words.granted(added.name, added.path));
    });

  // What held the focus goes away: it moves to the button that adds again.
  const removeFolder = (path: string) =>
    change("remove:" + path, "folders", () => api.removeGrantedFolder(path), () => grantButton.current?.focus());

  const chooseLedger = () => change("ledger", "ledger", () => api.chooseLedgerFile());
  const forgetLedger = () =>
    change("forget", "ledger", () => api.forgetLedgerFile(), () => chooseButton.current?.focus());

  if (load.phase === "loading") return <p className="form-hint">{words.loading}</p>;
  if (load.phase === "failed") {
    return (
      <p className="form-problem" role="alert" data-testid="grants-error">
        {describeError(load.error)}{" "}
        <button type="button" className="link-button" onClick={() => void refresh()}>
          {words.retry}
        </button>
      </p>
    );
  }
  const grants = load.data;

  return (
    <>
      <h4 className="tools-subtitle" id={`${id}-folders`}>
        {words.foldersTitle}
      </h4>
      {grants.folders.length === 0 ? (
        <p className="form-hint" data-testid="folders-none">
          {words.foldersNone}
        </p>
      ) : (
        <ul className="settings-list" aria-labelledby={`${id}-folders`} data-testid="folder-list">
          {grants.folders.map((folder) => (
            <li key={folder.path} className="settings-item folder-item" data-testid="folder-item">
              <div className="settings-item-head">
                <code className="tool-setting-name" data-testid="folder-name">
                  <span className="visually-hidden">{words.folderName}: </span>
                  {folder.name}
                </code>
                <span className="header-spacer" />
                <button
                  type="button"
                  className="button quiet bordered"
                  data-testid="remove-folder"
                  aria-label={words.removeFolderLabel(folder.name)}
                  aria-disabled={busy !== null || undefined}
                  onClick={() => void removeFolder(folder.path)}
                >
                  {words.removeFolder}
                </button>
              </div>
              <p className="settings-item-line folder-path" data-testid="folder-path">
                <span className="visually-hidden">{words.folderPath}: </span>
                {folder.path}
              </p>
            </li>
          ))}
        </ul>
      )}
      {note && (
        <p className="form-status" role="status" data-testid="grants-note">
          {note}
        </p>
      )}
      {error?.where === "folders" && (
        <p className="form-problem" role="alert" data-testid="grants-error">
          {error.text}
        </p>
      )}
      <div className="form-actions">
        <button
          ref={grantButton}
          type="button"
          className="button quiet bordered"
          data-testid="grant-folder"
          aria-disabled={busy !== null || undefined}
          onClick={() => void grant()}
        >
          {busy === "grant" ? words.granting : words.grantFolder}
        </button>
      </div>

      <h4 className="tools-subtitle" id={`${id}-ledger`}>
        {words.ledgerTitle}
      </h4>
      <div className="ca-row ledger-row" role="group" aria-labelledby={`${id}-ledger`}>
        <span className={grants.ledgerFile ? "ledger-file" : "ledger-file form-hint"} data-testid="ledger-file">
          {grants.ledgerFile ?? words.ledgerNone}
        </span>
        <button
          ref={chooseButton}
          type="button"
          className="button quiet bordered"
          data-testid="choose-ledger"
          aria-disabled={busy !== null || undefined}
          onClick={() => void chooseLedger()}
        >
          {busy === "ledger" ? words.choosingLedger : words.chooseLedger}
        </button>
        {grants.ledgerFile && (
          <button
            type="button"
            className="button quiet bordered"
            data-testid="forget-ledger"
            aria-label={words.forgetLedgerLabel}
            aria-disabled={busy !== null || undefined}
            onClick={() => void forgetLedger()}
          >
            {words.forgetLedger}
          </button>
        )}
      </div>
      {error?.where === "ledger" && (
        <p className="form-problem" role="alert" data-testid="ledger-error">
          {error.text}
        </p>
      )}
    </>
  );
}

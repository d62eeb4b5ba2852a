import { useId, useState } from "react";
import { describeError } from "../../errors";
import { formatCount } from "../../format";
import { messages } from "../../messages";
import type {
  AgentAdded,
  AgentsImported,
  AgentSummary,
  AppError,
  ProfileView,
  WorkspaceOverview,
} from "../../bindings";
import type { Result } from "../../result";
import { CostPreviewPanel } from "../CostPreviewPanel";
import { AgentForm, type AgentFormApi } from "./AgentForm";

const words = messages.agents;

export type AgentsApi = AgentFormApi & {
  removeAgent(workspaceId: string, agentId: string): Promise<Result<WorkspaceOverview, AppError>>;
  importAgents(workspaceId: string): Promise<Result<AgentsImported | null, AppError>>;
  exportAgents(workspaceId: string): Promise<Result<boolean, AppError>>;
};

type Props = {
  api: AgentsApi;
  profiles: ProfileView[];
  /** The active workspace's id, chosen at first. */
  activeId: string;
  /** The active workspace's overview, when loaded (its agents are listed without asking). */
  active: WorkspaceOverview | null;
  /** A workspace's agents changed (the overview the backend returned). */
  onOverview: (overview: WorkspaceOverview) => void;
};

type Note = { kind: "done"; text: string } | { kind: "added"; added: AgentAdded } | { kind: "error"; text: string };

async function settle<T>(call: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await call();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}

function describeAgent(agent: AgentSummary): string {
  if (agent.variables.length > 0) return words.wizard(agent.variables.length);
  return agent.requiresUserMessage ? words.needsMessage : words.noMessage;
}

/**
 * The agents of a chosen workspace (the active one at first): remove, add by id,
 * import and export. The API cannot list agents: the app keeps what the user entered.
 */
export function AgentsSection({ api, profiles, activeId, active, onOverview }: Props) {
  const selectId = useId();
  const [chosen, setChosen] = useState(activeId);
  const [known, setKnown] = useState<ReadonlyMap<string, WorkspaceOverview>>(new Map());
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<Note | null>(null);

  const overview = active !== null && chosen === active.workspaceId ? active : known.get(chosen);
  const profile = profiles.find((p) => p.id === chosen);

  function learn(o: WorkspaceOverview) {
    setKnown((m) => new Map(m).set(o.workspaceId, o));
    onOverview(o);
  }

  function choose(id: string) {
    setChosen(id);
    setAdding(false);
    setNote(null);
  }

  async function run<T>(what: string, call: () => Promise<Result<T, AppError>>, done: (data: T) => void) {
    setBusy(what);
    setNote(null);
    const result = await settle(call);
    setBusy(null);
    if (result.status === "ok") done(result.data);
    else setNote({ kind: "error", text: describeError(result.error) });
  }

  const remove = (agent: AgentSummary) =>
    run("remove:" + agent.id, () => api.removeAgent(chosen, agent.id), learn);

  const importFile = () =>
    run("import", () => api.importAgents(chosen), (imported) => {
      if (!imported) return;
      learn(imported.overview);
      setNote({ kind: "done", text: words.imported(imported.added, imported.replaced) });
    });

  const exportFile = () =>
    run("export", () => api.exportAgents(chosen), (saved) => {
      if (saved) setNote({ kind: "done", text: words.exported });
    });

  function added(result: AgentAdded) {
    learn(result.overview);
    setAdding(false);
    setNote({ kind: "added", added: result });
  }

  // The demo workspace's agents are its own: they are shown, and can be exported, but
  // not changed (the backend refuses it too).
  const builtIn = profile?.kind === "demo";

  return (
    <section className="settings-section" aria-labelledby={`${selectId}-title`}>
      <h3 id={`${selectId}-title`}>{words.title}</h3>
      <div className="form-field form-field-row">
        <label className="form-label" htmlFor={selectId}>
          {words.workspace}
        </label>
        <select id={selectId} data-testid="agents-workspace" value={chosen} onChange={(e) => choose(e.target.value)}>
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.kind === "demo" ? `${p.name} (${messages.profiles.demo})` : p.name}
            </option>
          ))}
        </select>
      </div>
      {overview ? (
        overview.agents.length === 0 ? (
          <p className="form-hint">{words.none}</p>
        ) : (
          <ul className="settings-list" data-testid="agent-list">
            {overview.agents.map((agent) => (
              <li key={agent.id} className="settings-item agent-item" data-testid="agent-item" data-agent-id={agent.id}>
                <div className="settings-item-head">
                  <span className="settings-item-name">{agent.name}</span>
                  <span className="agent-kind">{describeAgent(agent)}</span>
                  <span className="header-spacer" />
                  {!builtIn && (
                    <button
                      type="button"
                      className="button quiet bordered"
                      data-testid="remove-agent"
                      aria-label={words.removeLabel(agent.name)}
                      disabled={busy !== null}
                      onClick={() => void remove(agent)}
                    >
                      {busy === "remove:" + agent.id ? words.removing : words.remove}
                    </button>
                  )}
                </div>
                <p className="settings-item-line agent-id">{agent.id}</p>
              </li>
            ))}
          </ul>
        )
      ) : (
        <p className="form-hint" data-testid="agents-not-listed">
          {words.notListed(messages.profiles.agents(profile?.agentCount ?? 0))}
        </p>
      )}
      {note?.kind === "done" && (
        <p className="form-status" role="status" data-testid="agents-note">
          {note.text}
        </p>
      )}
      {note?.kind === "error" && (
        <p className="form-problem" role="alert" data-testid="agents-error">
          {note.text}
        </p>
      )}
      {note?.kind === "added" && (
        <div role="status" data-testid="agent-added">
          <CostPreviewPanel
            preview={note.added.preview}
            lead={messages.agentForm.added(formatCount(note.added.preview.credits))}
          />
        </div>
      )}
      {builtIn && (
        <p className="form-hint" data-testid="agents-built-in">
          {words.builtIn}
        </p>
      )}
      <div className="form-actions">
        {!builtIn && (
          <button
            type="button"
            className="button quiet bordered"
            data-testid="import-agents"
            aria-label={words.importLabel}
            disabled={busy !== null}
            onClick={() => void importFile()}
          >
            {busy === "import" ? words.importing : words.import}
          </button>
        )}
        <button
          type="button"
          className="button quiet bordered"
          data-testid="export-agents"
          aria-label={words.exportLabel}
          disabled={busy !== null}
          onClick={() => void exportFile()}
        >
          {busy === "export" ? words.exporting : words.export}
        </button>
        {!adding && !builtIn && (
          <button
            type="button"
            className="button primary"
            data-testid="add-agent"
            onClick={() => {
              setAdding(true);
              setNote(null);
            }}
          >
            {words.add}
          </button>
        )}
      </div>
      {adding && (
        <AgentForm
          key={chosen}
          api={api}
          workspaceId={chosen}
          onAdded={added}
          onCancel={() => setAdding(false)}
        />
      )}
    </section>
  );
}

import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { AppError, McpServerInput, McpServersView, McpServerView, McpTestView, McpToolView } from "../../bindings";
import { describeError } from "../../errors";
import { messages } from "../../messages";
import type { Result } from "../../result";
import { RemoveButton } from "./RemoveButton";

const words = messages.mcp;

/**
 * The commands of the MCP servers section (a subset of `commands`). Saving a server
 * runs none of its tools: their calls are approved in the native dialog. The sample
 * call is asked in a native dialog too, naming the tool and the sample.
 */
export type McpApi = {
  mcpServers(): Promise<McpServersView>;
  saveMcpServer(server: McpServerInput): Promise<Result<McpServersView, AppError>>;
  removeMcpServer(id: string): Promise<Result<McpServersView, AppError>>;
  restartMcpServer(id: string): Promise<Result<McpServersView, AppError>>;
  probeMcpServer(name: string, commandLine: string): Promise<Result<McpTestView, AppError>>;
  callMcpTool(id: string, tool: string, sample: string): Promise<Result<McpTestView, AppError>>;
  /** Calls `listener` when a server's status or tools change; resolves to an unsubscribe. */
  onMcpServersChanged(listener: () => void): Promise<() => void>;
};

type Props = {
  api: Partial<McpApi>;
  /** The tools on offer changed (a server's tools came or went): the agent lists reload. */
  onToolsChanged?: () => void;
};

type Form = { id: string | null; name: string; commandLine: string; enabled: boolean };

async function settle<T>(call: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await call();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}

/** The offered tool names of every server, as one comparable key. */
function toolKey(view: McpServersView): string {
  return view.servers
    .flatMap((s) => (s.status.state === "running" ? s.tools.filter((t) => !t.problem).map((t) => t.name) : []))
    .sort()
    .join(" ");
}

function statusText(server: McpServerView): string {
  if (!server.enabled) return words.disabled;
  switch (server.status.state) {
    case "stopped":
      return words.stopped;
    case "starting":
      return words.starting;
    case "running":
      return words.running(server.status.tools);
    case "failed":
      return words.failed(server.status.reason);
  }
}

/**
 * The user's MCP servers (Settings → Tools): add one by its command line, test it,
 * edit, restart or remove it (after a confirmation), see its status, the reason it
 * failed, and its tools. Without the commands (tests of other sections) it shows nothing.
 */
export function McpServersSection({ api, onToolsChanged }: Props) {
  const id = useId();
  const [view, setView] = useState<McpServersView | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [form, setForm] = useState<Form | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<McpTestView | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const mounted = useRef(true);
  const tools = useRef<string | null>(null);
  const toolsChanged = useRef(onToolsChanged);
  toolsChanged.current = onToolsChanged;
  const { mcpServers, onMcpServersChanged } = api;

  const shown = useCallback((next: McpServersView) => {
    if (!mounted.current) return;
    setView(next);
    const key = toolKey(next);
    if (tools.current !== null && tools.current !== key) toolsChanged.current?.();
    tools.current = key;
  }, []);

  const reload = useCallback(async () => {
    if (!mcpServers) return;
    try {
      shown(await mcpServers());
      setLoadFailed(false);
    } catch {
      if (mounted.current) setLoadFailed(true);
    }
  }, [mcpServers, shown]);

  useEffect(() => {
    mounted.current = true;
    void reload();
    let unlisten: (() => void) | null = null;
    let live = true;
    onMcpServersChanged?.(() => void reload()).then(
      (stop) => (live ? (unlisten = stop) : stop()),
      () => undefined,
    );
    return () => {
      live = false;
      mounted.current = false;
      unlisten?.();
    };
  }, [reload, onMcpServersChanged]);

  if (!mcpServers || !api.saveMcpServer || !api.removeMcpServer || !api.restartMcpServer || !api.probeMcpServer || !api.callMcpTool) {
    return null;
  }
  const { saveMcpServer, removeMcpServer, restartMcpServer, probeMcpServer } = api;

  async function change(call: () => Promise<Result<McpServersView, AppError>>, done?: () => void) {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await settle(call);
    if (!mounted.current) return;
    setBusy(false);
    if (result.status === "error") {
      setError(describeError(result.error));
      return;
    }
    shown(result.data);
    done?.();
  }

  async function runTest(current: Form) {
    setBusy(true);
    setError(null);
    setTest(null);
    const result = await settle(() => probeMcpServer(current.name, current.commandLine));
    if (!mounted.current) return;
    setBusy(false);
    if (result.status === "error") setError(describeError(result.error));
    else setTest(result.data);
  }

  const readOnly = view?.readOnly ?? false;

  return (
    <section className="settings-section mcp-section" id="mcp-servers" aria-labelledby={`${id}-title`} data-testid="mcp-servers">
      <h3 id={`${id}-title`}>{words.title}</h3>
      <p className="form-hint">{words.intro}</p>
      {loadFailed && <p role="alert">{words.loadFailed}</p>}
      {view && view.servers.length === 0 && !form && <p className="form-hint">{words.none}</p>}
      <ul className="settings-list mcp-servers">
        {view?.servers.map((server) => (
          <li
            key={server.id}
            className="settings-item mcp-server"
            data-testid="mcp-server"
            data-server-id={server.id}
            data-status={server.enabled ? server.status.state : "disabled"}
          >
            <div className="mcp-server-head">
              <strong>{server.name}</strong> <code className="mcp-command">{server.commandLine}</code>
              <p className={`mcp-status mcp-status-${server.status.state}`} data-testid="mcp-status" role="status">
                {statusText(server)}
              </p>
            </div>
            <div className="form-actions">
              <button
                type="button"
                className="button"
                disabled={busy || readOnly}
                onClick={() => {
                  setTest(null);
                  setForm({ id: server.id, name: server.name, commandLine: server.commandLine, enabled: server.enabled });
                }}
              >
                {words.edit}
              </button>
              <button
                type="button"
                className="button"
                data-testid="mcp-restart"
                disabled={busy || !server.enabled}
                onClick={() => void change(() => restartMcpServer(server.id))}
              >
                {words.restart}
              </button>
              <RemoveButton
                question={words.removeQuestion(server.name)}
                confirming={confirming === server.id}
                onAsk={() => setConfirming(server.id)}
                onYes={() => void change(() => removeMcpServer(server.id), () => setConfirming(null))}
                onNo={() => setConfirming(null)}
                busy={busy}
                readOnly={readOnly}
                words={words}
                testId="mcp-remove"
              />
            </div>
            {server.tools.length > 0 && <ToolList tools={server.tools} />}
            {server.status.state === "running" && (
              <SampleCall api={api as McpApi} server={server} />
            )}
          </li>
        ))}
      </ul>
      {form ? (
        <form
          className="mcp-form"
          data-testid="mcp-form"
          onSubmit={(e) => {
            e.preventDefault();
            void change(
              () => saveMcpServer({ id: form.id, name: form.name, commandLine: form.commandLine, enabled: form.enabled }),
              () => {
                setForm(null);
                setTest(null);
              },
            );
          }}
        >
          <div className="form-field">
            <label className="form-label" htmlFor={`${id}-name`}>
              {words.name}
            </label>
            <input
              id={`${id}-name`}
              data-testid="mcp-name"
              value={form.name}
              maxLength={view?.maxNameChars}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </div>
          <div className="form-field">
            <label className="form-label" htmlFor={`${id}-command`}>
              {words.commandLine}
            </label>
            <input
              id={`${id}-command`}
              data-testid="mcp-command-line"
              className="mcp-command-input"
              value={form.commandLine}
              spellCheck={false}
              maxLength={view?.maxCommandLineChars}
              onChange={(e) => setForm({ ...form, commandLine: e.target.value })}
            />
            <p className="form-hint">{words.commandLineHint}</p>
          </div>
          <label className="form-check">
            <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />{" "}
            {words.enabled}
          </label>
          <div className="form-actions">
            <button type="button" className="button" data-testid="mcp-test" disabled={busy} onClick={() => void runTest(form)}>
              {words.test}
            </button>
            <button type="submit" className="button primary" data-testid="mcp-save" disabled={busy || readOnly}>
              {words.save}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setForm(null);
                setTest(null);
                setError(null);
              }}
            >
              {words.cancel}
            </button>
          </div>
          {test && (
            <div className="mcp-test" data-testid="mcp-test-result" data-ok={test.ok ? "true" : "false"} role="status">
              {test.ok ? (
                <>
                  <p>{words.testListed(test.tools.length)}</p>
                  <ToolList tools={test.tools} />
                </>
              ) : (
                <p>{words.testFailed(test.output)}</p>
              )}
            </div>
          )}
        </form>
      ) : (
        <div className="form-actions">
          <button
            type="button"
            className="button"
            data-testid="mcp-add"
            disabled={busy || readOnly || (view !== null && view.servers.length >= view.maxServers)}
            onClick={() => {
              setTest(null);
              setError(null);
              setForm({ id: null, name: "", commandLine: "", enabled: true });
            }}
          >
            {words.add}
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="form-error" data-testid="mcp-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ToolList({ tools }: { tools: McpToolView[] }) {
  return (
    <ul className="mcp-tools">
      {tools.map((tool) => (
        <li key={tool.remoteName} data-testid="mcp-tool" data-tool={tool.name} data-problem={tool.problem ? "true" : "false"}>
          <code>{tool.name}</code> <span className="form-hint">{tool.description}</span>
          {tool.problem && <p className="form-error">{words.toolLeftOut(tool.problem)}</p>}
        </li>
      ))}
    </ul>
  );
}

/** One call of one tool with arguments the user typed: the click is its approval. */
function SampleCall({ api, server }: { api: McpApi; server: McpServerView }) {
  const id = useId();
  const usable = server.tools.filter((t) => !t.problem);
  const [tool, setTool] = useState(usable[0]?.remoteName ?? "");
  const [sample, setSample] = useState("{}");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<McpTestView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  if (usable.length === 0) return null;

  async function run() {
    setBusy(true);
    setError(null);
    setOutcome(null);
    const result = await settle(() => api.callMcpTool(server.id, tool, sample));
    if (!mounted.current) return;
    setBusy(false);
    if (result.status === "error") setError(describeError(result.error));
    else setOutcome(result.data);
  }

  return (
    <details className="mcp-sample">
      <summary>{words.sampleTitle}</summary>
      <p className="form-hint">{words.sampleHint}</p>
      <div className="form-field form-field-row">
        <label className="form-label" htmlFor={`${id}-tool`}>
          {words.sampleTool}
        </label>
        <select id={`${id}-tool`} data-testid="mcp-sample-tool" value={tool} onChange={(e) => setTool(e.target.value)}>
          {usable.map((t) => (
            <option key={t.remoteName} value={t.remoteName}>
              {t.remoteName}
            </option>
          ))}
        </select>
      </div>
      <div className="form-field">
        <label className="form-label" htmlFor={`${id}-args`}>
          {words.sampleArguments}
        </label>
        <textarea id={`${id}-args`} data-testid="mcp-sample-args" rows={3} spellCheck={false} value={sample} onChange={(e) => setSample(e.target.value)} />
      </div>
      <button type="button" className="button" data-testid="mcp-sample-run" disabled={busy} onClick={() => void run()}>
        {words.sampleRun}
      </button>
      {outcome && (
        <pre className="mcp-sample-output" data-testid="mcp-sample-output" data-ok={outcome.ok ? "true" : "false"}>
          {outcome.ok ? outcome.output : words.sampleFailed(outcome.output)}
        </pre>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </details>
  );
}

import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { AppError, CommandTestView, CommandToolInput, CommandToolsView } from "../../bindings";
import { describeError } from "../../errors";
import { formatBytes, formatCount, formatLatency } from "../../format";
import { messages } from "../../messages";
import type { Result } from "../../result";
import { RemoveButton } from "./RemoveButton";

const words = messages.commandTools;

/**
 * The commands of the command tools section (a subset of `commands`). Saving a tool
 * runs nothing: its calls are approved in the native dialog. A new program and each
 * Test run are asked in a native dialog that names the program.
 */
export type CommandToolsApi = {
  commandTools(): Promise<Result<CommandToolsView, AppError>>;
  saveCommandTool(original: string | null, tool: CommandToolInput): Promise<Result<CommandToolsView, AppError>>;
  removeCommandTool(name: string): Promise<Result<CommandToolsView, AppError>>;
  tryCommandTool(tool: CommandToolInput, sample: string): Promise<Result<CommandTestView, AppError>>;
};

type Props = {
  api: Partial<CommandToolsApi>;
  /** The tools on offer changed: the agents' tool lists reload. */
  onToolsChanged?: () => void;
};

/** The form's fields as typed (numbers and arguments as text). */
type Form = {
  original: string | null;
  name: string;
  description: string;
  parameters: string;
  executable: string;
  args: string;
  timeoutSecs: string;
  outputLimitBytes: string;
  sample: string;
};

const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

function emptyForm(): Form {
  return {
    original: null,
    name: "",
    description: "",
    parameters: '{\n  "type": "object",\n  "properties": {}\n}',
    executable: "",
    args: "",
    timeoutSecs: "60",
    outputLimitBytes: "1048576",
    sample: "{}",
  };
}

function formOf(tool: CommandToolInput): Form {
  return {
    original: tool.name,
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    executable: tool.executable,
    args: tool.args.join("\n"),
    timeoutSecs: String(tool.timeoutSecs),
    outputLimitBytes: String(tool.outputLimitBytes),
    sample: "{}",
  };
}

function wholeNumber(text: string, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= 1 && n <= max ? n : null;
}

/**
 * The form as the command's input, or the problems to show (each naming its field
 * and limit). Rust checks again; its answer names the field too.
 */
function checked(form: Form, view: CommandToolsView | null): { tool: CommandToolInput } | { problems: string[] } {
  const p = words.problem;
  const problems: string[] = [];
  const name = form.name.trim();
  if (name === "") problems.push(p.nameRequired);
  else if (!TOOL_NAME.test(name)) problems.push(p.nameFormat);
  if (form.description.trim() === "") problems.push(p.descriptionRequired);
  try {
    const schema: unknown = JSON.parse(form.parameters);
    if (typeof schema !== "object" || schema === null || (schema as { type?: unknown }).type !== "object") {
      problems.push(p.parametersObject);
    }
  } catch (e) {
    problems.push(p.parametersJson(e instanceof Error ? e.message : String(e)));
  }
  if (form.executable.trim() === "") problems.push(p.executableRequired);
  const maxTimeout = view?.maxTimeoutSecs ?? 600;
  const maxOutput = view?.maxOutputLimitBytes ?? 16 * 1024 * 1024;
  const timeoutSecs = wholeNumber(form.timeoutSecs, maxTimeout);
  if (timeoutSecs === null) problems.push(p.timeout(maxTimeout));
  const outputLimitBytes = wholeNumber(form.outputLimitBytes, maxOutput);
  if (outputLimitBytes === null) problems.push(p.outputLimit(maxOutput));
  if (problems.length > 0 || timeoutSecs === null || outputLimitBytes === null) return { problems };
  return {
    tool: {
      name,
      description: form.description,
      parameters: form.parameters,
      executable: form.executable.trim(),
      // One argument per line, kept exactly (spaces included); blank lines dropped.
      args: form.args.split("\n").filter((line) => line !== ""),
      timeoutSecs,
      outputLimitBytes,
    },
  };
}

async function settle<T>(call: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await call();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}

/**
 * The user's command tools (Settings → Tools): add one with a checked form, test it
 * with a sample call, edit it, remove it after a confirmation. Without the commands
 * (tests of other sections) it shows nothing.
 */
export function CommandToolsSection({ api, onToolsChanged }: Props) {
  const id = useId();
  const [view, setView] = useState<CommandToolsView | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [form, setForm] = useState<Form | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [test, setTest] = useState<CommandTestView | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const mounted = useRef(true);
  const { commandTools } = api;

  const reload = useCallback(async () => {
    if (!commandTools) return;
    const result = await settle(commandTools);
    if (!mounted.current) return;
    if (result.status === "ok") {
      setView(result.data);
      setLoadFailed(false);
    } else setLoadFailed(true);
  }, [commandTools]);

  useEffect(() => {
    mounted.current = true;
    void reload();
    return () => {
      mounted.current = false;
    };
  }, [reload]);

  if (!commandTools || !api.saveCommandTool || !api.removeCommandTool || !api.tryCommandTool) return null;
  const { saveCommandTool, removeCommandTool, tryCommandTool } = api;
  const readOnly = view?.readOnly ?? false;
  const leftOut = view?.problems.filter((p) => p.source === "command") ?? [];

  async function change(call: () => Promise<Result<CommandToolsView, AppError>>, done: string) {
    setBusy(true);
    setProblems([]);
    setNote(null);
    const result = await settle(call);
    if (!mounted.current) return;
    setBusy(false);
    if (result.status === "error") {
      setProblems([describeError(result.error)]);
      return;
    }
    setView(result.data);
    setForm(null);
    setTest(null);
    setConfirming(null);
    setNote(done);
    onToolsChanged?.();
  }

  async function runTest(current: Form) {
    const input = checked(current, view);
    if ("problems" in input) {
      setProblems(input.problems);
      return;
    }
    try {
      JSON.parse(current.sample);
    } catch (e) {
      setProblems([words.problem.sampleJson(e instanceof Error ? e.message : String(e))]);
      return;
    }
    setBusy(true);
    setProblems([]);
    setTest(null);
    const result = await settle(() => tryCommandTool(input.tool, current.sample));
    if (!mounted.current) return;
    setBusy(false);
    if (result.status === "ok") setTest(result.data);
    else setProblems([describeError(result.error)]);
  }

  function field(key: keyof Form, label: string, hint: string, multiline = false, rows = 3) {
    if (!form) return null;
    const props = {
      id: `${id}-${key}`,
      "data-testid": `command-tool-${key}`,
      value: form[key] ?? "",
      spellCheck: false,
      "aria-describedby": `${id}-${key}-hint`,
      onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
    };
    return (
      <div className="form-field">
        <label className="form-label" htmlFor={`${id}-${key}`}>
          {label}
        </label>
        {multiline ? <textarea rows={rows} className="command-tool-text" {...props} /> : <input type="text" {...props} />}
        <p className="form-hint" id={`${id}-${key}-hint`}>
          {hint}
        </p>
      </div>
    );
  }

  return (
    <section className="settings-section command-tools-section" id="command-tools" aria-labelledby={`${id}-title`} data-testid="command-tools">
      <h3 id={`${id}-title`}>{words.title}</h3>
      <p className="form-hint">{words.intro}</p>
      {loadFailed && <p role="alert">{words.loadFailed}</p>}
      {readOnly && <p className="form-hint">{words.readOnly}</p>}
      {view && view.tools.length === 0 && !form && <p className="form-hint">{words.none}</p>}
      {leftOut.map((p) => (
        <p key={p.toolName} className="form-problem" role="alert" data-testid="command-tool-left-out">
          {words.leftOut(p.toolName, p.reason)}
        </p>
      ))}
      <ul className="command-tools">
        {view?.tools.map((tool) => (
          <li key={tool.name} className="command-tool" data-testid="command-tool" data-name={tool.name}>
            <div>
              <code>{tool.name}</code> <span className="form-hint">{tool.description}</span>
              <p className="form-hint command-tool-runs">
                {words.runs([tool.executable, ...tool.args].join(" "))} · {words.limits(tool.timeoutSecs, formatBytes(tool.outputLimitBytes))}
              </p>
            </div>
            <div className="form-actions">
              <button
                type="button"
                className="button"
                data-testid="command-tool-edit"
                disabled={busy || readOnly || form !== null}
                onClick={() => {
                  setNote(null);
                  setProblems([]);
                  setTest(null);
                  setForm(formOf(tool));
                }}
              >
                {words.edit}
              </button>
              <RemoveButton
                question={words.removeQuestion(tool.name)}
                confirming={confirming === tool.name}
                onAsk={() => setConfirming(tool.name)}
                onYes={() => void change(() => removeCommandTool(tool.name), words.removed(tool.name))}
                onNo={() => setConfirming(null)}
                busy={busy}
                readOnly={readOnly}
                words={words}
                testId="command-tool-remove"
              />
            </div>
          </li>
        ))}
      </ul>
      {note && (
        <p className="form-status" role="status" data-testid="command-tool-note">
          {note}
        </p>
      )}
      {form ? (
        <form
          className="command-tool-form"
          data-testid="command-tool-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const input = checked(form, view);
            if ("problems" in input) setProblems(input.problems);
            else void change(() => saveCommandTool(form.original, input.tool), words.saved(input.tool.name));
          }}
        >
          {field("name", words.name, words.nameHint)}
          {field("description", words.description, words.descriptionHint, true, 2)}
          {field("parameters", words.parameters, words.parametersHint, true, 5)}
          {field("executable", words.executable, words.executableHint)}
          {field("args", words.args, words.argsHint, true, 3)}
          {field("timeoutSecs", words.timeout, words.limitHint(`${formatCount(view?.maxTimeoutSecs ?? 600)} s`))}
          {field("outputLimitBytes", words.outputLimit, words.limitHint(formatBytes(view?.maxOutputLimitBytes ?? 16 * 1024 * 1024)))}
          {field("sample", words.sample, words.sampleHint, true, 2)}
          {problems.length > 0 && (
            <ul className="form-problem" role="alert" data-testid="command-tool-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <div className="form-actions">
            <button type="button" className="button" data-testid="command-tool-test" disabled={busy} onClick={() => void runTest(form)}>
              {busy && test === null ? words.testing : words.test}
            </button>
            <button type="submit" className="button primary" data-testid="command-tool-save" disabled={busy || readOnly}>
              {words.save}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setForm(null);
                setTest(null);
                setProblems([]);
              }}
            >
              {words.cancel}
            </button>
          </div>
          {test && (
            <div className="command-tool-test" data-testid="command-tool-test-result" data-ok={test.ok ? "true" : "false"} role="status">
              <p>{test.ok ? words.testOk(formatLatency(test.durationMs)) : words.testFailed(formatLatency(test.durationMs))}</p>
              <pre className="command-tool-output">{test.output}</pre>
            </div>
          )}
        </form>
      ) : (
        <>
          {problems.length > 0 && (
            <p className="form-problem" role="alert">
              {problems.join(" ")}
            </p>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="button"
              data-testid="command-tool-add"
              disabled={busy || readOnly || (view !== null && view.tools.length >= view.maxTools)}
              onClick={() => {
                setNote(null);
                setProblems([]);
                setTest(null);
                setForm(emptyForm());
              }}
            >
              {words.add}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CommandToolInput, CommandToolsView } from "../../bindings";
import { CommandToolsSection, type CommandToolsApi } from "./CommandToolsSection";

afterEach(cleanup);

const lookup: CommandToolInput = {
  name: "lookup",
  description: "Looks a word up.",
  parameters: '{\n  "type": "object"\n}',
  executable: "/usr/local/bin/lookup",
  args: ["--fast", "; rm -rf x"],
  timeoutSecs: 60,
  outputLimitBytes: 1048576,
};

const view = (tools: CommandToolInput[], over: Partial<CommandToolsView> = {}): CommandToolsView => ({
  tools,
  problems: [],
  maxTools: 32,
  maxTimeoutSecs: 600,
  maxOutputLimitBytes: 16777216,
  readOnly: false,
  ...over,
});

function fakes(initial: CommandToolInput[] = []) {
  return {
    commandTools: vi.fn(async () => ({ status: "ok" as const, data: view(initial) })),
    saveCommandTool: vi.fn(async (_: string | null, tool: CommandToolInput) => ({ status: "ok" as const, data: view([tool]) })),
    removeCommandTool: vi.fn(async () => ({ status: "ok" as const, data: view([]) })),
    tryCommandTool: vi.fn(async () => ({ status: "ok" as const, data: { ok: true, output: '{\n  "meaning": 42\n}', durationMs: 120 } })),
  } satisfies CommandToolsApi;
}

async function show(api: Partial<CommandToolsApi>, onToolsChanged?: () => void) {
  await act(async () => {
    render(<CommandToolsSection api={api} onToolsChanged={onToolsChanged} />);
  });
}

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

async function click(testId: string) {
  await act(async () => {
    fireEvent.click(screen.getByTestId(testId));
  });
}

describe("CommandToolsSection", () => {
  it("shows nothing without its commands", async () => {
    await show({});
    expect(screen.queryByTestId("command-tools")).toBeNull();
  });

  it("lists the tools with their program and arguments as text", async () => {
    await show(fakes([lookup]));
    const item = screen.getByTestId("command-tool");
    expect(item.textContent).toContain("lookup");
    expect(item.textContent).toContain("Runs /usr/local/bin/lookup --fast ; rm -rf x");
    expect(item.textContent).toContain("stopped after 60 s or 1 MiB of output");
  });

  it("names each field that breaks a rule, with its limit, and sends nothing", async () => {
    const api = fakes();
    await show(api);
    await click("command-tool-add");
    type("command-tool-name", "Bad-Name");
    type("command-tool-parameters", "{nope");
    type("command-tool-timeoutSecs", "601");
    type("command-tool-outputLimitBytes", "0");
    await click("command-tool-save");
    const problems = screen.getByTestId("command-tool-problems").textContent ?? "";
    expect(problems).toContain("Name: use lower-case letters");
    expect(problems).toContain("Description: required");
    expect(problems).toContain("Parameters: not valid JSON");
    expect(problems).toContain("Program: required.");
    expect(problems).toContain("Time limit: a whole number of seconds from 1 to 600.");
    expect(problems).toContain("Output limit: a whole number of bytes from 1 to 16777216.");
    expect(api.saveCommandTool).not.toHaveBeenCalled();
    // What was typed is kept.
    expect((screen.getByTestId("command-tool-name") as HTMLInputElement).value).toBe("Bad-Name");
  });

  it("saves a new tool with one argument per line, then tells the agent lists", async () => {
    const api = fakes();
    const changed = vi.fn();
    await show(api, changed);
    await click("command-tool-add");
    type("command-tool-name", "lookup");
    type("command-tool-description", "Looks a word up.");
    type("command-tool-executable", " /usr/local/bin/lookup ");
    type("command-tool-args", "--fast\n; rm -rf x\n\n $(keep spaces) ");
    await click("command-tool-save");
    expect(api.saveCommandTool).toHaveBeenCalledWith(null, {
      name: "lookup",
      description: "Looks a word up.",
      parameters: '{\n  "type": "object",\n  "properties": {}\n}',
      executable: "/usr/local/bin/lookup",
      args: ["--fast", "; rm -rf x", " $(keep spaces) "],
      timeoutSecs: 60,
      outputLimitBytes: 1048576,
    });
    expect(changed).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("command-tool-note").textContent).toContain("Saved “lookup”");
    expect(screen.queryByTestId("command-tool-form")).toBeNull();
  });

  it("shows the backend's refusal naming the field and keeps the form", async () => {
    const api = fakes([lookup]);
    api.saveCommandTool.mockResolvedValueOnce({
      status: "error",
      error: { code: "invalidCommandTool", field: "args", reason: "looks like a secret; settings never hold secrets" },
    } as never);
    await show(api);
    await click("command-tool-edit");
    await click("command-tool-save");
    expect(api.saveCommandTool).toHaveBeenCalledWith("lookup", lookup);
    expect(screen.getByTestId("command-tool-problems").textContent).toContain(
      "The command tool's fixed arguments isn't valid: looks like a secret",
    );
    expect(screen.getByTestId("command-tool-form")).toBeTruthy();
  });

  it("tests a sample call on click and shows its result or failure as text", async () => {
    const api = fakes([lookup]);
    await show(api);
    await click("command-tool-edit");
    type("command-tool-sample", "{oops");
    await click("command-tool-test");
    expect(screen.getByTestId("command-tool-problems").textContent).toContain("Sample arguments: not valid JSON");
    expect(api.tryCommandTool).not.toHaveBeenCalled();

    type("command-tool-sample", '{"word": "<b>x</b>"}');
    await click("command-tool-test");
    expect(api.tryCommandTool).toHaveBeenCalledWith(lookup, '{"word": "<b>x</b>"}');
    const result = screen.getByTestId("command-tool-test-result");
    expect(result.dataset.ok).toBe("true");
    expect(result.textContent).toContain('"meaning": 42');

    api.tryCommandTool.mockResolvedValueOnce({
      status: "ok",
      data: { ok: false, output: "The command tool did not finish within its time limit of 60 s and was stopped.", durationMs: 60000 },
    });
    await click("command-tool-test");
    const failed = screen.getByTestId("command-tool-test-result");
    expect(failed.dataset.ok).toBe("false");
    expect(failed.textContent).toContain("time limit of 60 s");
    expect(failed.querySelector("b")).toBeNull();
  });

  it("removes a tool only after the confirmation", async () => {
    const api = fakes([lookup]);
    await show(api);
    await click("command-tool-remove");
    expect(api.removeCommandTool).not.toHaveBeenCalled();
    const question = screen.getByRole("group");
    expect(question.textContent).toContain("Remove the tool “lookup”?");
    await act(async () => {
      fireEvent.click(within(question).getByText("Keep"));
    });
    expect(api.removeCommandTool).not.toHaveBeenCalled();
    await click("command-tool-remove");
    await click("command-tool-remove-confirm");
    expect(api.removeCommandTool).toHaveBeenCalledWith("lookup");
    expect(screen.queryByTestId("command-tool")).toBeNull();
  });

  it("says which command tools were left out and why", async () => {
    const api = fakes([lookup]);
    api.commandTools.mockResolvedValueOnce({
      status: "ok",
      data: view([lookup], {
        problems: [
          { toolName: "lookup", source: "command", reason: "Another tool (built-in) already has this name." },
          { toolName: "files_read", source: "mcp:files", reason: "shown by the MCP section" },
        ],
      }),
    });
    await show(api);
    const leftOut = screen.getAllByTestId("command-tool-left-out");
    expect(leftOut).toHaveLength(1);
    expect(leftOut[0].textContent).toBe("“lookup” is not offered: Another tool (built-in) already has this name.");
  });
});

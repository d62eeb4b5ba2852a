import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { McpServersView, McpServerView, McpToolView } from "../../bindings";
import { McpServersSection, type McpApi } from "./McpServersSection";

afterEach(cleanup);

const tool = (name: string, remoteName: string, problem: string | null = null): McpToolView => ({
  name,
  remoteName,
  description: `Does ${remoteName}.`,
  inputSchema: "{}",
  problem,
});

const server = (over: Partial<McpServerView> = {}): McpServerView => ({
  id: "s1",
  name: "tiny",
  commandLine: "python3 tiny.py",
  enabled: true,
  status: { state: "running", tools: 2 },
  tools: [tool("tiny_echo", "echo"), tool("tiny_bad", "bad", "its input schema is not usable: 12 is not valid")],
  ...over,
});

const view = (servers: McpServerView[]): McpServersView => ({
  servers,
  maxServers: 32,
  maxNameChars: 64,
  maxCommandLineChars: 4096,
  readOnly: false,
});

function fakes(initial: McpServerView[] = []) {
  let listener: (() => void) | null = null;
  const api = {
    mcpServers: vi.fn(async () => view(initial)),
    saveMcpServer: vi.fn(async () => ({ status: "ok" as const, data: view([server({ status: { state: "stopped" }, tools: [] })]) })),
    removeMcpServer: vi.fn(async () => ({ status: "ok" as const, data: view([]) })),
    restartMcpServer: vi.fn(async () => ({ status: "ok" as const, data: view(initial) })),
    probeMcpServer: vi.fn(async () => ({ status: "ok" as const, data: { ok: true, tools: [tool("tiny_echo", "echo")], output: "" } })),
    callMcpTool: vi.fn(async () => ({ status: "ok" as const, data: { ok: true, tools: [], output: '{\n  "echo": "hi"\n}' } })),
    onMcpServersChanged: vi.fn(async (l: () => void) => {
      listener = l;
      return () => {
        listener = null;
      };
    }),
  } satisfies McpApi;
  return { api, fire: () => listener?.() };
}

async function show(api: Partial<McpApi>, onToolsChanged?: () => void) {
  await act(async () => {
    render(<McpServersSection api={api} onToolsChanged={onToolsChanged} />);
  });
}

describe("McpServersSection", () => {
  it("shows nothing without its commands", async () => {
    await show({});
    expect(screen.queryByTestId("mcp-servers")).toBeNull();
  });

  it("lists servers with their status, tools and why a tool is left out", async () => {
    const failed = server({ id: "s2", name: "broken", status: { state: "failed", reason: "the program \"x\" was not found" }, tools: [] });
    const { api } = fakes([server(), failed]);
    await show(api);
    const rows = screen.getAllByTestId("mcp-server");
    expect(rows.map((r) => r.dataset.status)).toEqual(["running", "failed"]);
    expect(within(rows[0]!).getByTestId("mcp-status").textContent).toBe("Running, 2 tools");
    expect(within(rows[1]!).getByTestId("mcp-status").textContent).toBe(
      'Failed: the program "x" was not found. Fix the command line or the server, then Restart.',
    );
    const tools = within(rows[0]!).getAllByTestId("mcp-tool");
    expect(tools.map((t) => t.dataset.tool)).toEqual(["tiny_echo", "tiny_bad"]);
    expect(tools[1]!.textContent).toContain("Not offered: its input schema is not usable");
  });

  it("adds a server by its command line after a test, and saves nothing on a bad one", async () => {
    const { api } = fakes();
    await show(api);
    fireEvent.click(screen.getByTestId("mcp-add"));
    fireEvent.change(screen.getByTestId("mcp-name"), { target: { value: "tiny" } });
    fireEvent.change(screen.getByTestId("mcp-command-line"), { target: { value: "python3 'my tiny.py'" } });
    await act(async () => fireEvent.click(screen.getByTestId("mcp-test")));
    expect(api.probeMcpServer).toHaveBeenCalledWith("tiny", "python3 'my tiny.py'");
    expect(screen.getByTestId("mcp-test-result").textContent).toContain("It started and lists 1 tool:");

    api.saveMcpServer.mockResolvedValueOnce({
      status: "error",
      error: { code: "invalidMcpServer", field: "commandLine", reason: "has a quote that is not closed" },
    } as never);
    await act(async () => fireEvent.click(screen.getByTestId("mcp-save")));
    expect(screen.getByTestId("mcp-error").textContent).toBe("MCP server commandLine: has a quote that is not closed. Nothing was saved.");
    expect(screen.getByTestId("mcp-form")).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByTestId("mcp-save")));
    expect(api.saveMcpServer).toHaveBeenLastCalledWith({ id: null, name: "tiny", commandLine: "python3 'my tiny.py'", enabled: true });
    expect(screen.queryByTestId("mcp-form")).toBeNull();
    expect(screen.getByTestId("mcp-status").textContent).toBe("Stopped: starts when its tools are needed");
  });

  it("removes only after a confirmation", async () => {
    const { api } = fakes([server()]);
    await show(api);
    fireEvent.click(screen.getByTestId("mcp-remove"));
    expect(api.removeMcpServer).not.toHaveBeenCalled();
    expect(screen.getByRole("group", { name: "Remove “tiny” and stop it?" }).textContent).toContain("Remove “tiny” and stop it?");
    await act(async () => fireEvent.click(screen.getByTestId("mcp-remove-confirm")));
    expect(api.removeMcpServer).toHaveBeenCalledWith("s1");
    expect(screen.queryByTestId("mcp-server")).toBeNull();
  });

  it("runs a sample call on the click and shows its result", async () => {
    const { api } = fakes([server()]);
    await show(api);
    fireEvent.change(screen.getByTestId("mcp-sample-args"), { target: { value: '{"text": "hi"}' } });
    expect((screen.getByTestId("mcp-sample-tool") as HTMLSelectElement).value).toBe("echo");
    expect(api.callMcpTool).not.toHaveBeenCalled();
    await act(async () => fireEvent.click(screen.getByTestId("mcp-sample-run")));
    expect(api.callMcpTool).toHaveBeenCalledWith("s1", "echo", '{"text": "hi"}');
    expect(screen.getByTestId("mcp-sample-output").textContent).toBe('{\n  "echo": "hi"\n}');
  });

  it("reloads on a change event and says when the offered tools changed", async () => {
    const { api, fire } = fakes([server({ status: { state: "starting" }, tools: [] })]);
    const changed = vi.fn();
    await show(api, changed);
    expect(screen.getByTestId("mcp-status").textContent).toBe("Starting…");
    api.mcpServers.mockResolvedValue(view([server()]));
    await act(async () => fire());
    expect(screen.getByTestId("mcp-status").textContent).toBe("Running, 2 tools");
    expect(changed).toHaveBeenCalledTimes(1);
    await act(async () => fire());
    expect(changed).toHaveBeenCalledTimes(1);
  });
});

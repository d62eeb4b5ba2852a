import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentSummary, WorkspaceOverview } from "../../bindings";
import { ToolsSection } from "./ToolsSection";
import { agentToolsView, toolsFakes, toolView } from "./toolsFakes";

afterEach(cleanup);

const agent = (id: string, name: string): AgentSummary => ({ id, name, description: "", requiresUserMessage: true, variables: [] });

const active: WorkspaceOverview = {
  workspaceId: "ws-1",
  workspaceName: "Acme",
  isDemo: false,
  agents: [agent("agent:a", "Helper"), agent("agent:b", "Bookkeeper")],
  workspaces: [],
  creditsRemaining: null,
  appVersion: null,
  preferredAgentId: "agent:b",
};

const readFile = toolView("read_file", { description: "Reads a text file in a granted folder.", enabled: true });
const listFiles = toolView("list_files", {
  description: "Lists a granted folder.",
  parameters: '{\n  "type": "object",\n  "properties": {\n    "folder": { "type": "string" }\n  }\n}',
});

async function show(api = toolsFakes(), overview: WorkspaceOverview | null = active) {
  await act(async () => {
    render(<ToolsSection api={api} active={overview} />);
  });
  return api;
}

const row = (name: string) => screen.getAllByTestId("tool-item").find((e) => e.dataset.tool === name)!;

describe("ToolsSection: the tools of an agent", () => {
  it("lists each tool for the workspace's last-used agent, offered or not", async () => {
    const api = toolsFakes();
    api.agentTools.mockResolvedValue({ status: "ok", data: agentToolsView([readFile, listFiles], "ws-1", "agent:b") });
    await show(api);
    expect(screen.getByRole("heading", { name: "Tools on this computer" })).toBeTruthy();
    expect(screen.getByTestId("tools-section").textContent).toContain(
      "Agents can ask to run these tools on this computer. Each call asks you first, unless you chose Always allow.",
    );
    expect(api.agentTools).toHaveBeenCalledWith("ws-1", "agent:b");
    expect((screen.getByLabelText("Agent") as HTMLSelectElement).value).toBe("agent:b");
    expect(screen.getAllByTestId("tool-item").map((e) => e.dataset.tool)).toEqual(["read_file", "list_files"]);
    const box = within(row("read_file")).getByRole("checkbox", { name: "Offer to Bookkeeper read_file" }) as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(box.closest("label")!.textContent).toBe("Offer to Bookkeeper");
    expect(within(row("read_file")).getByText("read_file").tagName).toBe("CODE");
    expect(row("read_file").textContent).toContain("Reads a text file in a granted folder.");
    expect(box.getAttribute("aria-describedby")).toBeTruthy();
    expect(document.getElementById(box.getAttribute("aria-describedby")!)!.textContent).toBe(
      "Reads a text file in a granted folder.",
    );
    expect((within(row("list_files")).getByRole("checkbox") as HTMLInputElement).checked).toBe(false);
    expect(screen.getByTestId("tools-count").textContent).toBe("1 of 32 tools offered to this agent");
    expect(screen.queryByTestId("tools-at-limit")).toBeNull();
  });

  it("offers a tool to the agent, and shows what the backend says", async () => {
    const api = toolsFakes();
    api.agentTools.mockResolvedValue({ status: "ok", data: agentToolsView([readFile, listFiles], "ws-1", "agent:b") });
    api.setToolEnabled.mockResolvedValue({
      status: "ok",
      data: agentToolsView([readFile, { ...listFiles, enabled: true }], "ws-1", "agent:b"),
    });
    await show(api);
    await act(async () => fireEvent.click(within(row("list_files")).getByRole("checkbox")));
    expect(api.setToolEnabled).toHaveBeenCalledWith("ws-1", "agent:b", "list_files", true);
    expect((within(row("list_files")).getByRole("checkbox") as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId("tools-count").textContent).toBe("2 of 32 tools offered to this agent");
  });

  it("stops offering a tool", async () => {
    const api = toolsFakes();
    api.agentTools.mockResolvedValue({ status: "ok", data: agentToolsView([readFile], "ws-1", "agent:b") });
    api.setToolEnabled.mockResolvedValue({ status: "ok", data: agentToolsView([{ ...readFile, enabled: false }], "ws-1", "agent:b") });
    await show(api);
    await act(async () => fireEvent.click(within(row("read_file")).getByRole("checkbox")));
    expect(api.setToolEnabled).toHaveBeenCalledWith("ws-1", "agent:b", "read_file", false);
    expect((within(row("read_file")).getByRole("checkbox") as HTMLInputElement).checked).toBe(false);
    expect(screen.getByTestId("tools-count").textContent).toBe("0 of 32 tools offered to this agent");
  });

  it("loads another agent's tools when it is chosen", async () => {
    const api = toolsFakes();
    await show(api);
    await act(async () => fireEvent.change(screen.getByLabelText("Agent"), { target: { value: "agent:a" } }));
    expect(api.agentTools).toHaveBeenLastCalledWith("ws-1", "agent:a");
  });

  it("shows a tool's parameters on demand", async () => {
    const api = toolsFakes();
    api.agentTools.mockResolvedValue({ status: "ok", data: agentToolsView([listFiles], "ws-1", "agent:b") });
    await show(api);
    const toggle = within(row("list_files")).getByRole("button", { name: "Parameters of list_files" });
    expect(toggle.textContent).toBe("Parameters");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    const pre = document.getElementById(toggle.getAttribute("aria-controls")!)!;
    expect(pre.hidden).toBe(true);
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(pre.hidden).toBe(false);
    expect(pre.textContent).toBe(listFiles.parameters);
  });

  it("says a tool runs without asking, and revokes the rule", async () => {
    const api = toolsFakes();
    api.agentTools.mockResolvedValue({
      status: "ok",
      data: agentToolsView([{ ...readFile, alwaysAllowed: true }], "ws-1", "agent:b"),
    });
    api.revokeToolRule.mockResolvedValue({ status: "ok", data: agentToolsView([readFile], "ws-1", "agent:b") });
    await show(api);
    expect(within(row("read_file")).getByTestId("tool-always-allowed").textContent).toContain("Runs without asking");
    await act(async () =>
      fireEvent.click(within(row("read_file")).getByRole("button", { name: "Revoke Always allow for read_file: it will ask again" })),
    );
    expect(api.revokeToolRule).toHaveBeenCalledWith("ws-1", "agent:b", "read_file");
    expect(within(row("read_file")).queryByTestId("tool-always-allowed")).toBeNull();
    expect(screen.getByTestId("tools-note").textContent).toBe("read_file will ask again before it runs.");
    expect(document.activeElement).toBe(within(row("read_file")).getByRole("checkbox"));
  });

  it("says when an Always allow no longer applies, and removes that rule", async () => {
    const api = toolsFakes();
    api.agentTools.mockResolvedValue({
      status: "ok",
      data: agentToolsView([{ ...readFile, ruleOutdated: true }], "ws-1", "agent:b"),
    });
    api.revokeToolRule.mockResolvedValue({ status: "ok", data: agentToolsView([readFile], "ws-1", "agent:b") });
    await show(api);
    expect(within(row("read_file")).getByTestId("tool-rule-outdated").textContent).toContain(
      "Always allow no longer applies: the tool changed; it will ask again",
    );
    expect(within(row("read_file")).queryByTestId("tool-always-allowed")).toBeNull();
    await act(async () => fireEvent.click(within(row("read_file")).getByRole("button", { name: /^Remove the outdated/ })));
    expect(api.revokeToolRule).toHaveBeenCalledWith("ws-1", "agent:b", "read_file");
    expect(within(row("read_file")).queryByTestId("tool-rule-outdated")).toBeNull();
  });

  it("at the limit, says why no more can be offered and offers none", async () => {
    const api = toolsFakes();
    const tools = [
      ...Array.from({ length: 32 }, (_, i) => toolView(`tool_${i}`, { enabled: true })),
      toolView("one_more"),
    ];
    api.agentTools.mockResolvedValue({ status: "ok", data: agentToolsView(tools, "ws-1", "agent:b") });
    await show(api);
    expect(screen.getByTestId("tools-count").textContent).toBe("32 of 32 tools offered to this agent");
    expect(screen.getByTestId("tools-at-limit").textContent).toContain("the server accepts at most 32 tools");
    expect((within(row("one_more")).getByRole("checkbox") as HTMLInputElement).disabled).toBe(true);
    expect((within(row("tool_0")).getByRole("checkbox") as HTMLInputElement).disabled).toBe(false);
  });

  it("shows an error in words, and keeps the tools as they were", async () => {
    const api = toolsFakes();
    api.agentTools.mockResolvedValue({ status: "ok", data: agentToolsView([listFiles], "ws-1", "agent:b") });
    api.setToolEnabled.mockResolvedValue({ status: "error", error: { code: "unknownTool", toolName: "list_files" } });
    await show(api);
    await act(async () => fireEvent.click(within(row("list_files")).getByRole("checkbox")));
    expect(screen.getByTestId("tools-error").textContent).toBe(
      "Athena Desktop has no tool named “list_files”. Reopen Settings → Tools to see the tools it has.",
    );
    expect(screen.getByTestId("tools-error").getAttribute("role")).toBe("alert");
    expect((within(row("list_files")).getByRole("checkbox") as HTMLInputElement).checked).toBe(false);
  });

  it("says when the tools could not be loaded, and tries again", async () => {
    const api = toolsFakes();
    api.agentTools.mockResolvedValueOnce({ status: "error", error: { code: "storage" } });
    await show(api);
    expect(screen.getByTestId("tools-error").textContent).toContain("Couldn't read or write the chat history");
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Try again" })));
    expect(api.agentTools).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId("tools-count")).toBeTruthy();
  });

  it("says so when the workspace has no agents, or could not be loaded", async () => {
    const api = await show(toolsFakes(), { ...active, agents: [] });
    expect(screen.getByTestId("tools-no-agents")).toBeTruthy();
    expect(api.agentTools).not.toHaveBeenCalled();
    cleanup();
    await show(toolsFakes(), null);
    expect(screen.getByTestId("tools-no-workspace")).toBeTruthy();
  });
});

describe("ToolsSection: what the tools may read", () => {
  const docs = { name: "Documents", path: "/home/ana/Documents" };
  const notes = { name: "notes", path: "/home/ana/notes" };

  it("lists the granted folders by the name the agent uses and their full path", async () => {
    const api = toolsFakes();
    api.toolGrants.mockResolvedValue({ status: "ok", data: { folders: [docs, notes], ledgerFile: null } });
    await show(api);
    const items = screen.getAllByTestId("folder-item");
    expect(items.map((i) => within(i).getByTestId("folder-name").textContent)).toEqual([
      "Name the agent uses: Documents",
      "Name the agent uses: notes",
    ]);
    expect(within(items[0]!).getByTestId("folder-name").tagName).toBe("CODE");
    expect(within(items[1]!).getByTestId("folder-path").textContent).toBe("Folder: /home/ana/notes");
    expect(screen.getByRole("list", { name: "Folders the file tools may read" })).toBeTruthy();
  });

  it("grants a folder through the native dialog and shows it", async () => {
    const api = toolsFakes();
    api.grantFolder.mockResolvedValue({ status: "ok", data: { folders: [docs], ledgerFile: null } });
    await show(api);
    expect(screen.getByTestId("folders-none")).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Grant a folder…" })));
    expect(api.grantFolder).toHaveBeenCalledWith();
    expect(screen.getByTestId("folder-path").textContent).toContain("/home/ana/Documents");
    expect(screen.getByTestId("grants-note").textContent).toBe("Granted /home/ana/Documents: the agent calls it Documents.");
  });

  it("says nothing when the folder dialog was cancelled", async () => {
    const api = toolsFakes();
    await show(api);
    await act(async () => fireEvent.click(screen.getByTestId("grant-folder")));
    expect(api.grantFolder).toHaveBeenCalledOnce();
    expect(screen.queryByTestId("grants-note")).toBeNull();
    expect(screen.getByTestId("folders-none")).toBeTruthy();
  });

  it("shows why a folder could not be granted", async () => {
    const api = toolsFakes();
    api.grantFolder.mockResolvedValue({ status: "error", error: { code: "notAFolder", path: "/home/ana/file.txt" } });
    await show(api);
    await act(async () => fireEvent.click(screen.getByTestId("grant-folder")));
    expect(screen.getByTestId("grants-error").textContent).toBe(
      "“/home/ana/file.txt” is not a folder, or no longer exists. Choose a folder to grant.",
    );
  });

  it("removes a folder by its path, then focuses Grant a folder", async () => {
    const api = toolsFakes();
    api.toolGrants.mockResolvedValue({ status: "ok", data: { folders: [docs, notes], ledgerFile: null } });
    api.removeGrantedFolder.mockResolvedValue({ status: "ok", data: { folders: [docs], ledgerFile: null } });
    await show(api);
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Stop granting the folder notes" })));
    expect(api.removeGrantedFolder).toHaveBeenCalledWith("/home/ana/notes");
    expect(screen.getAllByTestId("folder-item")).toHaveLength(1);
    expect(document.activeElement).toBe(screen.getByTestId("grant-folder"));
  });

  it("chooses the ledger in the native dialog, and forgets it", async () => {
    const api = toolsFakes();
    api.chooseLedgerFile.mockResolvedValue({ status: "ok", data: { folders: [], ledgerFile: "/home/ana/ledger.csv" } });
    await show(api);
    expect(screen.getByRole("heading", { name: "Ledger for query_transactions" })).toBeTruthy();
    expect(screen.getByTestId("ledger-file").textContent).toBe("None chosen");
    expect(screen.queryByTestId("forget-ledger")).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Choose ledger…" })));
    expect(api.chooseLedgerFile).toHaveBeenCalledWith();
    expect(screen.getByTestId("ledger-file").textContent).toBe("/home/ana/ledger.csv");
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Forget the ledger file" })));
    expect(api.forgetLedgerFile).toHaveBeenCalledWith();
    expect(screen.getByTestId("ledger-file").textContent).toBe("None chosen");
    expect(document.activeElement).toBe(screen.getByTestId("choose-ledger"));
  });

  it("shows a ledger error under the ledger", async () => {
    const api = toolsFakes();
    api.chooseLedgerFile.mockResolvedValue({ status: "error", error: { code: "internal" } });
    await show(api);
    await act(async () => fireEvent.click(screen.getByTestId("choose-ledger")));
    expect(screen.getByTestId("ledger-error").textContent).toContain("Something went wrong inside Athena Desktop");
    expect(screen.queryByTestId("grants-error")).toBeNull();
  });
});

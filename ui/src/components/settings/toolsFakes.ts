// Sample views and a fake backend for the Tools section's tests (not imported by the app).

import { vi } from "vitest";
import type { AgentToolsView, ToolGrantsView, ToolView } from "../../bindings";
import type { ToolsApi } from "./ToolsSection";

export function toolView(name: string, fields: Partial<ToolView> = {}): ToolView {
  return {
    name,
    description: `Does ${name}.`,
    parameters: '{\n  "type": "object",\n  "properties": {}\n}',
    enabled: false,
    alwaysAllowed: false,
    ruleOutdated: false,
    source: "built-in",
    ...fields,
  };
}

/** The tools of an agent, counted as the backend counts them. */
export function agentToolsView(tools: ToolView[], workspaceId = "demo", agentId = "agent-1", limit = 32): AgentToolsView {
  return { workspaceId, agentId, tools, enabledCount: tools.filter((t) => t.enabled).length, limit };
}

export const noGrants: ToolGrantsView = { folders: [], ledgerFile: null };

/** Every tools command as a spy with a harmless answer; a test replaces what it needs. */
export function toolsFakes() {
  return {
    agentTools: vi.fn<ToolsApi["agentTools"]>(async (w, a) => ({ status: "ok", data: agentToolsView([], w, a) })),
    setToolEnabled: vi.fn<ToolsApi["setToolEnabled"]>(async (w, a) => ({ status: "ok", data: agentToolsView([], w, a) })),
    revokeToolRule: vi.fn<ToolsApi["revokeToolRule"]>(async (w, a) => ({ status: "ok", data: agentToolsView([], w, a) })),
    toolGrants: vi.fn<ToolsApi["toolGrants"]>(async () => ({ status: "ok", data: noGrants })),
    grantFolder: vi.fn<ToolsApi["grantFolder"]>(async () => ({ status: "ok", data: noGrants })),
    removeGrantedFolder: vi.fn<ToolsApi["removeGrantedFolder"]>(async () => ({ status: "ok", data: noGrants })),
    chooseLedgerFile: vi.fn<ToolsApi["chooseLedgerFile"]>(async () => ({ status: "ok", data: noGrants })),
    forgetLedgerFile: vi.fn<ToolsApi["forgetLedgerFile"]>(async () => ({ status: "ok", data: noGrants })),
  } satisfies ToolsApi;
}

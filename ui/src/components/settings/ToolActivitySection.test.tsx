import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuditEntryView, AuditPageView } from "../../bindings";
import { PAGE_SIZE, ToolActivitySection, type ToolActivityApi } from "./ToolActivitySection";

afterEach(cleanup);

const entry = (id: number, over: Partial<AuditEntryView> = {}): AuditEntryView => ({
  id: String(id),
  atMs: 1_767_225_600_000,
  workspaceId: "ws",
  conversationId: "c1",
  agentName: "Tool user",
  agentId: "agent:client-tools",
  toolName: "note",
  toolSource: "command",
  argumentsHash: "ab".repeat(32),
  argumentsPreview: '{"text":"<img src=x onerror=alert(1)>"}',
  decision: "approved",
  decidedBy: "rule",
  outcome: "success",
  resultPreview: '{"noted":true}',
  durationMs: 42,
  ...over,
});

function fakes(page: AuditPageView) {
  return {
    toolAudit: vi.fn(async () => ({ status: "ok" as const, data: page })),
    exportToolAudit: vi.fn(async () => ({ status: "ok" as const, data: "/home/ana/tool-activity.csv" as string | null })),
  } satisfies ToolActivityApi;
}

async function show(api: Partial<ToolActivityApi>) {
  await act(async () => {
    render(<ToolActivitySection api={api} />);
  });
}

describe("ToolActivitySection", () => {
  it("shows nothing without its commands", async () => {
    await show({});
    expect(screen.queryByTestId("tool-activity")).toBeNull();
  });

  it("lists each call with its decision, who made it, outcome and duration, as text", async () => {
    const api = fakes({ entries: [entry(2), entry(1, { decision: "denied", decidedBy: "you", outcome: "failure", durationMs: null, toolSource: "mcp:files" })], total: 2 });
    await show(api);
    expect(api.toolAudit).toHaveBeenCalledWith({ agent: null, tool: null, decision: null, outcome: null, fromMs: null, toMs: null }, 0, PAGE_SIZE);
    const rows = screen.getAllByTestId("tool-audit-row");
    expect(rows.map((r) => [r.dataset.decision, r.dataset.decidedBy, r.dataset.outcome, r.dataset.source])).toEqual([
      ["approved", "rule", "success", "command"],
      ["denied", "you", "failure", "mcp:files"],
    ]);
    expect(rows[0].textContent).toContain("Approved by an Always allow rule");
    expect(rows[0].textContent).toContain("0.04 s");
    expect(rows[1].textContent).toContain("Denied by you");
    expect(rows[0].querySelector("img")).toBeNull();
    expect(rows[0].textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("filters and pages through the log", async () => {
    const api = fakes({ entries: Array.from({ length: PAGE_SIZE }, (_, i) => entry(i)), total: PAGE_SIZE + 3 });
    await show(api);
    await act(async () => {
      fireEvent.click(screen.getByText("Older"));
    });
    expect(api.toolAudit).toHaveBeenLastCalledWith(expect.anything(), PAGE_SIZE, PAGE_SIZE);
    await act(async () => {
      fireEvent.change(screen.getByLabelText("Tool"), { target: { value: " note " } });
    });
    await act(async () => {
      fireEvent.change(screen.getByLabelText("Decision"), { target: { value: "notTaken" } });
    });
    expect(api.toolAudit).toHaveBeenLastCalledWith(
      { agent: null, tool: "note", decision: "notTaken", outcome: null, fromMs: null, toMs: null },
      0,
      PAGE_SIZE,
    );
  });

  it("exports with the current filters and says where the file went", async () => {
    const api = fakes({ entries: [entry(1)], total: 1 });
    await show(api);
    await act(async () => {
      fireEvent.change(screen.getByLabelText("Outcome"), { target: { value: "failure" } });
    });
    await act(async () => {
      fireEvent.click(screen.getByText("Export JSONL…"));
    });
    expect(api.exportToolAudit).toHaveBeenCalledWith(
      { agent: null, tool: null, decision: null, outcome: "failure", fromMs: null, toMs: null },
      "jsonl",
    );
    expect(screen.getByTestId("tool-activity-note").textContent).toBe("Saved to /home/ana/tool-activity.csv.");
    api.exportToolAudit.mockResolvedValueOnce({ status: "ok", data: null });
    await act(async () => {
      fireEvent.click(screen.getByText("Export CSV…"));
    });
    expect(api.exportToolAudit).toHaveBeenLastCalledWith(expect.anything(), "csv");
  });
});

import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { describeAgentCheck } from "../../errors";
import type { AgentAdded, AgentCheck, AgentSummary, AppError, WorkspaceOverview } from "../../bindings";
import type { Result } from "../../result";
import { AgentForm, type AgentFormApi } from "./AgentForm";
import { AgentsSection, type AgentsApi } from "./AgentsSection";

const overview = (agents: AgentSummary[], workspaceId = "p1"): WorkspaceOverview => ({
  workspaceId,
  workspaceName: "Acme",
  isDemo: false,
  agents,
  workspaces: [],
  creditsRemaining: null,
  appVersion: null,
  preferredAgentId: null,
});

const preview = {
  credits: 1250,
  baseCost: 1000,
  rules: [{ name: "Long answers", description: "More than 2,000 words", credits: 250 }],
};

function setup(answer: Result<AgentAdded, AppError> = { status: "ok", data: { overview: overview([]), preview } }) {
  const addAgent = vi.fn<AgentFormApi["addAgent"]>(async () => answer);
  const onAdded = vi.fn();
  render(<AgentForm api={{ addAgent }} workspaceId="p1" onAdded={onAdded} onCancel={() => undefined} />);
  return { addAgent, onAdded };
}

const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
const rows = () => screen.getAllByTestId("variable-row");
const inRow = (i: number, id: string) => within(rows()[i]!).getByTestId(id) as HTMLInputElement;
const save = () => act(async () => fireEvent.click(screen.getByTestId("save-agent")));

afterEach(cleanup);

describe("AgentForm", () => {
  it("turns the variable rows into an AgentSummary", async () => {
    const s = setup();
    type(screen.getByTestId("agent-id"), " agent:report ");
    type(screen.getByTestId("agent-name"), "Report writer");
    type(screen.getByTestId("agent-description-input"), "Writes reports");
    fireEvent.click(screen.getByTestId("agent-requires-message"));
    for (let i = 0; i < 4; i++) fireEvent.click(screen.getByTestId("add-variable"));

    type(inRow(0, "var-name"), "topic");
    fireEvent.click(inRow(0, "var-required"));
    type(inRow(0, "var-description"), "What the report is about");

    type(inRow(1, "var-name"), "pages");
    type(inRow(1, "var-kind"), "number");
    type(inRow(1, "var-minimum"), "1");
    type(inRow(1, "var-maximum"), "20");
    fireEvent.click(inRow(1, "var-integer"));
    type(inRow(1, "var-default"), "3");

    type(inRow(2, "var-name"), "tone");
    type(inRow(2, "var-kind"), "choice");
    type(inRow(2, "var-choices"), "formal, casual,, friendly ");
    type(inRow(2, "var-default"), "casual");

    type(inRow(3, "var-name"), "charts");
    type(inRow(3, "var-kind"), "boolean");
    type(inRow(3, "var-default"), "true");

    await save();
    expect(s.addAgent).toHaveBeenCalledWith("p1", {
      id: "agent:report",
      name: "Report writer",
      description: "Writes reports",
      requiresUserMessage: false,
      variables: [
        { name: "topic", description: "What the report is about", required: true, kind: { type: "text" }, default: null },
        { name: "pages", description: "", required: false, kind: { type: "number", minimum: 1, maximum: 20, integer: true }, default: "3" },
        { name: "tone", description: "", required: false, kind: { type: "choice", choices: ["formal", "casual", "friendly"] }, default: "casual" },
        { name: "charts", description: "", required: false, kind: { type: "boolean" }, default: "true" },
      ],
    } satisfies AgentSummary);
    expect(s.onAdded).toHaveBeenCalledWith({ overview: overview([]), preview });
  });

  it("needs a message by default and removes a variable row", async () => {
    const s = setup();
    type(screen.getByTestId("agent-id"), "agent:chat");
    type(screen.getByTestId("agent-name"), "Chat");
    fireEvent.click(screen.getByTestId("add-variable"));
    fireEvent.click(screen.getByTestId("add-variable"));
    type(inRow(1, "var-name"), "second");
    fireEvent.click(within(rows()[0]!).getByTestId("remove-variable"));
    expect(rows()).toHaveLength(1);
    expect(inRow(0, "var-name").value).toBe("second");
    await save();
    expect(s.addAgent.mock.calls[0]![1]).toMatchObject({ requiresUserMessage: true, variables: [{ name: "second" }] });
  });

  it("does not send a bound that is not a number", async () => {
    const s = setup();
    fireEvent.click(screen.getByTestId("add-variable"));
    type(inRow(0, "var-kind"), "number");
    type(inRow(0, "var-minimum"), "ten");
    await save();
    expect(s.addAgent).not.toHaveBeenCalled();
    expect(screen.getByTestId("problem-variables[0].minimum").textContent).toMatch(/^Not a number/);
    expect(document.activeElement).toBe(inRow(0, "var-minimum"));
  });

  it("shows the backend's problems under each field, a choice's under the choices", async () => {
    setup({
      status: "error",
      error: {
        code: "invalidInput",
        problems: [
          { field: "id", problem: { code: "badPrefix", expected: "agent:" } },
          { field: "variables[0].choices[1]", problem: { code: "duplicate" } },
          { field: "variables[0].default", problem: { code: "badDefault" } },
        ],
      },
    });
    fireEvent.click(screen.getByTestId("add-variable"));
    type(inRow(0, "var-kind"), "choice");
    await save();
    expect(screen.getByTestId("agent-form-problems").getAttribute("role")).toBe("alert");
    expect(screen.getByTestId("problem-id").textContent).toContain("agent:");
    expect(screen.getByTestId("problem-variables[0].choices").textContent).toBe("Choice 2: Already used: each one must be different.");
    expect(screen.getByTestId("problem-variables[0].default").textContent).toMatch(/default doesn't fit/);
    expect(document.activeElement).toBe(screen.getByTestId("agent-id"));
  });

  it("says it is checking the agent while the backend asks the server", async () => {
    let release: (r: Result<AgentAdded, AppError>) => void = () => undefined;
    const addAgent = vi.fn<AgentFormApi["addAgent"]>(() => new Promise((r) => (release = r)));
    render(<AgentForm api={{ addAgent }} workspaceId="p1" onAdded={() => undefined} onCancel={() => undefined} />);
    await save();
    expect(screen.getByTestId("agent-checking").textContent).toBe("Checking the agent…");
    expect((screen.getByTestId("save-agent") as HTMLButtonElement).disabled).toBe(true);
    await act(async () => release({ status: "error", error: { code: "agentCheckFailed", check: { outcome: "timeout" } } }));
    expect(screen.queryByTestId("agent-checking")).toBeNull();
  });

  const outcomes: Array<[AgentCheck, RegExp]> = [
    [{ outcome: "unknownAgent" }, /^This workspace has no agent with this id\. Check the id\.$/],
    [{ outcome: "badKey" }, /^The server refused the key \(HTTP 401\)\. Check the workspace's key\.$/],
    [{ outcome: "wrongWorkspace" }, /^The key isn't allowed in this workspace \(HTTP 403\)\. Check the workspace id\.$/],
    [{ outcome: "unreachable" }, /^The server can't be reached\. Check the base URL and your connection\.$/],
    [{ outcome: "tls", reason: "self-signed certificate" }, /isn't trusted \(self-signed certificate\)\. If your company uses its own certificate authority/],
    [{ outcome: "redirect", status: 302, location: "https://sso.example/login" }, /redirect to https:\/\/sso\.example\/login; the app doesn't follow redirects\. Check the base URL\.$/],
    [{ outcome: "timeout" }, /took too long/],
    [{ outcome: "refused", status: 429, serverCode: "rate_limited", serverMessage: "Slow down" }, /HTTP 429.*"Slow down"/],
    [{ outcome: "unexpected", reason: "HTML instead of JSON" }, /\(HTML instead of JSON\)/],
  ];
  it.each(outcomes)("words the check outcome %j", async (check, words) => {
    const s = setup({ status: "error", error: { code: "agentCheckFailed", check } });
    await save();
    expect(s.onAdded).not.toHaveBeenCalled();
    const result = screen.getByTestId("agent-check-result");
    expect(result.textContent).toMatch(words);
    expect(result.textContent).toBe(describeAgentCheck(check));
  });
});

describe("AgentsSection", () => {
  const writer: AgentSummary = { id: "agent:writer", name: "Writer", description: "", requiresUserMessage: true, variables: [] };
  const wizard: AgentSummary = {
    id: "agent:report",
    name: "Report",
    description: "",
    requiresUserMessage: false,
    variables: [
      { name: "topic", description: "", required: true, kind: { type: "text" }, default: null },
      { name: "pages", description: "", required: false, kind: { type: "number", minimum: null, maximum: null, integer: true }, default: null },
    ],
  };
  const profiles = [
    {
      id: "p1",
      name: "Acme",
      baseUrl: "https://a.example",
      workspaceId: "workspace:acme",
      kind: "profile" as const,
      key: { state: "keychain" as const, kind: "endUser" as const, hint: "…1234" },
      externalUserId: null,
      caCertificate: null,
      creditsRemaining: null,
      appVersion: null,
      agentCount: 2,
    },
    {
      id: "p2",
      name: "Beta",
      baseUrl: "https://b.example",
      workspaceId: "workspace:beta",
      kind: "profile" as const,
      key: { state: "keychain" as const, kind: "workspace" as const, hint: "…9999" },
      externalUserId: null,
      caCertificate: null,
      creditsRemaining: null,
      appVersion: null,
      agentCount: 3,
    },
  ];

  function section() {
    const api: AgentsApi = {
      addAgent: vi.fn(async () => ({ status: "ok" as const, data: { overview: overview([writer, wizard, { ...writer, id: "agent:new", name: "New" }]), preview } })),
      removeAgent: vi.fn(async () => ({ status: "ok" as const, data: overview([wizard]) })),
      importAgents: vi.fn(async () => ({ status: "ok" as const, data: { added: 2, replaced: 1, overview: overview([writer]) } })),
      exportAgents: vi.fn(async () => ({ status: "ok" as const, data: true })),
    };
    const onOverview = vi.fn();
    render(<AgentsSection api={api} profiles={profiles} activeId="p1" active={overview([writer, wizard])} onOverview={onOverview} />);
    return { api, onOverview };
  }

  it("lists the active workspace's agents: name, id, and what each needs", () => {
    section();
    const items = screen.getAllByTestId("agent-item");
    expect(items.map((i) => i.dataset.agentId)).toEqual(["agent:writer", "agent:report"]);
    expect(items[0]!.textContent).toContain("Writer");
    expect(items[0]!.textContent).toContain("needs a message");
    expect(items[0]!.textContent).toContain("agent:writer");
    expect(items[1]!.textContent).toContain("wizard: 2 variables");
  });

  it("shows the demo's built-in agents without Remove, Add or Import, and still offers Export", () => {
    const api: AgentsApi = {
      addAgent: vi.fn(),
      removeAgent: vi.fn(),
      importAgents: vi.fn(),
      exportAgents: vi.fn(async () => ({ status: "ok" as const, data: true })),
    };
    const demo = { ...profiles[0]!, id: "demo", name: "Demo workspace", kind: "demo" as const };
    render(<AgentsSection api={api} profiles={[demo]} activeId="demo" active={{ ...overview([writer]), workspaceId: "demo" }} onOverview={vi.fn()} />);
    expect(screen.getAllByTestId("agent-item")).toHaveLength(1);
    expect(screen.queryByTestId("remove-agent")).toBeNull();
    expect(screen.queryByTestId("add-agent")).toBeNull();
    expect(screen.queryByTestId("import-agents")).toBeNull();
    expect(screen.getByTestId("export-agents")).toBeTruthy();
    expect(screen.getByTestId("agents-built-in").textContent).toMatch(/built in/);
  });

  it("removes an agent, imports and exports, saying what happened", async () => {
    const s = section();
    await act(async () => fireEvent.click(within(screen.getAllByTestId("agent-item")[0]!).getByTestId("remove-agent")));
    expect(s.api.removeAgent).toHaveBeenCalledWith("p1", "agent:writer");
    expect(s.onOverview).toHaveBeenCalledWith(overview([wizard]));
    await act(async () => fireEvent.click(screen.getByTestId("import-agents")));
    expect(s.api.importAgents).toHaveBeenCalledWith("p1");
    expect(screen.getByTestId("agents-note").textContent).toBe("Imported: 2 agents added, 1 replaced.");
    await act(async () => fireEvent.click(screen.getByTestId("export-agents")));
    expect(s.api.exportAgents).toHaveBeenCalledWith("p1");
    expect(screen.getByTestId("agents-note").textContent).toBe("Agents exported.");
  });

  it("adds an agent and shows its cost with the rules' shares", async () => {
    const s = section();
    fireEvent.click(screen.getByTestId("add-agent"));
    type(screen.getByTestId("agent-id"), "agent:new");
    type(screen.getByTestId("agent-name"), "New");
    await save();
    expect(s.api.addAgent).toHaveBeenCalledWith("p1", expect.objectContaining({ id: "agent:new" }));
    expect(screen.queryByTestId("agent-form")).toBeNull();
    const added = screen.getByTestId("agent-added");
    expect(added.textContent).toContain("Agent added. It costs at least 1,250 credits a run.");
    expect(within(added).getAllByTestId("cost-rule").map((r) => r.textContent)).toEqual(["Long answersMore than 2,000 words250 credits"]);
  });

  it("adds to another workspace; its list shows once the backend returned it", async () => {
    const s = section();
    fireEvent.change(screen.getByTestId("agents-workspace"), { target: { value: "p2" } });
    expect(screen.getByTestId("agents-not-listed").textContent).toContain("3 agents");
    (s.api.importAgents as ReturnType<typeof vi.fn>).mockResolvedValueOnce({
      status: "ok",
      data: { added: 1, replaced: 0, overview: overview([wizard], "p2") },
    });
    await act(async () => fireEvent.click(screen.getByTestId("import-agents")));
    expect(s.api.importAgents).toHaveBeenCalledWith("p2");
    expect(screen.getAllByTestId("agent-item").map((i) => i.dataset.agentId)).toEqual(["agent:report"]);
  });

  it("says nothing when a file dialog was cancelled, and words an error", async () => {
    const s = section();
    (s.api.importAgents as ReturnType<typeof vi.fn>).mockResolvedValueOnce({ status: "ok", data: null });
    await act(async () => fireEvent.click(screen.getByTestId("import-agents")));
    expect(screen.queryByTestId("agents-note")).toBeNull();
    (s.api.exportAgents as ReturnType<typeof vi.fn>).mockResolvedValueOnce({ status: "error", error: { code: "demoWorkspace" } });
    await act(async () => fireEvent.click(screen.getByTestId("export-agents")));
    expect(screen.getByTestId("agents-error").textContent).toBe("The demo workspace is built in: it can't be edited or deleted.");
  });
});

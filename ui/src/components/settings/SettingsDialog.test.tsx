import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ProfileList, ProfileView, SettingsView, ThemeChoice, WorkspaceOverview } from "../../bindings";
import { SettingsDialog, type SettingsApi } from "./SettingsDialog";
import { toolsFakes } from "./toolsFakes";

const demo: ProfileView = {
  id: "demo",
  name: "Demo workspace",
  baseUrl: "http://127.0.0.1:4010",
  workspaceId: "workspace:demo",
  kind: "demo",
  key: { state: "demo", kind: null, hint: null },
  externalUserId: null,
  caCertificate: null,
  creditsRemaining: null,
  appVersion: null,
  agentCount: 3,
};
const run: ProfileView = {
  ...demo,
  id: "run",
  name: "Staging",
  baseUrl: "https://staging.example",
  workspaceId: "workspace:staging",
  kind: "run",
  key: { state: "runOnly", kind: "workspace", hint: "…9876" },
  agentCount: 1,
};
const acme: ProfileView = {
  ...demo,
  id: "p1",
  name: "Acme",
  baseUrl: "https://athena.acme.example",
  workspaceId: "workspace:acme",
  kind: "profile",
  key: { state: "keychain", kind: "endUser", hint: "…1234" },
  creditsRemaining: 12500,
  agentCount: 1,
};
const beta: ProfileView = { ...acme, id: "p2", name: "Beta", key: { state: "session", kind: "workspace", hint: "…0000" }, creditsRemaining: null };
const lost: ProfileView = { ...acme, id: "p3", name: "Lost", key: { state: "missing", kind: null, hint: null } };

const list: ProfileList = { activeId: "demo", profiles: [demo, run, acme, beta, lost], keychain: { available: true, reason: null } };

const active: WorkspaceOverview = {
  workspaceId: "demo",
  workspaceName: "Demo workspace",
  isDemo: true,
  agents: [],
  workspaces: [],
  creditsRemaining: null,
  appVersion: null,
  preferredAgentId: null,
};

function setup(settings: SettingsView = { alwaysPreviewCost: false, notice: null }) {
  const api: SettingsApi = {
    listProfiles: vi.fn(async () => ({ status: "ok" as const, data: list })),
    saveProfile: vi.fn(async () => ({ status: "ok" as const, data: { ...list, profiles: [...list.profiles, { ...acme, id: "p9", name: "New" }] } })),
    deleteProfile: vi.fn(async () => ({ status: "ok" as const, data: { ...list, profiles: [demo, run, beta, lost] } })),
    chooseCaCertificate: vi.fn(async () => ({ status: "ok" as const, data: null })),
    addAgent: vi.fn(),
    removeAgent: vi.fn(),
    importAgents: vi.fn(),
    exportAgents: vi.fn(),
    setAlwaysPreviewCost: vi.fn(async (on: boolean) => ({ status: "ok" as const, data: { alwaysPreviewCost: on, notice: null } })),
    setTheme: vi.fn(async (theme: ThemeChoice) => ({ status: "ok" as const, data: { theme } })),
    ...toolsFakes(),
  };
  const props = { onSettings: vi.fn(), onProfilesChanged: vi.fn(), onOverview: vi.fn(), onClose: vi.fn() };
  return { api, ...props, settings };
}

async function open(s: ReturnType<typeof setup>) {
  await act(async () => {
    render(
      <SettingsDialog
        api={s.api}
        active={active}
        settings={s.settings}
        onSettings={s.onSettings}
        onProfilesChanged={s.onProfilesChanged}
        onOverview={s.onOverview}
        onClose={s.onClose}
      />,
    );
  });
}

const item = (id: string) => document.querySelector<HTMLElement>(`[data-testid="profile-item"][data-profile-id="${id}"]`)!;

afterEach(cleanup);

describe("SettingsDialog", () => {
  it("is a labelled modal dialog; the focus starts on Close; Escape closes it", async () => {
    const s = setup();
    await open(s);
    const dialog = screen.getByRole("dialog", { name: "Workspaces and preferences" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Close workspaces and preferences" }));
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(s.onClose).toHaveBeenCalledOnce();
  });

  it("lists every workspace: markers, server, id, how its key is kept, credits, agents", async () => {
    await open(setup());
    expect(screen.getAllByTestId("profile-item").map((e) => e.dataset.profileId)).toEqual(["demo", "run", "p1", "p2", "p3"]);
    expect(item("demo").textContent).toContain("demo");
    expect(item("demo").textContent).toContain("can't be edited or deleted");
    expect(within(item("demo")).queryByTestId("edit-profile")).toBeNull();
    expect(within(item("demo")).queryByTestId("delete-profile")).toBeNull();
    expect(within(item("run")).getByTestId("run-marker").textContent).toBe("this run only");
    expect(within(item("run")).queryByTestId("edit-profile")).toBeNull();
    expect(item("p1").textContent).toContain("https://athena.acme.example");
    expect(item("p1").textContent).toContain("workspace:acme");
    expect(within(item("p1")).getByTestId("profile-key").textContent).toBe("End-user key …1234, in the system keychain");
    expect(within(item("p1")).getByTestId("profile-credits").textContent).toContain("12,500 credits left");
    expect(item("p1").textContent).toContain("1 agent");
    expect(within(item("p2")).getByTestId("profile-key").textContent).toBe("Workspace key …0000, kept in memory for this session");
    expect(within(item("p2")).queryByTestId("profile-credits")).toBeNull();
    expect(within(item("p3")).getByTestId("profile-key").textContent).toBe("No key: enter it again");
  });

  it("asks before deleting a workspace, then deletes it", async () => {
    const s = setup();
    await open(s);
    fireEvent.click(within(item("p1")).getByTestId("delete-profile"));
    expect(item("p1").textContent).toContain(
      "Delete workspace Acme? Its conversations on this computer are deleted too; its key is removed from the keychain.",
    );
    expect(s.api.deleteProfile).not.toHaveBeenCalled();
    fireEvent.click(within(item("p1")).getByRole("button", { name: "Cancel" }));
    expect(within(item("p1")).queryByTestId("confirm-delete")).toBeNull();
    expect(document.activeElement).toBe(within(item("p1")).getByTestId("delete-profile"));
    fireEvent.click(within(item("p1")).getByTestId("delete-profile"));
    await act(async () => fireEvent.click(within(item("p1")).getByTestId("confirm-delete")));
    expect(s.api.deleteProfile).toHaveBeenCalledWith("p1");
    expect(item("p1")).toBeNull();
    expect(s.onProfilesChanged).toHaveBeenCalledOnce();
    expect(screen.getByTestId("profiles-note").textContent).toBe("Workspace Acme deleted.");
    expect(document.activeElement).toBe(screen.getByTestId("add-profile"));
  });

  it("adds a workspace with the form, then lists it", async () => {
    const s = setup();
    await open(s);
    fireEvent.click(screen.getByTestId("add-profile"));
    const form = screen.getByTestId("profile-form");
    expect(document.activeElement).toBe(within(form).getByTestId("profile-name"));
    fireEvent.change(within(form).getByTestId("profile-name"), { target: { value: "New" } });
    fireEvent.change(within(form).getByTestId("profile-api-key"), { target: { value: "eak_x1234" } });
    await act(async () => fireEvent.click(screen.getByTestId("save-profile")));
    expect(s.api.saveProfile).toHaveBeenCalledWith(expect.objectContaining({ id: null, name: "New", apiKey: "eak_x1234" }));
    expect(screen.queryByTestId("profile-form")).toBeNull();
    expect(item("p9")).toBeTruthy();
    expect(screen.getByTestId("profiles-note").textContent).toBe("Workspace New saved.");
    expect(s.onProfilesChanged).toHaveBeenCalledOnce();
    expect([...document.querySelectorAll("input")].some((i) => i.value === "eak_x1234")).toBe(false);
  });

  it("edits a workspace", async () => {
    const s = setup();
    await open(s);
    fireEvent.click(within(item("p1")).getByTestId("edit-profile"));
    expect((screen.getByTestId("profile-name") as HTMLInputElement).value).toBe("Acme");
    await act(async () => fireEvent.click(screen.getByTestId("save-profile")));
    expect(s.api.saveProfile).toHaveBeenCalledWith(expect.objectContaining({ id: "p1", apiKey: null }));
  });

  it("turns the cost preview before sending on", async () => {
    const s = setup();
    await open(s);
    const box = screen.getByTestId("always-preview") as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(box.closest("label")!.textContent).toBe("Always preview the cost before sending");
    await act(async () => fireEvent.click(box));
    expect(s.api.setAlwaysPreviewCost).toHaveBeenCalledWith(true);
    expect(s.onSettings).toHaveBeenCalledWith({ alwaysPreviewCost: true, notice: null });
  });

  it("has a Tools section that lists what the tools may read", async () => {
    const s = setup();
    await open(s);
    const section = screen.getByRole("region", { name: "Tools on this computer" });
    expect(section.textContent).toContain(
      "Agents can ask to run these tools on this computer. Each call asks you first, unless you chose Always allow.",
    );
    expect(s.api.toolGrants).toHaveBeenCalledOnce();
    expect(within(section).getByTestId("folders-none")).toBeTruthy();
    expect(within(section).getByTestId("ledger-file").textContent).toBe("None chosen");
  });
});

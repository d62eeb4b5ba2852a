import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppError, ProfileInput, ProfileList, ProfileView } from "../../bindings";
import type { Result } from "../../result";
import { ProfileForm, type ProfileFormApi } from "./ProfileForm";

const saved: ProfileList = { activeId: "demo", profiles: [], keychain: { available: true, reason: null } };

const existing: ProfileView = {
  id: "p1",
  name: "Acme",
  baseUrl: "https://athena.acme.example",
  workspaceId: "workspace:acme",
  kind: "profile",
  key: { state: "keychain", kind: "endUser", hint: "…1234" },
  externalUserId: null,
  caCertificate: { path: "/etc/acme-ca.pem", subject: "CN=Acme Root CA" },
  creditsRemaining: 1200,
  appVersion: "3",
  agentCount: 2,
};

type Save = ProfileFormApi["saveProfile"];

function setup(answers: Array<Result<ProfileList, AppError>>, profile: ProfileView | null = null, keychainAvailable = true) {
  const saveProfile = vi.fn<Save>(async () => answers.shift() ?? { status: "ok", data: saved });
  const chooseCaCertificate = vi.fn<ProfileFormApi["chooseCaCertificate"]>(async () => ({
    status: "ok",
    data: { path: "/home/me/corp.pem", subject: "CN=Corp CA" },
  }));
  const onSaved = vi.fn();
  render(
    <ProfileForm
      api={{ saveProfile, chooseCaCertificate }}
      profile={profile}
      keychain={{ available: keychainAvailable, reason: keychainAvailable ? null : "no secret service" }}
      onSaved={onSaved}
      onCancel={() => undefined}
    />,
  );
  return { saveProfile, chooseCaCertificate, onSaved };
}

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const type = (id: string, value: string) => fireEvent.change(input(id), { target: { value } });
const save = () => act(async () => fireEvent.click(screen.getByTestId("save-profile")));

function fillNew() {
  type("profile-name", "Acme");
  type("profile-workspace-id", "workspace:acme");
  type("profile-api-key", "eak_secret1234");
}

afterEach(cleanup);

describe("ProfileForm", () => {
  it("sends the form as a ProfileInput; a blank server address is left to the default", async () => {
    const s = setup([]);
    fillNew();
    await save();
    expect(s.saveProfile).toHaveBeenCalledWith({
      id: null,
      name: "Acme",
      baseUrl: "",
      workspaceId: "workspace:acme",
      apiKey: "eak_secret1234",
      externalUserId: null,
      caCertificatePath: null,
      keepKeyInMemory: false,
    } satisfies ProfileInput);
    expect(input("profile-base-url").placeholder).toBe("https://athena-dev-api.leanscale.com");
  });

  it("shows each problem under its field, says so at the top and focuses the first bad field", async () => {
    setup([
      {
        status: "error",
        error: {
          code: "invalidInput",
          problems: [
            { field: "baseUrl", problem: { code: "httpsRequired" } },
            { field: "workspaceId", problem: { code: "badPrefix", expected: "workspace:" } },
            { field: "apiKey", problem: { code: "badKeyPrefix" } },
          ],
        },
      },
    ]);
    fillNew();
    type("profile-base-url", "http://athena.example");
    await save();
    expect(screen.getByRole("alert").textContent).toContain("Some fields need attention");
    expect(screen.getByTestId("problem-baseUrl").textContent).toBe(
      "Use https://: plain http is only allowed for a server on this computer.",
    );
    expect(screen.getByTestId("problem-workspaceId").textContent).toContain("workspace:");
    expect(screen.getByTestId("problem-apiKey").textContent).toMatch(/eak_ .* wak_/);
    expect(screen.queryByTestId("problem-name")).toBeNull();
    expect(document.activeElement).toBe(input("profile-base-url"));
    expect(input("profile-base-url").getAttribute("aria-invalid")).toBe("true");
    expect(input("profile-base-url").getAttribute("aria-describedby")).toContain(screen.getByTestId("problem-baseUrl").id);
  });

  it("offers to keep the key in memory when the keychain fails, and retries with keepKeyInMemory", async () => {
    const s = setup([{ status: "error", error: { code: "keychainUnavailable", reason: "no secret service" } }]);
    fillNew();
    expect(screen.queryByTestId("keep-in-memory")).toBeNull();
    await save();
    expect(screen.getByTestId("keychain-error").textContent).toContain("(no secret service)");
    const box = input("keep-in-memory");
    expect(document.activeElement).toBe(box);
    expect(box.closest("label")!.textContent).toBe(
      "Keep the key in memory for this session only (you'll enter it again next time)",
    );
    fireEvent.click(box);
    await save();
    expect(s.saveProfile).toHaveBeenCalledTimes(2);
    expect(s.saveProfile.mock.calls[1]![0]).toMatchObject({ apiKey: "eak_secret1234", keepKeyInMemory: true });
    expect(s.onSaved).toHaveBeenCalledWith(saved, "Acme");
  });

  it("offers the box at once when the keychain is known to be unavailable", () => {
    setup([], null, false);
    expect(screen.getByTestId("keep-in-memory")).toBeTruthy();
    expect(screen.getByTestId("profile-form").textContent).toContain("isn't available (no secret service)");
  });

  it("keeps no typed key once the backend has it", async () => {
    const s = setup([]);
    fillNew();
    await save();
    expect(s.onSaved).toHaveBeenCalledOnce();
    const inputs = [...document.querySelectorAll("input")];
    expect(inputs.some((i) => i.value.includes("eak_secret1234"))).toBe(false);
    expect(input("profile-api-key").value).toBe("");
  });

  it("keeps the typed key when the save failed for another reason", async () => {
    setup([{ status: "error", error: { code: "invalidInput", problems: [{ field: "name", problem: { code: "required" } }] } }]);
    fillNew();
    type("profile-name", "");
    await save();
    expect(input("profile-api-key").value).toBe("eak_secret1234");
    expect(document.activeElement).toBe(input("profile-name"));
  });

  it.each([
    ["eak_abc", "End-user key"],
    ["wak_abc", "Workspace key"],
    ["sk-abcdef", "Athena keys start with eak_ (end-user key) or wak_ (workspace key)."],
  ])("says the kind of the key typed (%s)", (key, words) => {
    setup([]);
    expect(screen.queryByTestId("key-kind")).toBeNull();
    type("profile-api-key", key);
    expect(screen.getByTestId("key-kind").textContent).toBe(words);
  });

  it("the key input is a password box that the browser neither fills nor checks", () => {
    setup([]);
    const key = input("profile-api-key");
    expect(key.type).toBe("password");
    expect(key.getAttribute("autocomplete")).toBe("off");
    expect(key.getAttribute("spellcheck")).toBe("false");
  });

  it("edits a profile: fields filled, the stored key shown by its end only and kept when left empty", async () => {
    const s = setup([], existing);
    expect(input("profile-name").value).toBe("Acme");
    expect(input("profile-api-key").value).toBe("");
    expect(input("profile-api-key").placeholder).toBe("Key set, ends in …1234. Leave empty to keep it.");
    expect(screen.getByTestId("ca-certificate").textContent).toContain("CN=Acme Root CA");
    await save();
    expect(s.saveProfile.mock.calls[0]![0]).toMatchObject({
      id: "p1",
      apiKey: null,
      caCertificatePath: "/etc/acme-ca.pem",
    });
  });

  it("asks for the key again when the keychain had none", () => {
    setup([], { ...existing, key: { state: "missing", kind: null, hint: null } });
    expect(screen.getByTestId("profile-form").textContent).toContain("No key is stored for this workspace: enter it again.");
  });

  it("chooses a CA certificate, shows its subject and path, and removes it", async () => {
    const s = setup([]);
    await act(async () => fireEvent.click(screen.getByTestId("choose-ca")));
    expect(s.chooseCaCertificate).toHaveBeenCalledOnce();
    expect(screen.getByTestId("ca-certificate").textContent).toBe("CN=Corp CA/home/me/corp.pem");
    fillNew();
    await save();
    expect(s.saveProfile.mock.calls[0]![0].caCertificatePath).toBe("/home/me/corp.pem");
    fireEvent.click(screen.getByTestId("remove-ca"));
    expect(screen.queryByTestId("ca-certificate")).toBeNull();
  });

  it("shows a certificate the backend refused under the certificate", async () => {
    const s = setup([]);
    s.chooseCaCertificate.mockResolvedValueOnce({
      status: "error",
      error: { code: "invalidInput", problems: [{ field: "caCertificate", problem: { code: "badCertificate", reason: "not PEM" } }] },
    });
    await act(async () => fireEvent.click(screen.getByTestId("choose-ca")));
    expect(screen.getByTestId("problem-caCertificate").textContent).toContain("(not PEM)");
  });
});

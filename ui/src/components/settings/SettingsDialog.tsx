import { useCallback, useEffect, useId, useRef, useState } from "react";
import { describeError } from "../../errors";
import { messages } from "../../messages";
import type { AppError, ProfileList as Profiles, ProfileView, SettingsView, WorkspaceOverview } from "../../bindings";
import type { Result } from "../../result";
import { Modal } from "../Modal";
import { AgentsSection, type AgentsApi } from "./AgentsSection";
import { AppearanceSection, type AppearanceApi } from "./AppearanceSection";
import { NotificationsSection, type NotificationsApi } from "./NotificationsSection";
import { ProfileForm, type ProfileFormApi } from "./ProfileForm";
import { ProfileList } from "./ProfileList";
import { McpServersSection, type McpApi } from "./McpServersSection";
import { CommandToolsSection, type CommandToolsApi } from "./CommandToolsSection";
import { ToolActivitySection, type ToolActivityApi } from "./ToolActivitySection";
import { ToolsSection, type ToolsApi } from "./ToolsSection";
import "./settings.css";

const words = messages.settings;

/** The commands the dialog uses (a subset of `commands`). */
export type SettingsApi = ProfileFormApi &
  AgentsApi &
  AppearanceApi &
  Partial<NotificationsApi> &
  Partial<McpApi> &
  Partial<CommandToolsApi> &
  Partial<ToolActivityApi> &
  ToolsApi & {
    listProfiles(): Promise<Result<Profiles, AppError>>;
    deleteProfile(profileId: string): Promise<Result<Profiles, AppError>>;
    setAlwaysPreviewCost(on: boolean): Promise<Result<SettingsView, AppError>>;
  };

type Props = {
  api: SettingsApi;
  /** The active workspace's overview (null when it could not be loaded). */
  active: WorkspaceOverview | null;
  settings: SettingsView | null;
  onSettings: (settings: SettingsView) => void;
  /** Workspaces were added, edited or deleted. */
  onProfilesChanged: (list: Profiles) => void;
  /** A workspace's agents changed. */
  onOverview: (overview: WorkspaceOverview) => void;
  onClose: () => void;
};

type Load = { phase: "loading" } | { phase: "loaded"; list: Profiles } | { phase: "failed"; error: AppError };
type Editing = null | { profile: ProfileView | null };

/** The Workspaces dialog: the workspaces, the agents of one, and preferences. */
export function SettingsDialog({ api, active, settings, onSettings, onProfilesChanged, onOverview, onClose }: Props) {
  const [load, setLoad] = useState<Load>({ phase: "loading" });
  const [editing, setEditing] = useState<Editing>(null);
  const [note, setNote] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const [focusAdd, setFocusAdd] = useState(0);
  // An MCP server's tools came or went: the agents' tool lists are read again.
  const [toolsRevision, setToolsRevision] = useState(0);

  // After a save or a delete the form or the item is gone: the focus goes to "Add workspace".
  useEffect(() => {
    if (focusAdd > 0) addButton.current?.focus();
  }, [focusAdd]);

  const refresh = useCallback(async () => {
    setLoad({ phase: "loading" });
    let result: Result<Profiles, AppError>;
    try {
      result = await api.listProfiles();
    } catch {
      result = { status: "error", error: { code: "internal" } };
    }
    setLoad(result.status === "ok" ? { phase: "loaded", list: result.data } : { phase: "failed", error: result.error });
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  function changed(list: Profiles, text: string) {
    setLoad({ phase: "loaded", list });
    setEditing(null);
    setNote(text);
    onProfilesChanged(list);
    setFocusAdd((n) => n + 1);
  }

  function agentsChanged(o: WorkspaceOverview) {
    onOverview(o);
    // The counts in the list of workspaces.
    void api.listProfiles().then(
      (r) => r.status === "ok" && setLoad({ phase: "loaded", list: r.data }),
      () => undefined,
    );
  }

  return (
    <Modal
      title={words.title}
      closeText={words.close}
      closeLabel={words.closeLabel}
      onClose={onClose}
      className="settings-dialog"
      testId="settings-dialog"
    >
      <section className="settings-section" aria-labelledby="settings-workspaces-title">
        <h3 id="settings-workspaces-title">{messages.profiles.title}</h3>
        {load.phase === "loading" && <p className="form-hint">{words.loading}</p>}
        {load.phase === "failed" && (
          <p className="form-problem" role="alert" data-testid="profiles-error">
            {words.loadFailed} {describeError(load.error)}{" "}
            <button type="button" className="link-button" onClick={() => void refresh()}>
              {words.retry}
            </button>
          </p>
        )}
        {load.phase === "loaded" && (
          <>
            <ProfileList
              list={load.list}
              deleteProfile={api.deleteProfile}
              onDeleted={(list, name) => changed(list, messages.profileForm.deleted(name))}
              onEdit={(profile) => {
                setNote(null);
                setEditing({ profile });
              }}
              busy={editing !== null}
            />
            {note && (
              <p className="form-status" role="status" data-testid="profiles-note">
                {note}
              </p>
            )}
            {editing ? (
              <ProfileForm
                key={editing.profile?.id ?? "new"}
                api={api}
                profile={editing.profile}
                keychain={load.list.keychain}
                onSaved={(list, name) => changed(list, messages.profileForm.saved(name))}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <div className="form-actions">
                <button
                  ref={addButton}
                  type="button"
                  className="button primary"
                  data-testid="add-profile"
                  onClick={() => {
                    setNote(null);
                    setEditing({ profile: null });
                  }}
                >
                  {messages.profiles.add}
                </button>
              </div>
            )}
          </>
        )}
      </section>
      {load.phase === "loaded" && (
        <AgentsSection
          api={api}
          profiles={load.list.profiles}
          activeId={active?.workspaceId ?? load.list.activeId}
          active={active}
          onOverview={agentsChanged}
        />
      )}
      <ToolsSection api={api} active={active} revision={toolsRevision} />
      <McpServersSection api={api} onToolsChanged={() => setToolsRevision((r) => r + 1)} />
      <CommandToolsSection api={api} onToolsChanged={() => setToolsRevision((r) => r + 1)} />
      <ToolActivitySection api={api} />
      <Preferences api={api} settings={settings} onSettings={onSettings} />
      <AppearanceSection api={api} />
      <NotificationsSection api={api} />
    </Modal>
  );
}

function Preferences({
  api,
  settings,
  onSettings,
}: {
  api: Pick<SettingsApi, "setAlwaysPreviewCost">;
  settings: SettingsView | null;
  onSettings: (settings: SettingsView) => void;
}) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const words = messages.preferences;

  async function toggle(on: boolean) {
    setSaving(true);
    setError(null);
    let result: Result<SettingsView, AppError>;
    try {
      result = await api.setAlwaysPreviewCost(on);
    } catch {
      result = { status: "error", error: { code: "internal" } };
    }
    setSaving(false);
    if (result.status === "ok") onSettings(result.data);
    else setError(describeError(result.error));
  }

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{words.title}</h3>
      <label className="form-check">
        <input
          type="checkbox"
          data-testid="always-preview"
          aria-describedby={`${id}-hint`}
          checked={settings?.alwaysPreviewCost ?? false}
          disabled={saving}
          onChange={(e) => void toggle(e.target.checked)}
        />
        <span>{words.alwaysPreview}</span>
      </label>
      <p className="form-hint" id={`${id}-hint`}>
        {words.alwaysPreviewHint}
      </p>
      {error && (
        <p className="form-problem" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

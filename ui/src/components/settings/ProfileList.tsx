import { useEffect, useRef, useState } from "react";
import { describeError } from "../../errors";
import { formatCount } from "../../format";
import { messages } from "../../messages";
import type { AppError, ProfileList as Profiles, ProfileView } from "../../bindings";
import type { Result } from "../../result";

const words = messages.profiles;

type Props = {
  list: Profiles;
  deleteProfile: (profileId: string) => Promise<Result<Profiles, AppError>>;
  onDeleted: (list: Profiles, name: string) => void;
  onEdit: (profile: ProfileView) => void;
  /** A form is open: the buttons that would open another wait. */
  busy: boolean;
};

/** Every workspace: where it is, how its key is kept, its credits; Edit and Delete for saved ones. */
export function ProfileList({ list, deleteProfile, onDeleted, onEdit, busy }: Props) {
  return (
    <ul className="settings-list" data-testid="profile-list">
      {list.profiles.map((p) => (
        <ProfileItem
          key={p.id}
          profile={p}
          active={p.id === list.activeId}
          deleteProfile={deleteProfile}
          onDeleted={onDeleted}
          onEdit={onEdit}
          busy={busy}
        />
      ))}
    </ul>
  );
}

type ItemProps = Omit<Props, "list"> & { profile: ProfileView; active: boolean };

function ProfileItem({ profile: p, active, deleteProfile, onDeleted, onEdit, busy }: ItemProps) {
  const [asking, setAsking] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editable = p.kind === "profile";
  const cancelButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);

  useEffect(() => {
    if (asking) cancelButton.current?.focus();
    else if (wasAsking.current) deleteButton.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  async function confirm() {
    setDeleting(true);
    setError(null);
    let result: Result<Profiles, AppError>;
    try {
      result = await deleteProfile(p.id);
    } catch {
      result = { status: "error", error: { code: "internal" } };
    }
    setDeleting(false);
    if (result.status === "ok") {
      setAsking(false);
      onDeleted(result.data, p.name);
    } else {
      setError(describeError(result.error));
    }
  }

  return (
    <li className="settings-item" data-testid="profile-item" data-profile-id={p.id}>
      <div className="settings-item-head">
        <span className="settings-item-name">{p.name}</span>
        {p.kind === "demo" && (
          <span className="demo-marker" title={words.demoNote}>
            {words.demo}
          </span>
        )}
        {p.kind === "run" && (
          <span className="run-marker" data-testid="run-marker" title={words.runOnlyNote}>
            {words.runOnly}
          </span>
        )}
        {active && <span className="active-marker">{words.active}</span>}
        <span className="header-spacer" />
        {editable && (
          <>
            <button
              type="button"
              className="button quiet bordered"
              data-testid="edit-profile"
              aria-label={words.editLabel(p.name)}
              disabled={busy || asking}
              onClick={() => onEdit(p)}
            >
              {words.edit}
            </button>
            <button
              ref={deleteButton}
              type="button"
              className="button quiet bordered danger"
              data-testid="delete-profile"
              aria-label={words.deleteLabel(p.name)}
              disabled={busy || asking}
              onClick={() => setAsking(true)}
            >
              {words.delete}
            </button>
          </>
        )}
      </div>
      <dl className="settings-facts">
        <div>
          <dt>{words.server}</dt>
          <dd>{p.baseUrl}</dd>
        </div>
        <div>
          <dt>{words.workspaceId}</dt>
          <dd>{p.workspaceId}</dd>
        </div>
      </dl>
      <p className={`settings-item-line ${p.key.state === "missing" ? "key-missing" : ""}`} data-testid="profile-key">
        {words.key(p.key.kind, p.key.hint, p.key.state)}
      </p>
      <p className="settings-item-line">
        {p.creditsRemaining !== null && (
          <span data-testid="profile-credits">{words.creditsLeft(p.creditsRemaining, formatCount(p.creditsRemaining))} · </span>
        )}
        <span>{words.agents(p.agentCount)}</span>
      </p>
      {p.kind === "demo" && <p className="settings-item-note">{words.demoNote}</p>}
      {p.kind === "run" && <p className="settings-item-note">{words.runOnlyNote}</p>}
      {asking && (
        <div className="confirm-box" role="group" aria-label={words.deleteLabel(p.name)}>
          <p>{words.deleteQuestion(p.name)}</p>
          <div className="form-actions">
            <button
              type="button"
              className="button danger-solid"
              data-testid="confirm-delete"
              disabled={deleting}
              onClick={() => void confirm()}
            >
              {deleting ? words.deleting : words.confirmDelete}
            </button>
            <button
              ref={cancelButton}
              type="button"
              className="button quiet bordered"
              disabled={deleting}
              onClick={() => setAsking(false)}
            >
              {words.cancel}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="form-problem" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

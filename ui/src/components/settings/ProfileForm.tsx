import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { describeError, describeProblem } from "../../errors";
import { messages } from "../../messages";
import type {
  AppError,
  CaCertificateView,
  FieldProblem,
  KeychainStatus,
  ProfileInput,
  ProfileList,
  ProfileView,
} from "../../bindings";
import type { Result } from "../../result";
import { Field, focusFirstProblem, inputId, problemWords } from "./fields";

const words = messages.profileForm;

/** The server a profile talks to when its address is left blank (core's `DEFAULT_BASE_URL`). */
export const DEFAULT_BASE_URL = "https://athena-dev-api.leanscale.com";

/** The fields this form shows, as the backend names them. */
const FIELDS = ["name", "baseUrl", "workspaceId", "apiKey", "externalUserId", "caCertificate"];

export type ProfileFormApi = {
  saveProfile(profile: ProfileInput): Promise<Result<ProfileList, AppError>>;
  chooseCaCertificate(): Promise<Result<CaCertificateView | null, AppError>>;
};

type Props = {
  api: ProfileFormApi;
  /** The profile edited; null for a new one. */
  profile: ProfileView | null;
  keychain: KeychainStatus;
  onSaved: (list: ProfileList, name: string) => void;
  onCancel: () => void;
};

/** The kind of key a typed key is, from its prefix (null while too short to say). */
export function keyKindOf(key: string): "endUser" | "workspace" | "unknown" | null {
  const k = key.trim();
  if (k.startsWith("eak_")) return "endUser";
  if (k.startsWith("wak_")) return "workspace";
  return k.length >= 4 ? "unknown" : null;
}

function blankToNull(text: string): string | null {
  return text.trim() === "" ? null : text;
}

async function settle<T>(call: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await call();
  } catch {
    return { status: "error", error: { code: "internal" } };
  }
}

/**
 * Adds or edits a workspace. The key is typed here once: it goes to the backend on Save
 * and is dropped from this form's state as soon as the backend has it; a stored key is
 * only ever shown by its last characters.
 */
export function ProfileForm({ api, profile, keychain, onSaved, onCancel }: Props) {
  const formId = useId();
  const [name, setName] = useState(profile?.name ?? "");
  const [baseUrl, setBaseUrl] = useState(profile?.baseUrl ?? "");
  const [workspaceId, setWorkspaceId] = useState(profile?.workspaceId ?? "");
  const [apiKey, setApiKey] = useState("");
  const [externalUserId, setExternalUserId] = useState(profile?.externalUserId ?? "");
  const [ca, setCa] = useState<CaCertificateView | null>(profile?.caCertificate ?? null);
  const [keepKeyInMemory, setKeepKeyInMemory] = useState(false);
  const [keychainError, setKeychainError] = useState<string | null>(null);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const keepBox = useRef<HTMLInputElement>(null);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    first.current?.focus();
  }, []);

  useEffect(() => {
    if (keychainError !== null) keepBox.current?.focus();
  }, [keychainError]);

  const byField = problemWords(problems);
  const elsewhere = problems.filter((p) => !FIELDS.includes(p.field));
  const kind = keyKindOf(apiKey);
  const storedKey = profile?.key ?? null;
  const hasStoredKey = storedKey !== null && storedKey.hint !== null && (storedKey.state === "keychain" || storedKey.state === "session");
  const keyHint =
    storedKey?.state === "missing"
      ? words.keyMissing
      : storedKey?.state === "runOnly"
        ? words.keyRunOnly
        : hasStoredKey
          ? words.keySet(storedKey.hint ?? "")
          : words.apiKeyHint;
  const offerMemory = keychainError !== null || !keychain.available;

  async function save() {
    if (saving) return;
    setSaving(true);
    setError(null);
    const input: ProfileInput = {
      id: profile?.id ?? null,
      name,
      baseUrl,
      workspaceId,
      apiKey: blankToNull(apiKey),
      externalUserId: blankToNull(externalUserId),
      caCertificatePath: ca?.path ?? null,
      keepKeyInMemory,
    };
    const result = await settle(() => api.saveProfile(input));
    setSaving(false);
    if (result.status === "ok") {
      // The backend has the key: none of the page's state holds it from here on.
      setApiKey("");
      setProblems([]);
      onSaved(result.data, name.trim());
      return;
    }
    const e = result.error;
    if (e.code === "invalidInput") {
      setProblems(e.problems);
      focusFirstProblem(formId, e.problems);
    } else if (e.code === "keychainUnavailable") {
      setProblems([]);
      setKeychainError(e.reason);
    } else {
      setProblems([]);
      setError(describeError(e));
    }
  }

  async function chooseCa() {
    setChoosing(true);
    const result = await settle(() => api.chooseCaCertificate());
    setChoosing(false);
    if (result.status === "ok") {
      if (result.data) {
        setCa(result.data);
        setProblems((ps) => ps.filter((p) => p.field !== "caCertificate"));
      }
    } else {
      const e = result.error;
      if (e.code === "invalidInput") setProblems((ps) => [...ps.filter((p) => p.field !== "caCertificate"), ...e.problems]);
      else setError(describeError(e));
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void save();
  }

  return (
    <form className="settings-form" data-testid="profile-form" onSubmit={onSubmit} noValidate>
      <h4 className="settings-form-title">{profile ? words.editTitle(profile.name) : words.addTitle}</h4>
      {(problems.length > 0 || error) && (
        <div className="form-summary" role="alert" data-testid="profile-form-problems">
          {problems.length > 0 && <p>{words.problems}</p>}
          {elsewhere.map((p, i) => (
            <p key={i}>
              {p.field}: {describeProblem(p.problem)}
            </p>
          ))}
          {error && <p>{error}</p>}
        </div>
      )}
      <Field formId={formId} field="name" label={words.name} hint={words.nameHint} problems={byField}>
        {(a) => (
          <input ref={first} {...a} data-testid="profile-name" type="text" value={name} onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      <Field formId={formId} field="baseUrl" label={words.baseUrl} hint={words.baseUrlHint(DEFAULT_BASE_URL)} problems={byField}>
        {(a) => (
          <input
            {...a}
            data-testid="profile-base-url"
            type="url"
            placeholder={DEFAULT_BASE_URL}
            spellCheck={false}
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
          />
        )}
      </Field>
      <Field formId={formId} field="workspaceId" label={words.workspaceId} hint={words.workspaceIdHint} problems={byField}>
        {(a) => (
          <input
            {...a}
            data-testid="profile-workspace-id"
            type="text"
            placeholder={words.workspaceIdPlaceholder}
            spellCheck={false}
            value={workspaceId}
            onChange={(e) => setWorkspaceId(e.target.value)}
          />
        )}
      </Field>
      <Field formId={formId} field="apiKey" label={words.apiKey} hint={keyHint} problems={byField}>
        {(a) => (
          <>
            <input
              {...a}
              data-testid="profile-api-key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder={hasStoredKey ? words.keySet(storedKey?.hint ?? "") : undefined}
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
            />
            {kind && (
              <span className="key-kind" data-testid="key-kind" aria-live="polite">
                {kind === "endUser" ? words.keyEndUser : kind === "workspace" ? words.keyWorkspace : words.keyUnknown}
              </span>
            )}
          </>
        )}
      </Field>
      {offerMemory && (
        <div className="keychain-problem">
          {keychainError !== null ? (
            <p className="form-problem" data-testid="keychain-error">
              {words.keychainFailed(keychainError)}
            </p>
          ) : (
            <p className="form-hint">{messages.profiles.keychainUnavailable(keychain.reason)}</p>
          )}
          <label className="form-check">
            <input
              ref={keepBox}
              type="checkbox"
              data-testid="keep-in-memory"
              checked={keepKeyInMemory}
              onChange={(e) => setKeepKeyInMemory(e.target.checked)}
            />
            <span>{words.keepInMemory}</span>
          </label>
        </div>
      )}
      <Field formId={formId} field="externalUserId" label={words.externalUserId} hint={words.externalUserIdHint} problems={byField}>
        {(a) => (
          <input
            {...a}
            data-testid="profile-external-user-id"
            type="text"
            spellCheck={false}
            value={externalUserId}
            onChange={(e) => setExternalUserId(e.target.value)}
          />
        )}
      </Field>
      <div className="form-field">
        <span className="form-label" id={`${formId}-ca-label`}>
          {words.caCertificate}
        </span>
        <div className="ca-row">
          {ca ? (
            <span className="ca-chosen" data-testid="ca-certificate">
              <span className="ca-subject">{ca.subject}</span>
              <span className="ca-path">{ca.path}</span>
            </span>
          ) : (
            <span className="form-hint">{words.caNone}</span>
          )}
          <button
            type="button"
            className="button quiet bordered"
            id={inputId(formId, "caCertificate")}
            data-testid="choose-ca"
            aria-describedby={`${formId}-ca-label`}
            disabled={choosing}
            onClick={() => void chooseCa()}
          >
            {choosing ? words.choosingCa : words.chooseCa}
          </button>
          {ca && (
            <button type="button" className="button quiet bordered" data-testid="remove-ca" aria-label={words.removeCaLabel} onClick={() => setCa(null)}>
              {words.removeCa}
            </button>
          )}
        </div>
        <p className="form-hint">{words.caHint}</p>
        {byField.has("caCertificate") && (
          <p className="form-problem" data-testid="problem-caCertificate">
            {byField.get("caCertificate")!.join(" ")}
          </p>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" data-testid="save-profile" disabled={saving}>
          {saving ? words.saving : words.save}
        </button>
        <button type="button" className="button quiet bordered" onClick={onCancel}>
          {words.cancel}
        </button>
      </div>
    </form>
  );
}

import { useEffect, useId, useState } from "react";
import type { AppError, NotificationsView } from "../../bindings";
import { describeError } from "../../errors";
import { messages } from "../../messages";
import type { Result } from "../../result";

const words = messages.notifications;

/** The commands the section uses (a subset of `commands`). */
export type NotificationsApi = {
  getNotifications(): Promise<NotificationsView>;
  setNotifications(on: boolean): Promise<Result<NotificationsView, AppError>>;
};

/**
 * Turns the OS notifications on or off (on by default). Reads the setting when shown;
 * a change that was not saved is taken back, with the reason. Without the commands
 * (tests of other sections) it shows nothing.
 */
export function NotificationsSection({ api }: { api: Partial<NotificationsApi> }) {
  const id = useId();
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { getNotifications, setNotifications } = api;

  useEffect(() => {
    if (!getNotifications) return;
    let live = true;
    getNotifications().then(
      (view) => live && setEnabled(view.enabled),
      () => live && setError(`${words.loadFailed} ${describeError({ code: "internal" })}`),
    );
    return () => {
      live = false;
    };
  }, [getNotifications]);

  if (!getNotifications || !setNotifications) return null;

  // After the check above, so `setNotifications` is known to exist here.
  const toggle = async (on: boolean) => {
    const before = enabled;
    setEnabled(on);
    setSaving(true);
    setError(null);
    let result: Result<NotificationsView, AppError>;
    try {
      result = await setNotifications(on);
    } catch {
      result = { status: "error", error: { code: "internal" } };
    }
    setSaving(false);
    if (result.status === "ok") {
      setEnabled(result.data.enabled);
    } else {
      setEnabled(before);
      setError(`${words.saveFailed} ${describeError(result.error)}`);
    }
  };

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`} data-testid="notifications-section">
      <h3 id={`${id}-title`}>{words.title}</h3>
      <label className="form-check">
        <input
          type="checkbox"
          data-testid="notifications-enabled"
          aria-describedby={`${id}-hint`}
          checked={enabled ?? false}
          disabled={saving || enabled === null}
          onChange={(e) => void toggle(e.target.checked)}
        />
        <span>{words.notify}</span>
      </label>
      <p className="form-hint" id={`${id}-hint`}>
        {words.hint}
      </p>
      {error && (
        <p className="form-problem" role="alert" data-testid="notifications-error">
          {error}
        </p>
      )}
    </section>
  );
}

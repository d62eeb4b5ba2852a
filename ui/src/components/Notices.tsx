import { describeAgentCheck } from "../errors";
import { messages } from "../messages";
import type { AgentCheckReport, SettingsNotice } from "../bindings";

const words = messages.notices;

function Dismiss({ onDismiss }: { onDismiss: () => void }) {
  return (
    <button type="button" className="button quiet" aria-label={words.dismissLabel} onClick={onDismiss}>
      {words.dismiss}
    </button>
  );
}

/** The workspace's app on the server changed: its agents were checked again. */
export function AppVersionNotice({
  version,
  checks,
  onDismiss,
}: {
  version: string | null;
  checks: readonly AgentCheckReport[];
  onDismiss: () => void;
}) {
  const failing = checks.filter((c) => c.check.outcome !== "ok");
  return (
    <div className="banner notice-banner" data-testid="app-version-notice" role="status">
      <div className="notice-text">
        <p>{words.appVersion(version)}</p>
        {failing.map((c) => (
          <p key={c.agentId} className="notice-detail" data-testid="agent-check-notice">
            {words.agentCheck(c.agentName, describeAgentCheck(c.check))}
          </p>
        ))}
      </div>
      <Dismiss onDismiss={onDismiss} />
    </div>
  );
}

/** The words for a settings file that could not be used. */
export function settingsNoticeText(notice: SettingsNotice): string {
  const p = notice.problem;
  switch (p.code) {
    case "corrupt":
      return words.settingsUnreadable(p.reason, notice.backup);
    case "invalid":
      return words.settingsUnreadable(`${p.field}: ${p.reason}`, notice.backup);
    case "newer":
      return words.settingsNewer;
    case "unreadable":
      return words.settingsLeftAlone(p.reason);
  }
}

/** The settings file could not be used: what happened to it. */
export function SettingsNoticeBanner({ notice, onDismiss }: { notice: SettingsNotice; onDismiss: () => void }) {
  return (
    <div className="banner notice-banner" data-testid="settings-notice" role="status">
      <div className="notice-text">
        <p>{settingsNoticeText(notice)}</p>
      </div>
      <Dismiss onDismiss={onDismiss} />
    </div>
  );
}

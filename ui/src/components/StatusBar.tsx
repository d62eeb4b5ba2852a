import { formatCount } from "../format";
import { messages } from "../messages";

const words = messages.status;

type Props = {
  workspaceName: string;
  /** Null when the server does not say (normal for a workspace key): nothing is shown. */
  creditsRemaining: number | null;
  /** The workspace's version on the server, when known. */
  appVersion: string | null;
};

/** The bar at the bottom of the window: the active workspace, its credits left, its version. */
export function StatusBar({ workspaceName, creditsRemaining, appVersion }: Props) {
  return (
    <footer className="status-bar" data-testid="status-bar" aria-label={words.label}>
      <span className="status-workspace" data-testid="status-workspace">
        {workspaceName}
      </span>
      {creditsRemaining !== null && (
        <span className="status-credits" data-testid="credits-left">
          {words.creditsLeft(creditsRemaining, formatCount(creditsRemaining))}
        </span>
      )}
      <span className="header-spacer" />
      {appVersion && (
        <span className="status-version" data-testid="app-version" title={words.versionTitle}>
          {words.version(appVersion)}
        </span>
      )}
    </footer>
  );
}

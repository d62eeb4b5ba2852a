import type { WorkspaceChoice } from "../bindings";

type Props = {
  name: string;
  isDemo: boolean;
  activeId: string;
  workspaces: WorkspaceChoice[];
  onSelect: (workspaceId: string) => void;
};

/**
 * The workspace the app talks to, marked when it is the built-in demo. With more than
 * one workspace it is a picker.
 */
export function WorkspaceBadge({ name, isDemo, activeId, workspaces, onSelect }: Props) {
  return (
    <span className="workspace-badge" data-testid="workspace-badge" title={`Workspace: ${name}`}>
      {workspaces.length > 1 ? (
        <select
          className="workspace-picker"
          data-testid="workspace-picker"
          aria-label="Workspace"
          value={activeId}
          onChange={(e) => onSelect(e.target.value)}
        >
          {workspaces.map((w) => (
            <option key={w.id} value={w.id}>
              {w.isDemo ? `${w.name} (demo)` : w.name}
            </option>
          ))}
        </select>
      ) : (
        <span className="workspace-name">{name}</span>
      )}
      {isDemo && (
        <span className="demo-marker" data-testid="demo-marker">
          demo
        </span>
      )}
    </span>
  );
}

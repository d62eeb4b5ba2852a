type Props = { name: string; isDemo: boolean };

/** The workspace the app talks to, marked when it is the built-in demo. */
export function WorkspaceBadge({ name, isDemo }: Props) {
  return (
    <span className="workspace-badge" data-testid="workspace-badge" title={`Workspace: ${name}`}>
      <span className="workspace-name">{name}</span>
      {isDemo && (
        <span className="demo-marker" data-testid="demo-marker">
          demo
        </span>
      )}
    </span>
  );
}

import type { AgentSummary } from "../bindings";

type Props = {
  agents: AgentSummary[];
  selectedId: string | null;
  onSelect: (agentId: string) => void;
};

/** Chooses the agent the next message goes to; shows what the selected one does. */
export function AgentPicker({ agents, selectedId, onSelect }: Props) {
  const selected = agents.find((a) => a.id === selectedId) ?? null;
  return (
    <div className="agent-picker">
      <label className="agent-picker-label" htmlFor="agent-picker">
        Agent
      </label>
      <select
        id="agent-picker"
        data-testid="agent-picker"
        value={selectedId ?? ""}
        title={selected?.description ?? ""}
        disabled={agents.length === 0}
        onChange={(e) => onSelect(e.target.value)}
      >
        {agents.length === 0 && <option value="">No agents</option>}
        {agents.map((agent) => (
          <option key={agent.id} value={agent.id}>
            {agent.name}
          </option>
        ))}
      </select>
      {selected?.description && (
        <p className="agent-description" data-testid="agent-description" title={selected.description}>
          {selected.description}
        </p>
      )}
    </div>
  );
}

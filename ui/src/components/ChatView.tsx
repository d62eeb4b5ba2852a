import { useLayoutEffect, useRef } from "react";
import type { AgentSummary, AppError } from "../bindings";
import type { Result } from "../result";
import type { ChatEntry } from "../store/chat";
import { Exchange } from "./Exchange";

type Props = {
  entries: ChatEntry[];
  agents: AgentSummary[];
  onRetry: (agentId: string, message: string) => Promise<Result<string, AppError>>;
};

/** How close to the bottom (px) still counts as "following" the conversation. */
const FOLLOW_SLACK = 48;

/** The conversation, oldest first; follows new text while the user is at the bottom. */
export function ChatView({ entries, agents, onRetry }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  });

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK;
  }

  const names = new Map(agents.map((a) => [a.id, a.name]));

  return (
    <div className="chat-scroll" ref={scroller} onScroll={onScroll}>
      {entries.length === 0 ? (
        <div className="chat-empty" data-testid="chat-empty">
          <p className="chat-empty-title">No messages yet</p>
          <p>Pick an agent above and write your first message below.</p>
        </div>
      ) : (
        <ol className="chat-list" data-testid="chat-list" aria-live="polite">
          {entries.map((entry) => (
            <Exchange
              key={entry.handle}
              entry={entry}
              agentName={names.get(entry.agentId) ?? entry.agentId}
              onRetry={onRetry}
            />
          ))}
        </ol>
      )}
    </div>
  );
}

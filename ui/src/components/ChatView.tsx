import { useCallback, useLayoutEffect, useMemo, useRef } from "react";
import type { AgentSummary } from "../bindings";
import type { ChatEntry } from "../store/chat";
import { ChatAnnouncer, useChatAnnouncement } from "./ChatAnnouncer";
import { Exchange, type ExchangeActions } from "./Exchange";

type Props = {
  entries: ChatEntry[];
  agents: AgentSummary[];
  actions: ExchangeActions;
};

/** How close to the bottom (px) still counts as "following" the conversation. */
const FOLLOW_SLACK = 48;

/**
 * The conversation, oldest first; follows new text while the user is at the bottom.
 * Screen readers hear the chat through one polite announcer, not the growing list.
 */
export function ChatView({ entries, agents, actions }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const count = useRef(entries.length);

  useLayoutEffect(() => {
    const el = scroller.current;
    // A new message (the user just sent one) brings the view back to the bottom, even
    // when they had scrolled up to read.
    if (entries.length > count.current) following.current = true;
    count.current = entries.length;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  });

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK;
  }

  const names = useMemo(() => new Map(agents.map((a) => [a.id, a.name])), [agents]);
  const nameOf = useCallback((agentId: string) => names.get(agentId) ?? agentId, [names]);
  const announcement = useChatAnnouncement(entries, nameOf);

  return (
    <div className="chat-scroll" ref={scroller} onScroll={onScroll}>
      <ChatAnnouncer text={announcement} />
      {entries.length === 0 ? (
        <div className="chat-empty" data-testid="chat-empty">
          <p className="chat-empty-title">No messages yet</p>
          <p>Pick an agent above and write your first message below.</p>
        </div>
      ) : (
        <ol className="chat-list" data-testid="chat-list">
          {entries.map((entry) => (
            <Exchange key={entry.handle} entry={entry} agentName={nameOf(entry.request.agentId)} actions={actions} />
          ))}
        </ol>
      )}
    </div>
  );
}

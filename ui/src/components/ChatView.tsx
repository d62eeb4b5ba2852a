import { useCallback, useLayoutEffect, useMemo, useRef, type ReactNode } from "react";
import type { AgentSummary } from "../bindings";
import type { ChatEntry } from "../store/chat";
import { ChatAnnouncer, useChatAnnouncement } from "./ChatAnnouncer";
import { Exchange, type ExchangeActions } from "./Exchange";

type Props = {
  entries: ChatEntry[];
  agents: AgentSummary[];
  actions: ExchangeActions;
  /** The conversation can be continued (not archived). */
  canContinue?: boolean;
  /** The server keeps the conversation: answers can take feedback. */
  canGiveFeedback?: boolean;
  /** Shown above the messages (notices, "Show earlier messages"). */
  top?: ReactNode;
  /** Shown instead of the list when there is no message. */
  empty?: ReactNode;
};

/** How close to the bottom (px) still counts as "following" the conversation. */
const FOLLOW_SLACK = 48;

/**
 * The conversation, oldest first; follows new text while the user is at the bottom.
 * Screen readers hear the chat through one polite announcer, not the growing list.
 */
export function ChatView({ entries, agents, actions, canContinue = true, canGiveFeedback = true, top, empty }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const count = useRef(entries.length);
  const first = useRef(entries[0]?.handle);
  const height = useRef(0);

  useLayoutEffect(() => {
    const el = scroller.current;
    const firstHandle = entries[0]?.handle;
    const grew = entries.length > count.current;
    if (grew && firstHandle !== first.current && first.current !== undefined && !following.current) {
      // Earlier messages were put above: keep the ones being read where they were.
      if (el) el.scrollTop += el.scrollHeight - height.current;
    } else if (grew) {
      // A new message (the user just sent one) brings the view back to the bottom, even
      // when they had scrolled up to read.
      following.current = true;
    }
    count.current = entries.length;
    first.current = firstHandle;
    if (el && following.current) el.scrollTop = el.scrollHeight;
    if (el) height.current = el.scrollHeight;
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
      {top}
      {entries.length === 0 ? (
        (empty ?? (
          <div className="chat-empty" data-testid="chat-empty">
            <p className="chat-empty-title">No messages yet</p>
            <p>Pick an agent above and write your first message below.</p>
          </div>
        ))
      ) : (
        <ol className="chat-list" data-testid="chat-list">
          {entries.map((entry) => (
            <Exchange
              key={entry.handle}
              entry={entry}
              agentName={nameOf(entry.request.agentId)}
              actions={actions}
              canContinue={canContinue}
              canGiveFeedback={canGiveFeedback}
            />
          ))}
        </ol>
      )}
    </div>
  );
}

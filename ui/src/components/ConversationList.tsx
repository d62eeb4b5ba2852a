import { memo, useId, useState } from "react";
import type { ConversationSummary } from "../bindings";
import { LOAD_CONVERSATIONS_FAILED } from "../errors";
import { formatRelativeTime } from "../format";
import { messages } from "../messages";
import { activityOf, type ConversationList as List, type ConversationsState } from "../store/conversations";
import { PlusIcon } from "./parts/icons";
import "./conversationList.css";

const words = messages.sidebar;

type Props = {
  conversations: ConversationsState;
  selectedId: string | null;
  /** For conversations with a known execution: whether one streams now. */
  streaming: ReadonlyMap<string, boolean>;
  /** The time relative times are counted from (Unix ms). */
  nowMs: number;
  onSelect: (conversationId: string) => void;
  onNewChat: () => void;
  /** Loads the first page of a list, or the next one with `more`. */
  onLoad: (archived: boolean, more: boolean) => void;
};

/** Whether a conversation is answering now: from the executions when any is known. */
function isRunning(conversation: ConversationSummary, streaming: ReadonlyMap<string, boolean>): boolean {
  return streaming.get(conversation.id) ?? conversation.running;
}

const Item = memo(function Item({
  conversation,
  selected,
  running,
  nowMs,
  onSelect,
}: {
  conversation: ConversationSummary;
  selected: boolean;
  running: boolean;
  nowMs: number;
  onSelect: (id: string) => void;
}) {
  const title = conversation.title === "" ? words.untitled : conversation.title;
  return (
    <li>
      <button
        type="button"
        className="conversation-item"
        data-testid="conversation-item"
        data-conversation-id={conversation.id}
        data-running={running ? "true" : "false"}
        aria-current={selected ? "true" : undefined}
        title={title}
        onClick={() => onSelect(conversation.id)}
      >
        <span className="conversation-item-top">
          <span className={`conversation-title${conversation.title === "" ? " untitled" : ""}`} data-testid="conversation-title">
            {title}
          </span>
          {running && (
            <span className="conversation-running" role="img" aria-label={words.answering} data-testid="conversation-running" />
          )}
        </span>
        <span className="conversation-meta">
          <span className="conversation-agent">{conversation.agentName}</span>
          <span aria-hidden="true"> · </span>
          <time dateTime={new Date(activityOf(conversation)).toISOString()}>
            {formatRelativeTime(activityOf(conversation), nowMs)}
          </time>
        </span>
      </button>
    </li>
  );
});

function Rows({
  list,
  archived,
  emptyText,
  props,
}: {
  list: List;
  archived: boolean;
  emptyText: string;
  props: Props;
}) {
  const { selectedId, streaming, nowMs, onSelect, onLoad } = props;
  return (
    <>
      {list.items.length > 0 && (
        <ul className="conversation-rows">
          {list.items.map((c) => (
            <Item
              key={c.id}
              conversation={c}
              selected={c.id === selectedId}
              running={isRunning(c, streaming)}
              nowMs={nowMs}
              onSelect={onSelect}
            />
          ))}
        </ul>
      )}
      {list.phase === "loading" && <p className="conversation-list-note">{words.loading}</p>}
      {list.phase === "loaded" && list.items.length === 0 && <p className="conversation-list-note">{emptyText}</p>}
      {list.phase === "failed" && (
        <p className="conversation-list-note error" role="alert">
          {LOAD_CONVERSATIONS_FAILED}{" "}
          <button type="button" className="link-button" onClick={() => onLoad(archived, list.items.length > 0)}>
            {words.retry}
          </button>
        </p>
      )}
      {list.phase === "loaded" && !list.complete && list.items.length > 0 && (
        <button
          type="button"
          className="button quiet conversation-more"
          data-testid={archived ? "archived-more" : "conversations-more"}
          onClick={() => onLoad(archived, true)}
        >
          {words.more}
        </button>
      )}
    </>
  );
}

/**
 * The sidebar: New chat, the workspace's active conversations (most recent first), and
 * a collapsible Archived section loaded when first opened.
 */
export function ConversationList(props: Props) {
  const { conversations, onNewChat, onLoad } = props;
  const [showArchived, setShowArchived] = useState(false);
  const archivedId = useId();

  function toggleArchived() {
    const open = !showArchived;
    setShowArchived(open);
    if (open && conversations.archived.phase === "idle") onLoad(true, false);
  }

  return (
    <nav className="sidebar" aria-label={words.label} data-testid="conversation-list">
      <div className="sidebar-top">
        <button type="button" className="button new-chat" data-testid="new-chat" aria-label={words.newChatLabel} onClick={onNewChat}>
          <PlusIcon />
          {words.newChat}
        </button>
      </div>
      <div className="sidebar-scroll">
        <Rows list={conversations.active} archived={false} emptyText={words.noChats} props={props} />
        <div className="archived-section">
          <button
            type="button"
            className="archived-toggle"
            data-testid="archived-toggle"
            aria-expanded={showArchived}
            aria-controls={archivedId}
            onClick={toggleArchived}
          >
            <span className={`archived-chevron${showArchived ? " open" : ""}`} aria-hidden="true" />
            {words.archived}
          </button>
          <div id={archivedId} hidden={!showArchived} data-testid="archived-list">
            {showArchived && <Rows list={conversations.archived} archived={true} emptyText={words.noArchived} props={props} />}
          </div>
        </div>
      </div>
    </nav>
  );
}

import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { ConversationSummary, SearchResult } from "../bindings";
import { LOAD_CONVERSATIONS_FAILED, describeError } from "../errors";
import { messages } from "../messages";
import type { ConversationList as List, ConversationsState } from "../store/conversations";
import { ConfirmDelete } from "./ConfirmDelete";
import type { ConversationActions } from "./conversationActions";
import { ConversationRow, shownTitle } from "./ConversationRow";
import { PlusIcon } from "./parts/icons";
import { SearchBox, SearchResults, useSearch } from "./SearchBox";
import "./conversationList.css";

const words = messages.sidebar;
const actionWords = messages.conversationActions;

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
  /** Search, rename, archive, delete, export, import. */
  actions: ConversationActions;
  /** Opens a search result's conversation at its message. */
  onOpenResult: (result: SearchResult) => void;
  /** A conversation was deleted (the lists already follow). */
  onDeleted: (conversationId: string) => void;
  /** A conversation was imported: open it. */
  onImported: (conversation: ConversationSummary) => void;
};

/** Whether a conversation is answering now: from the executions when any is known. */
function isRunning(conversation: ConversationSummary, streaming: ReadonlyMap<string, boolean>): boolean {
  return streaming.get(conversation.id) ?? conversation.running;
}

type AskDelete = (conversation: ConversationSummary) => void;

function Rows({
  list,
  archived,
  emptyText,
  props,
  onAskDelete,
}: {
  list: List;
  archived: boolean;
  emptyText: string;
  props: Props;
  onAskDelete: AskDelete;
}) {
  const { selectedId, streaming, nowMs, onSelect, onLoad, actions } = props;
  return (
    <>
      {list.items.length > 0 && (
        <ul className="conversation-rows">
          {list.items.map((c) => (
            <ConversationRow
              key={c.id}
              conversation={c}
              selected={c.id === selectedId}
              running={isRunning(c, streaming)}
              nowMs={nowMs}
              onSelect={onSelect}
              actions={actions}
              onAskDelete={onAskDelete}
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
 * The sidebar: New chat and Import, the search box, then either the search results or
 * the workspace's active conversations (most recent first) and a collapsible Archived
 * section loaded when first opened. Each conversation has a menu of actions.
 */
export function ConversationList(props: Props) {
  const { conversations, onNewChat, onLoad, actions, onOpenResult, onDeleted, onImported } = props;
  const [showArchived, setShowArchived] = useState(false);
  const archivedId = useId();
  const resultsId = useId();
  const search = useSearch(actions.search);
  const [deleting, setDeleting] = useState<ConversationSummary | null>(null);
  const [importing, setImporting] = useState(false);
  const [topNotice, setTopNotice] = useState<{ text: string; error: boolean } | null>(null);
  const newChatButton = useRef<HTMLButtonElement>(null);
  const scroll = useRef<HTMLDivElement>(null);
  /** The conversation just deleted: the focus moves off its row. */
  const [deletedId, setDeletedId] = useState<string | null>(null);

  const toggleArchived = useCallback(() => {
    const open = !showArchived;
    setShowArchived(open);
    if (open && conversations.archived.phase === "idle") onLoad(true, false);
  }, [conversations.archived.phase, onLoad, showArchived]);

  // The dialog gives the focus back to the menu's button when cancelled.
  const askDelete = useCallback<AskDelete>((conversation) => setDeleting(conversation), []);

  // After a delete the deleted row's button is gone: the focus goes to the first chat
  // left, else to New chat, never to nowhere.
  useEffect(() => {
    if (deletedId === null) return;
    const items = Array.from(scroll.current?.querySelectorAll<HTMLElement>('[data-testid="conversation-item"]') ?? []);
    // The deleted row may still be shown until the store's change is rendered.
    const next = items.find((item) => item.dataset.conversationId !== deletedId);
    (next ?? newChatButton.current)?.focus();
    setDeletedId(null);
  }, [deletedId]);

  async function importFile() {
    setTopNotice(null);
    setImporting(true);
    const result = await actions.importFile();
    setImporting(false);
    if (result.status === "error") {
      setTopNotice({ text: describeError(result.error), error: true });
      return;
    }
    if (!result.data) return;
    setTopNotice({ text: actionWords.imported(shownTitle(result.data)), error: false });
    if (!showArchived) toggleArchived();
    onImported(result.data);
  }

  return (
    <nav className="sidebar" aria-label={words.label} data-testid="conversation-list">
      <div className="sidebar-top">
        <div className="sidebar-buttons">
          <button
            ref={newChatButton}
            type="button"
            className="button new-chat"
            data-testid="new-chat"
            aria-label={words.newChatLabel}
            onClick={onNewChat}
          >
            <PlusIcon />
            {words.newChat}
          </button>
          <button
            type="button"
            className="button quiet bordered import-chat"
            data-testid="import-conversation"
            title={actionWords.importLabel}
            aria-label={actionWords.importLabel}
            disabled={importing}
            onClick={() => void importFile()}
          >
            {actionWords.importButton}
          </button>
        </div>
        <SearchBox search={search} listId={resultsId} onOpen={onOpenResult} />
        {topNotice && (
          <p
            className={`conversation-list-note${topNotice.error ? " error" : ""}`}
            role={topNotice.error ? "alert" : "status"}
            data-testid={topNotice.error ? "import-error" : "import-done"}
          >
            {topNotice.text}
          </p>
        )}
      </div>
      <div className="sidebar-scroll" ref={scroll}>
        {search.active ? (
          <SearchResults
            search={search}
            listId={resultsId}
            nowMs={props.nowMs}
            selectedId={props.selectedId}
            onOpen={onOpenResult}
          />
        ) : (
          <>
            <Rows list={conversations.active} archived={false} emptyText={words.noChats} props={props} onAskDelete={askDelete} />
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
                {showArchived && (
                  <Rows list={conversations.archived} archived={true} emptyText={words.noArchived} props={props} onAskDelete={askDelete} />
                )}
              </div>
            </div>
          </>
        )}
      </div>
      {deleting && (
        <ConfirmDelete
          title={shownTitle(deleting)}
          onCancel={() => setDeleting(null)}
          onDelete={async () => {
            const id = deleting.id;
            const result = await actions.remove(id);
            if (result.status === "ok") {
              setDeleting(null);
              setDeletedId(id);
              onDeleted(id);
            }
            return result;
          }}
        />
      )}
    </nav>
  );
}

// One conversation in the sidebar: the button that opens it, and its actions (the
// "⋯" button, or a right-click): Rename in place, Archive, Export, Delete (asked
// first, by the list). Errors and results are said under the row, where the action
// was taken.

import { memo, useRef, useState, type MouseEvent } from "react";
import type { ConversationSummary, ExportFormat } from "../bindings";
import { describeError } from "../errors";
import { formatRelativeTime } from "../format";
import { messages } from "../messages";
import { activityOf } from "../store/conversations";
import { Menu, type MenuItem } from "./ChatContextMenu";
import type { ConversationActions } from "./conversationActions";
import { RenameField } from "./RenameField";

const words = messages.sidebar;
const actionWords = messages.conversationActions;

type Notice = { text: string; error: boolean };

type Props = {
  conversation: ConversationSummary;
  selected: boolean;
  running: boolean;
  nowMs: number;
  onSelect: (id: string) => void;
  actions: ConversationActions;
  /** Asks the user before deleting (the list shows the dialog). */
  onAskDelete: (conversation: ConversationSummary) => void;
};

/** The title the sidebar shows (untitled: "New chat"). */
export function shownTitle(conversation: { title: string }): string {
  return conversation.title === "" ? words.untitled : conversation.title;
}

export const ConversationRow = memo(function ConversationRow({
  conversation,
  selected,
  running,
  nowMs,
  onSelect,
  actions,
  onAskDelete,
}: Props) {
  const title = shownTitle(conversation);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const [renaming, setRenaming] = useState(false);
  const [renameError, setRenameError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const menuButton = useRef<HTMLButtonElement>(null);
  const itemButton = useRef<HTMLButtonElement>(null);

  function openMenuAt(x: number, y: number) {
    setNotice(null);
    setMenu({ x, y });
  }

  function openFromButton() {
    const rect = menuButton.current?.getBoundingClientRect();
    openMenuAt(rect ? rect.left : 0, rect ? rect.bottom + 2 : 0);
  }

  function onContextMenu(event: MouseEvent) {
    // The webview's own menu is off in the window (see ChatContextMenu): this one
    // takes its place on a chat's row.
    event.preventDefault();
    if (event.clientX === 0 && event.clientY === 0) {
      // Opened from the keyboard (Shift+F10, the Menu key): under the row.
      openFromButton();
      return;
    }
    openMenuAt(event.clientX, event.clientY);
  }

  async function exportAs(format: ExportFormat) {
    const result = await actions.exportTo(conversation.id, format);
    if (result.status === "error") setNotice({ text: describeError(result.error), error: true });
    else if (result.data.saved) setNotice({ text: actionWords.exported(result.data.fileName ?? ""), error: false });
  }

  async function archive() {
    const result = await actions.archive(conversation.id);
    if (result.status === "error") setNotice({ text: describeError(result.error), error: true });
  }

  async function rename(newTitle: string): Promise<boolean> {
    const result = await actions.rename(conversation.id, newTitle);
    if (result.status === "error") {
      setRenameError(describeError(result.error));
      return false;
    }
    setRenameError(null);
    setRenaming(false);
    itemButton.current?.focus();
    return true;
  }

  const items: MenuItem[] = [
    { id: "rename", label: actionWords.rename, testId: "menu-rename", run: () => setRenaming(true) },
    ...(conversation.archived
      ? []
      : [{ id: "archive", label: actionWords.archive, testId: "menu-archive", run: () => void archive() }]),
    { id: "json", label: actionWords.exportJson, testId: "menu-export-json", run: () => void exportAs("json") },
    { id: "markdown", label: actionWords.exportMarkdown, testId: "menu-export-markdown", run: () => void exportAs("markdown") },
    {
      id: "delete",
      label: actionWords.delete,
      testId: "menu-delete",
      run: () => onAskDelete(conversation),
    },
  ];

  return (
    <li className="conversation-row" data-testid="conversation-row" data-conversation-id={conversation.id} onContextMenu={onContextMenu}>
      {renaming ? (
        <RenameField
          initial={conversation.title}
          error={renameError}
          onSave={rename}
          onCancel={() => {
            setRenaming(false);
            setRenameError(null);
            itemButton.current?.focus();
          }}
        />
      ) : (
        <button
          ref={itemButton}
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
      )}
      {!renaming && (
        <button
          ref={menuButton}
          type="button"
          className="conversation-menu-button"
          data-testid="conversation-menu-button"
          aria-label={actionWords.menuButton(title)}
          aria-haspopup="menu"
          aria-expanded={menu !== null}
          onClick={openFromButton}
        >
          <span aria-hidden="true">⋯</span>
        </button>
      )}
      {renameError && (
        <p className="conversation-row-note error" role="alert" data-testid="rename-error">
          {renameError}
        </p>
      )}
      {notice && (
        <p
          className={`conversation-row-note${notice.error ? " error" : ""}`}
          role={notice.error ? "alert" : "status"}
          data-testid={notice.error ? "conversation-action-error" : "conversation-action-done"}
        >
          {notice.text}
        </p>
      )}
      {menu && (
        <Menu
          x={menu.x}
          y={menu.y}
          items={items}
          label={actionWords.menuLabel}
          testId="conversation-menu"
          onClose={(returnFocus) => {
            setMenu(null);
            if (returnFocus) menuButton.current?.focus();
          }}
          onPick={(item) => {
            setMenu(null);
            menuButton.current?.focus();
            item.run();
          }}
        />
      )}
    </li>
  );
});

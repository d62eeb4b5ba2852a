import type { ConversationNotice, ConversationSummary } from "../bindings";
import type { AgentSummary, AppError, CostPreview } from "../bindings";
import { OPEN_CONVERSATION_FAILED, describeError } from "../errors";
import { messages } from "../messages";
import type { Result } from "../result";
import type { ChatEntry } from "../store/chat";
import type { LoadedConversation } from "../store/sync";
import { AgentPicker } from "./AgentPicker";
import { ChatView } from "./ChatView";
import type { Variables } from "../wizard";
import type { ExchangeActions } from "./Exchange";
import { SendArea } from "./SendArea";
import type { ComposerAttachments } from "../attachments/useAttachments";

const words = messages.conversation;

export type OpenPhase = { phase: "loading" } | { phase: "loaded" } | { phase: "failed"; error: AppError };

type Props = {
  /** The open conversation; null for a new chat not created yet. */
  conversation: ConversationSummary | null;
  open: OpenPhase;
  entries: ChatEntry[];
  agents: AgentSummary[];
  actions: ExchangeActions;
  loaded: LoadedConversation | undefined;
  onLoadEarlier: () => void;
  onRetryOpen: () => void;
  notice: ConversationNotice | undefined;
  /** The server's status for a local-only conversation, when known. */
  localOnlyStatus: number | null;
  /** The agent a new chat goes to. */
  pickedAgentId: string | null;
  onPickAgent: (agentId: string) => void;
  text: string;
  onTextChange: (text: string) => void;
  onSend: (text: string, variables: Variables | null) => Promise<Result<string, AppError>>;
  onPreviewCost: (variables: Variables | null) => Promise<Result<CostPreview, AppError>>;
  /** Send shows the cost first. */
  alwaysPreviewCost: boolean;
  /** The wizard's values for this chat as typed (undefined: the defaults). */
  variableValues: Variables | undefined;
  onVariablesChange: (values: Variables) => void;
  onComposerBlur: () => void;
  composerFocusKey: string | number;
  /** Changes when the user moves to another chat. */
  composerResetKey: string | number;
  onContinueNew: () => void;
  continuing: boolean;
  /** A message to scroll into view and mark for a moment (a search result's). */
  focusHandle?: string;
  /** The composer's attachments. */
  attachments?: ComposerAttachments;
};

/** The right side: the conversation's header and notices, its messages, the composer. */
export function ConversationPane(props: Props) {
  const { conversation, open, entries, agents, actions, loaded, notice, pickedAgentId } = props;
  const archived = conversation?.archived ?? false;
  const empty = entries.length === 0 && open.phase === "loaded";
  // Once a conversation has messages its agent is fixed; a new or empty one picks.
  const agentFixed = conversation !== null && (!empty || archived);
  const agentId = conversation?.agentId ?? pickedAgentId;
  const agentName =
    conversation?.agentName ?? agents.find((a) => a.id === pickedAgentId)?.name ?? null;
  const agent = agents.find((a) => a.id === agentId) ?? null;
  const knownAgents =
    conversation && !agents.some((a) => a.id === conversation.agentId)
      ? [...agents, { id: conversation.agentId, name: conversation.agentName, description: "", requiresUserMessage: true, variables: [] }]
      : agents;
  const title = conversation && conversation.title !== "" ? conversation.title : words.emptyTitle;

  const top = (
    <>
      {notice?.kind === "previousArchived" && conversation && (
        <p className="conversation-notice" data-testid="conversation-notice" role="note">
          {words.previousArchived(conversation.agentName)}
        </p>
      )}
      {loaded?.moreBefore && (
        <div className="load-earlier">
          <button
            type="button"
            className="button quiet"
            data-testid="load-earlier"
            disabled={loaded.loadingEarlier}
            onClick={props.onLoadEarlier}
          >
            {loaded.loadingEarlier ? words.loadingEarlier : words.earlier}
          </button>
        </div>
      )}
    </>
  );

  return (
    <section className="conversation-pane" aria-label={title}>
      <div className="conversation-header">
        <div className="conversation-heading">
          <h2 className="conversation-heading-title" data-testid="conversation-heading">
            {title}
          </h2>
          {agentFixed ? (
            <span className="conversation-agent-fixed" data-testid="conversation-agent">
              {words.with(conversation?.agentName ?? "")}
            </span>
          ) : (
            <AgentPicker agents={agents} selectedId={agentId} onSelect={props.onPickAgent} />
          )}
        </div>
        {conversation?.localOnly && (
          <p className="local-only-note" data-testid="local-only-note">
            {words.localOnly(conversation.agentName, props.localOnlyStatus)}
          </p>
        )}
      </div>
      <main className="chat-area">
        {open.phase === "failed" && (
          <p className="banner" data-testid="open-error" role="alert">
            {OPEN_CONVERSATION_FAILED} {describeError(open.error)}{" "}
            <button type="button" className="link-button" onClick={props.onRetryOpen}>
              {messages.sidebar.retry}
            </button>
          </p>
        )}
        {open.phase === "loading" && entries.length === 0 ? (
          <div className="chat-loading" data-testid="loading">
            {words.loading}
          </div>
        ) : (
          <ChatView
            key={conversation?.id ?? "new"}
            entries={entries}
            agents={knownAgents}
            actions={actions}
            canContinue={!archived}
            canGiveFeedback={!(conversation?.localOnly ?? false)}
            focusHandle={props.focusHandle}
            // Scrolling near the top loads the page before; the button stays as a fallback.
            onNearTop={loaded?.moreBefore && !loaded.loadingEarlier ? props.onLoadEarlier : undefined}
            top={top}
            empty={
              <div className="chat-empty" data-testid="chat-empty">
                <p className="chat-empty-title">{words.emptyTitle}</p>
                <p>{words.emptyBody(agentName)}</p>
              </div>
            }
          />
        )}
      </main>
      <footer className="composer-dock">
        {archived && conversation ? (
          <div className="archived-bar" data-testid="archived-bar">
            <p>{words.archived}</p>
            <button
              type="button"
              className="button primary"
              data-testid="continue-new-chat"
              disabled={props.continuing}
              onClick={props.onContinueNew}
            >
              {words.continueNew}
            </button>
          </div>
        ) : (
          <SendArea
            agent={agent}
            resetKey={props.composerResetKey}
            text={props.text}
            onTextChange={props.onTextChange}
            values={props.variableValues}
            onValuesChange={props.onVariablesChange}
            onSend={props.onSend}
            onPreviewCost={props.onPreviewCost}
            alwaysPreviewCost={props.alwaysPreviewCost}
            onBlur={props.onComposerBlur}
            disabled={agentId === null}
            placeholder={agent && !agent.requiresUserMessage ? words.placeholderOptional(agentName) : words.placeholder(agentName)}
            focusKey={props.composerFocusKey}
            attachments={props.attachments}
          />
        )}
      </footer>
    </section>
  );
}

// The staged attachments of every conversation the page has seen, as a pure fold of the
// backend's answers and events. The backend owns the truth (the draft's attachments
// survive a restart there); this is a view of it.
import type { StagedAttachment } from "./api";

/** Staged attachments by conversation id, in the order they were added. */
export type StagedState = ReadonlyMap<string, readonly StagedAttachment[]>;

export const emptyStaged: StagedState = new Map();

function withList(state: StagedState, conversationId: string, list: readonly StagedAttachment[]): StagedState {
  const next = new Map(state);
  if (list.length === 0) next.delete(conversationId);
  else next.set(conversationId, list);
  return next;
}

/**
 * A conversation's staged attachments as `draft_attachments` returned them. Its answer
 * can be older than events that came while it was on its way: an attachment in `fresh`
 * (changed or removed by an event since the request) keeps what the event said. Ones the
 * page learnt of meanwhile (a file dropped on a chat just created) stay, after them.
 */
export function draftLoaded(
  state: StagedState,
  conversationId: string,
  list: readonly StagedAttachment[],
  fresh: ReadonlySet<string> = new Set(),
): StagedState {
  const known = state.get(conversationId) ?? [];
  const byId = new Map(known.map((a) => [a.id, a]));
  const loaded: StagedAttachment[] = [];
  for (const a of list) {
    if (!fresh.has(a.id)) loaded.push(a);
    else if (byId.has(a.id)) loaded.push(byId.get(a.id)!);
    // else: removed since the request.
  }
  const ids = new Set(list.map((a) => a.id));
  const later = known.filter((a) => !ids.has(a.id));
  return withList(state, conversationId, [...loaded, ...later]);
}

/**
 * An attachment's latest state (an event): replaces the one with its id in place, or
 * joins the end of its conversation's list.
 */
export function attachmentChanged(state: StagedState, attachment: StagedAttachment): StagedState {
  const list = state.get(attachment.conversationId) ?? [];
  const at = list.findIndex((a) => a.id === attachment.id);
  const next = at < 0 ? [...list, attachment] : list.map((a, i) => (i === at ? attachment : a));
  return withList(state, attachment.conversationId, next);
}

/**
 * Attachments a command returned. Events may already have brought a later state of
 * the same attachment, so only the ones not known yet are added.
 */
export function attachmentsAdded(state: StagedState, added: readonly StagedAttachment[]): StagedState {
  let next = state;
  for (const attachment of added) {
    const known = next.get(attachment.conversationId)?.some((a) => a.id === attachment.id) ?? false;
    if (!known) next = attachmentChanged(next, attachment);
  }
  return next;
}

/** An attachment was removed (by the user, or sent with its message). */
export function attachmentRemoved(state: StagedState, id: string): StagedState {
  for (const [conversationId, list] of state) {
    if (list.some((a) => a.id === id)) return withList(state, conversationId, list.filter((a) => a.id !== id));
  }
  return state;
}

/** The ids of a conversation's attachments ready to go with a message. */
export function readyIds(state: StagedState, conversationId: string): string[] {
  return (state.get(conversationId) ?? []).filter((a) => a.state.kind === "uploaded").map((a) => a.id);
}

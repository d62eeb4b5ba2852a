// The chat's one polite live region. Screen readers hear when an answer starts and how
// it ends, never every delta: the growing answer itself is not a live region.

import { useEffect, useRef, useState } from "react";
import type { ClientToolState, ExecutionStatus, Part } from "../bindings";
import { describeError, describeStatus } from "../errors";
import { messages } from "../messages";
import type { ChatEntry } from "../store/chat";
import { visibleText } from "./parts/visible";

const words = messages.announce;

/** What to say when an execution goes from `before` (undefined: new) to `after`. */
export function announcementFor(before: ExecutionStatus | undefined, after: ChatEntry, agent: string): string | null {
  if (before === after.status) return null;
  switch (after.status) {
    case "running":
      return words.started(agent);
    case "completed":
      // An execution first seen already finished (a snapshot) is not news.
      return before === undefined ? null : words.finished(agent);
    case "failed":
      return words.failed(agent, after.error ? describeError(after.error) : (describeStatus("failed") ?? ""));
    case "stopped":
      return before === undefined ? null : words.stopped(agent);
    case "awaitingApproval":
    case "waitingForExternalEvent":
    case "awaitingClientTool":
      return before === undefined ? null : words.waiting(agent, describeStatus(after.status) ?? "");
  }
}

type ClientToolCall = Extract<Part, { kind: "clientToolCall" }>;

/**
 * What to say when a call of a tool on this computer goes from `before` (undefined:
 * not seen yet) to `after`. "Received" is a moment, not news.
 */
export function toolAnnouncementFor(before: ClientToolState | undefined, after: ClientToolCall, agent: string): string | null {
  if (before === after.state) return null;
  const tool = visibleText(after.name);
  switch (after.state) {
    case "received":
      return null;
    case "waitingForYou":
      return words.toolWaiting(agent, tool);
    case "running":
      return words.toolRunning(tool, after.approvedBy);
    case "done":
      return words.toolDone(tool);
    case "failed":
      return words.toolFailed(tool);
    case "denied":
      return words.toolDenied(tool);
    case "notTaken":
      return words.toolNotTaken(tool);
  }
}

/**
 * The state of each client tool call among `parts`, by part index. The store replaces
 * an entry's parts only when they change, so each list is read once, not on every delta
 * of every execution in the chat.
 */
const toolStatesOf = new WeakMap<readonly Part[], ReadonlyMap<number, ClientToolState>>();
function toolStates(parts: readonly Part[]): ReadonlyMap<number, ClientToolState> {
  let states = toolStatesOf.get(parts);
  if (!states) {
    const found = new Map<number, ClientToolState>();
    parts.forEach((part, index) => {
      if (part.kind === "clientToolCall") found.set(index, part.state);
    });
    states = found;
    toolStatesOf.set(parts, states);
  }
  return states;
}

/**
 * The latest announcement for these entries. The first entries seen (the chat loading)
 * are not announced; after that, each change of an execution's status is, and each
 * change of a tool call on this computer (a call first seen in an execution first seen,
 * a snapshot, is announced only when it waits for the user).
 */
export function useChatAnnouncement(entries: readonly ChatEntry[], agentName: (agentId: string) => string): string {
  const seen = useRef<Map<string, ExecutionStatus> | null>(null);
  const seenTools = useRef<Map<string, ReadonlyMap<number, ClientToolState>>>(new Map());
  const [text, setText] = useState("");

  useEffect(() => {
    const previous = seen.current;
    const previousTools = seenTools.current;
    const next = new Map<string, ExecutionStatus>();
    const nextTools = new Map<string, ReadonlyMap<number, ClientToolState>>();
    const said: string[] = [];
    for (const entry of entries) {
      next.set(entry.handle, entry.status);
      const tools = toolStates(entry.parts);
      if (tools.size > 0) nextTools.set(entry.handle, tools);
      if (!previous) continue;
      const agent = agentName(entry.request.agentId);
      const known = previous.has(entry.handle);
      const before = previousTools.get(entry.handle);
      for (const [index, state] of tools) {
        if (!known && state !== "waitingForYou") continue;
        const line = toolAnnouncementFor(before?.get(index), entry.parts[index] as ClientToolCall, agent);
        if (line) said.push(line);
      }
      const line = announcementFor(previous.get(entry.handle), entry, agent);
      if (line) said.push(line);
    }
    seen.current = next;
    seenTools.current = nextTools;
    if (said.length === 0) return;
    const sentence = said.join(" ");
    // The same words again must still be heard: change the text (a trailing no-break space).
    setText((current) => (current === sentence ? `${sentence}\u00a0` : sentence));
  }, [entries, agentName]);

  return text;
}

/** Visually hidden; announced politely and whole. */
export function ChatAnnouncer({ text }: { text: string }) {
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="chat-announcer">
      {text}
    </div>
  );
}

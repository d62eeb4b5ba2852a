// The chat's one polite live region. Screen readers hear when an answer starts and how
// it ends, never every delta: the growing answer itself is not a live region.

import { useEffect, useRef, useState } from "react";
import type { ExecutionStatus } from "../bindings";
import { describeError, describeStatus } from "../errors";
import { messages } from "../messages";
import type { ChatEntry } from "../store/chat";

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

/**
 * The latest announcement for these entries. The first entries seen (the chat loading)
 * are not announced; after that, each change of an execution's status is.
 */
export function useChatAnnouncement(entries: readonly ChatEntry[], agentName: (agentId: string) => string): string {
  const seen = useRef<Map<string, ExecutionStatus> | null>(null);
  const [text, setText] = useState("");

  useEffect(() => {
    const previous = seen.current;
    const next = new Map<string, ExecutionStatus>();
    const said: string[] = [];
    for (const entry of entries) {
      next.set(entry.handle, entry.status);
      if (!previous) continue;
      const line = announcementFor(previous.get(entry.handle), entry, agentName(entry.request.agentId));
      if (line) said.push(line);
    }
    seen.current = next;
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

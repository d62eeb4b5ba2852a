import { useEffect, useState } from "react";
import type { Part } from "../bindings";
import { formatElapsed } from "../format";
import { messages } from "../messages";

/** How long an answer may be silent before the counter shows. */
export const SILENCE_SHOWN_AFTER_MS = 10_000;

type Props = {
  /** The execution's update number: any new update means it is alive. */
  seq: number;
  /** A tool call on this computer waits for the user's answer in the native dialog. */
  waitingForYou?: boolean;
  /** The clock (Unix ms), injectable for tests. */
  now?: () => number;
};

/**
 * Whether a tool call on this computer among `parts` waits for the user's answer in the
 * approval dialog. Any call, not only the last: calls are asked one at a time, so a
 * later one may still be "received" while an earlier one asks.
 */
export function waitsForYou(parts: readonly Part[]): boolean {
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    if (part.kind === "clientToolCall" && part.state === "waitingForYou") return true;
  }
  return false;
}

/**
 * Under a running answer: how long nothing has arrived. Silence is not death (a slow
 * tool, a long first token, a server-side approval can be quiet for minutes while the
 * server keeps running, and charging for, the execution), so the app never gives up on
 * its own early; it tells the user and leaves Stop to them.
 *
 * While a tool call waits for the user's answer, the silence is the user's, not the
 * agent's: it says where the question is instead, at once.
 */
export function SilenceCounter({ seq, waitingForYou = false, now = Date.now }: Props) {
  const [since, setSince] = useState(now);
  const [at, setAt] = useState(now);
  useEffect(() => {
    const t = now();
    setSince(t);
    setAt(t);
  }, [seq, now]);
  useEffect(() => {
    const timer = window.setInterval(() => setAt(now()), 1_000);
    return () => window.clearInterval(timer);
  }, [now]);
  const silent = at - since;
  if (waitingForYou) {
    // Not a live region: the chat's announcer already says that the dialog asks.
    return (
      <p className="execution-notice silence-counter waiting-for-you" data-testid="silence-counter" data-waiting-for-you="">
        {messages.exchange.waitingForYou}
      </p>
    );
  }
  if (silent < SILENCE_SHOWN_AFTER_MS) return null;
  return (
    <p className="execution-notice silence-counter" data-testid="silence-counter" role="status">
      {messages.exchange.silence(formatElapsed(silent))}
    </p>
  );
}

import { useEffect, useState } from "react";
import { formatElapsed } from "../format";
import { messages } from "../messages";

/** How long an answer may be silent before the counter shows. */
export const SILENCE_SHOWN_AFTER_MS = 10_000;

type Props = {
  /** The execution's update number: any new update means it is alive. */
  seq: number;
  /** The clock (Unix ms), injectable for tests. */
  now?: () => number;
};

/**
 * Under a running answer: how long nothing has arrived. Silence is not death (a slow
 * tool, a long first token, a server-side approval can be quiet for minutes while the
 * server keeps running, and charging for, the execution), so the app never gives up on
 * its own early; it tells the user and leaves Stop to them.
 */
export function SilenceCounter({ seq, now = Date.now }: Props) {
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
  if (silent < SILENCE_SHOWN_AFTER_MS) return null;
  return (
    <p className="execution-notice silence-counter" data-testid="silence-counter" role="status">
      {messages.exchange.silence(formatElapsed(silent))}
    </p>
  );
}

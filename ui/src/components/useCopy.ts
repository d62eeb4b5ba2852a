import { useEffect, useState } from "react";

/** How long "Copied" (or "Copy failed") shows before the button reads "Copy" again. */
const SHOWN_FOR_MS = 2000;

/** Where a copy button stands. */
export type CopyState = "idle" | "copied" | "failed";

/** Copies `text` to the clipboard on `copy()`; `state` says how it went, for a while. */
export function useCopy(text: string): { state: CopyState; copy: () => Promise<void> } {
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state === "idle") return undefined;
    const timer = setTimeout(() => setState("idle"), SHOWN_FOR_MS);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return { state, copy };
}

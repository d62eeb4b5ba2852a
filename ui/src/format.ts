// Pure formatters for numbers the UI shows. en-US separators everywhere, so the same
// figures read the same on every machine.

import type { Usage } from "./bindings";

const LOCALE = "en-US";

/** 1234 -> "1,234". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString(LOCALE);
}

/** Micro-dollars -> "$0.0042" (4 decimals). */
export function formatCost(microdollars: number): string {
  const dollars = microdollars / 1e6;
  return `$${dollars.toLocaleString(LOCALE, { minimumFractionDigits: 4, maximumFractionDigits: 4 })}`;
}

/** Milliseconds -> "2.34 s". */
export function formatLatency(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds.toLocaleString(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} s`;
}

/** "1,234 tokens (1,000 in · 234 out) · $0.0042 · 2.34 s". */
export function formatUsage(usage: Usage): string {
  return (
    `${formatCount(usage.totalTokens)} tokens ` +
    `(${formatCount(usage.inputTokens)} in · ${formatCount(usage.outputTokens)} out) · ` +
    `${formatCost(usage.costMicrodollars)} · ${formatLatency(usage.latencyMs)}`
  );
}

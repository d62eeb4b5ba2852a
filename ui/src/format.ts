// Pure formatters for numbers the UI shows. en-US separators everywhere, so the same
// figures read the same on every machine.

import type { Usage } from "./bindings";
import { messages } from "./messages";

const LOCALE = "en-US";

/** 1234 -> "1,234". */
export function formatCount(n: number | null): string {
  // An f64 crosses IPC as `number | null` (NaN arrives as null).
  if (n === null) return "?";
  return Math.round(n).toLocaleString(LOCALE);
}

/** A size in bytes: "512 bytes", "1.5 KiB", "20 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, "")} KiB`;
  return `${formatCount(bytes)} bytes`;
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

/** A batch item's tokens and cost: "42 tokens (12 in · 30 out) · $0.0110". */
export function formatTokens(
  usage: { inputTokens: number; outputTokens: number; totalTokens: number },
  costMicrodollars: number | null,
): string {
  const tokens = `${formatCount(usage.totalTokens)} tokens (${formatCount(usage.inputTokens)} in · ${formatCount(usage.outputTokens)} out)`;
  return costMicrodollars === null ? tokens : `${tokens} · ${formatCost(costMicrodollars)}`;
}

/** A duration: "45 ms" under a tenth of a second, "0.3 s", "12.4 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 100) return `${Math.round(safe)} ms`;
  if (safe < 60_000) {
    const seconds = Math.round(safe / 100) / 10;
    if (seconds < 60) return `${seconds.toLocaleString(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
  }
  const total = Math.round(safe / 1000);
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  return rest === 0 ? `${formatCount(minutes)} min` : `${formatCount(minutes)} min ${rest} s`;
}

/** Whole seconds elapsed, for a counter that ticks: "0 s", "42 s", "1 min 3 s". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return `${total} s`;
  const rest = total % 60;
  return rest === 0 ? `${formatCount(Math.floor(total / 60))} min` : `${formatCount(Math.floor(total / 60))} min ${rest} s`;
}

/**
 * When something last happened, relative to `nowMs`: "just now", "2 min ago", "3 h ago",
 * "yesterday", then a date ("Mar 4", with the year when it is not this year's).
 */
export function formatRelativeTime(ms: number, nowMs: number, words = messages.time): string {
  const elapsed = Math.max(0, nowMs - ms);
  const minutes = Math.floor(elapsed / 60_000);
  if (minutes < 1) return words.justNow;
  if (minutes < 60) return words.minutes(minutes);
  const then = new Date(ms);
  const now = new Date(nowMs);
  const sameDay = then.toDateString() === now.toDateString();
  if (sameDay || elapsed < 6 * 3_600_000) return words.hours(Math.floor(minutes / 60));
  const yesterday = new Date(nowMs);
  yesterday.setDate(yesterday.getDate() - 1);
  if (then.toDateString() === yesterday.toDateString()) return words.yesterday;
  const options: Intl.DateTimeFormatOptions =
    then.getFullYear() === now.getFullYear() ? { month: "short", day: "numeric" } : { month: "short", day: "numeric", year: "numeric" };
  return then.toLocaleDateString(LOCALE, options);
}

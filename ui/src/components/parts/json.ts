// Reading the JSON text of parts (tool arguments and results, structured output).
// Everything here is model or server output: it is only ever shown as text.

export type Parsed = { ok: true; value: unknown } | { ok: false };

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Pretty-printed with two spaces; the text as it came when it is not JSON. */
export function prettyJson(text: string): string {
  const parsed = parseJson(text);
  return parsed.ok ? JSON.stringify(parsed.value, null, 2) ?? text : text;
}

export function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null;
}

/** At most `max` characters (code points), with "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function summarizeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(oneLine(value));
  if (Array.isArray(value)) return `[${value.length}]`;
  if (isContainer(value)) return "{…}";
  return String(value);
}

/**
 * One line that says what a tool was called with: the first keys and values of an
 * object (`query: "athena", limit: 3`), truncated to `max` characters.
 */
export function summarizeArguments(text: string, max = 80, keys = 3): string {
  const parsed = parseJson(text);
  if (!parsed.ok) return truncate(oneLine(text), max);
  const value = parsed.value;
  if (isContainer(value) && !Array.isArray(value)) {
    const entries = Object.entries(value);
    const shown = entries.slice(0, keys).map(([key, v]) => `${key}: ${summarizeValue(v)}`);
    if (entries.length > keys) shown.push("…");
    return truncate(shown.join(", "), max);
  }
  return truncate(oneLine(JSON.stringify(value) ?? ""), max);
}

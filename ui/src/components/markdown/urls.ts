// Which addresses in model output may reach the DOM at all.
//
// Every `href`/`src`-like value that markdown produces goes through `safeUrl`: only
// absolute http(s) and mailto addresses survive, plus same-page fragments (footnotes).
// The address is parsed with the platform's URL parser (the same one the webview would
// use), and what reaches the DOM is the parser's own serialisation, so a value cannot
// mean one thing to this check and another to the browser (`java\tscript:`, entity
// tricks, upper case, leading spaces). Opening a link is still the backend's decision:
// `open_link` allows only http(s) and asks the user first.

const ALLOWED_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);
const FRAGMENT = /^#[A-Za-z0-9_.:-]*$/;

/** The address as it may appear in the DOM, or null if it must not appear at all. */
export function safeUrl(value: string): string | null {
  const trimmed = value.trim();
  if (FRAGMENT.test(trimmed)) return trimmed;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null; // relative, empty or malformed: nothing to open
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol !== "mailto:" && url.hostname === "") return null;
  return url.href;
}

/** react-markdown's `urlTransform`: an unsafe address is dropped (the attribute is left out). */
export function urlTransform(value: string): string | undefined {
  return safeUrl(value) ?? undefined;
}

/**
 * What to show next to a link so the user sees where it really goes: the host of a
 * web address (international hosts in their `xn--` form, as the URL parser gives
 * them), the address of a mailto link.
 */
export function displayTarget(href: string): string {
  try {
    const url = new URL(href);
    if (url.protocol === "mailto:") return decodeURIComponent(url.pathname);
    return url.host;
  } catch {
    return href;
  }
}

/** True when the visible text of a link already is its address (an autolink). */
export function textIsAddress(text: string, href: string): boolean {
  const t = text.trim();
  if (t === "") return false;
  if (t === href) return true;
  for (const candidate of [t, `http://${t}`, `mailto:${t}`]) {
    try {
      if (new URL(candidate).href === href) return true;
    } catch {
      // not an address
    }
  }
  return false;
}

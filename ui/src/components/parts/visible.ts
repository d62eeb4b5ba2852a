// Making invisible characters visible in model output the user must judge (the
// arguments of a tool call on this computer, its result). Bidirectional overrides can
// make `exe.txt` read as `txt.exe`; zero-width and tag characters can hide words;
// control characters can move the cursor. Each is shown as a token such as ⟨U+202E⟩.
// Newlines and tabs are kept: they are how the JSON is laid out.

/** A piece of text: as it is, or one invisible character shown as its code. */
export type Segment = { text: string; hidden: false } | { text: string; hidden: true; codePoint: number };

/** Whether a code point is shown as a token instead of itself. */
export function isHiddenCodePoint(cp: number): boolean {
  return (
    // C0 controls, except tab and line feed; DEL; C1 controls.
    (cp <= 0x1f && cp !== 0x09 && cp !== 0x0a) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    // Arabic letter mark (a bidirectional mark).
    cp === 0x061c ||
    // Zero-width space, non-joiner, joiner; left-to-right and right-to-left marks.
    (cp >= 0x200b && cp <= 0x200f) ||
    // Line and paragraph separators.
    cp === 0x2028 ||
    cp === 0x2029 ||
    // Bidirectional embeddings and overrides.
    (cp >= 0x202a && cp <= 0x202e) ||
    // Word joiner and invisible operators.
    (cp >= 0x2060 && cp <= 0x2064) ||
    // Bidirectional isolates.
    (cp >= 0x2066 && cp <= 0x2069) ||
    // Zero-width no-break space (byte order mark).
    cp === 0xfeff ||
    // Tag characters (can spell hidden text).
    (cp >= 0xe0000 && cp <= 0xe007f) ||
    // A lone surrogate (not a character at all).
    (cp >= 0xd800 && cp <= 0xdfff)
  );
}

/** The token that stands for an invisible character: `⟨U+202E⟩`. */
export function tokenFor(cp: number): string {
  return `⟨U+${cp.toString(16).toUpperCase().padStart(4, "0")}⟩`;
}

/** `text` cut into runs of ordinary text and single invisible characters. */
export function visibleSegments(text: string): Segment[] {
  const out: Segment[] = [];
  let run = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (isHiddenCodePoint(cp)) {
      if (run) out.push({ text: run, hidden: false });
      run = "";
      out.push({ text: tokenFor(cp), hidden: true, codePoint: cp });
    } else {
      run += ch;
    }
  }
  if (run) out.push({ text: run, hidden: false });
  return out;
}

/** `text` with every invisible character replaced by its token. */
export function visibleText(text: string): string {
  return visibleSegments(text)
    .map((s) => s.text)
    .join("");
}

/** Whether `text` has any character `visibleText` would replace. */
export function hasHiddenCharacters(text: string): boolean {
  for (const ch of text) if (isHiddenCodePoint(ch.codePointAt(0)!)) return true;
  return false;
}

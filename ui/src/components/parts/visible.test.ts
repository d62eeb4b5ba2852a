import { describe, expect, it } from "vitest";
import { hasHiddenCharacters, tokenFor, visibleSegments, visibleText } from "./visible";

describe("visibleText", () => {
  it("leaves ordinary text, newlines and tabs alone", () => {
    const text = '{\n\t"path": "/home/ana/notes.txt",\n  "note": "café ✓ 日本 🙂"\n}';
    expect(visibleText(text)).toBe(text);
    expect(hasHiddenCharacters(text)).toBe(false);
  });

  it("shows bidirectional overrides, embeddings and isolates as tokens", () => {
    expect(visibleText("report\u202Etxt.exe")).toBe("report⟨U+202E⟩txt.exe");
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(visibleText(`a${String.fromCodePoint(cp)}b`)).toBe(`a${tokenFor(cp)}b`);
    }
    expect(tokenFor(0x2066)).toBe("⟨U+2066⟩");
  });

  it("shows zero-width characters, marks and the byte order mark", () => {
    for (const cp of [0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0xfeff]) {
      expect(visibleText(`x${String.fromCodePoint(cp)}`)).toBe(`x${tokenFor(cp)}`);
    }
    expect(visibleText("rm\u200B -rf")).toBe("rm⟨U+200B⟩ -rf");
  });

  it("shows control characters except newline and tab", () => {
    expect(visibleText("a\u0000b\rc\u001bd\u0007e\n\tf")).toBe("a⟨U+0000⟩b⟨U+000D⟩c⟨U+001B⟩d⟨U+0007⟩e\n\tf");
    expect(visibleText("\u007f\u0085")).toBe("⟨U+007F⟩⟨U+0085⟩");
  });

  it("shows tag characters (hidden text) by their full code point", () => {
    expect(visibleText("ok\u{E0041}\u{E0042}")).toBe("ok⟨U+E0041⟩⟨U+E0042⟩");
  });

  it("cuts text into plain runs and one segment per hidden character", () => {
    expect(visibleSegments("ab\u202E\u202Ecd")).toEqual([
      { text: "ab", hidden: false },
      { text: "⟨U+202E⟩", hidden: true, codePoint: 0x202e },
      { text: "⟨U+202E⟩", hidden: true, codePoint: 0x202e },
      { text: "cd", hidden: false },
    ]);
    expect(visibleSegments("")).toEqual([]);
    expect(hasHiddenCharacters("a\u2067b")).toBe(true);
  });
});

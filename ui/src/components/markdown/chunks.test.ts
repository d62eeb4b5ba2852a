import { describe, expect, it } from "vitest";
import { isParagraph, streamingPieces } from "./chunks";

const words = (n: number, word = "word") => Array.from({ length: n }, (_, i) => `${word}${i}`).join(" ");

describe("streamingPieces", () => {
  it("leaves short blocks and non-paragraphs whole", () => {
    expect(streamingPieces("short")).toEqual(["short"]);
    const list = Array.from({ length: 800 }, (_, i) => `- item ${i}`).join("\n");
    expect(streamingPieces(list, 100)).toEqual([list]);
    const code = "```\n" + words(2000) + "\n```";
    expect(streamingPieces(code, 100)).toEqual([code]);
  });

  it("cuts a long paragraph into pieces that join back to it", () => {
    const text = words(3000);
    const pieces = streamingPieces(text, 1000);
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join("")).toBe(text);
  });

  it("keeps earlier pieces the same while the paragraph grows", () => {
    const text = words(4000);
    const early = streamingPieces(text.slice(0, 12_000), 1000);
    const later = streamingPieces(text, 1000);
    expect(later.slice(0, early.length - 1)).toEqual(early.slice(0, -1));
  });

  it("never cuts inside code, math, emphasis or a link", () => {
    const count = (text: string, mark: string) => text.split(mark).length - 1;
    for (const [open, close] of [["`", "`"], ["$", "$"], ["**", "**"], ["[", "](https://example.com/x)"]] as const) {
      const text = `${words(300)} ${open}${words(400, "in")}${close} ${words(600)}`;
      const pieces = streamingPieces(text, 500);
      expect(pieces.length).toBeGreaterThan(2);
      expect(pieces.join("")).toBe(text);
      for (const piece of pieces.slice(0, -1)) {
        if (open === close) expect(count(piece, open) % 2, `${open} cut in ${piece.slice(0, 30)}`).toBe(0);
        else expect(count(piece, "["), `link cut in ${piece.slice(0, 30)}`).toBe(count(piece, "]"));
        expect(piece.includes("in0 ") && !piece.includes("in399"), "a piece holds the whole span or none of it").toBe(false);
      }
    }
  });

  it("knows a paragraph from other blocks", () => {
    expect(isParagraph("plain words\nand a second line")).toBe(true);
    expect(isParagraph("# heading")).toBe(false);
    expect(isParagraph("| a | b |")).toBe(false);
    expect(isParagraph("1. first")).toBe(false);
  });
});
